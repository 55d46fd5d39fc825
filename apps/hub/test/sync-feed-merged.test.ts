import { afterEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import type { HubMessage } from '@fedow/protocol';
import { setPrimary } from '../src/directory/cards';
import { freshDatabase } from '../../../test/support/dialects';
import { CASHIER, seedHub, type Seeded } from '../../../support/seed';
import { SpecTill } from '../../../support/spec-till';

/**
 * Card updates that wait in a till's session behind its own pushes go out as
 * one update of each card's latest state, not one per feed round (the hub's
 * throughput with 100 tills: bursts of updates of the same cards were most of
 * its card-update traffic). The pushes wait here on the ledger's lock, held as
 * another hub's long transaction would hold it; two cashier cards change
 * meanwhile, in two feed rounds, without that lock.
 */

/** The ledger's advisory lock (storage/ledger-lock.ts). */
const PG_LOCK_LEDGER = 0x4645_0001;

let world: Seeded | undefined;
let blocker: pg.Client | undefined;
afterEach(async () => {
  await blocker?.end().catch(() => undefined);
  blocker = undefined;
  await world?.close();
  world = undefined;
});

type Update = Extract<HubMessage, { type: 'update' }>;

describe('card updates waiting behind a till’s pushes', () => {
  const database = freshDatabase('postgres');

  it('go out merged: one update with each card’s latest state and the last round’s cursor', async () => {
    const url = (await database())!;
    world = await seedHub({ databaseUrl: url });
    await world.hub.app.listen({ host: '127.0.0.1', port: 0 });
    const address = world.hub.app.server.address();
    const till = new SpecTill(await world.till('A'), `ws://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/sync`);
    await till.connect();
    await till.next((message) => message.type === 'update');

    blocker = new pg.Client({ connectionString: url });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query('SELECT pg_advisory_xact_lock($1)', [PG_LOCK_LEDGER]);
    till.send({ type: 'push', entries: [till.entry('REF', { card: world.cards[0]!, primary: CASHIER, asset: world.local, amount: 1_000 })] });
    // The push is in the session's hands (its turn waits on the lock) before the cards change.
    await new Promise((resolve) => setTimeout(resolve, 300));

    const [first, second] = [world.cards[1]!, world.cards[2]!];
    await setPrimary(world.hub.context, { tag: first, place: world.placeA.id, primary: true });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await setPrimary(world.hub.context, { tag: second, place: world.placeA.id, primary: true });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(till.messages.filter((message) => message.type === 'update')).toEqual([]);

    await blocker.query('COMMIT');
    await till.next((message) => message.type === 'ack', 10_000);
    const update = (await till.next((message) => message.type === 'update' && message.cards.length > 0, 5_000)) as Update;
    // Before the merge, this first update named the first card alone, at the first round's cursor.
    expect(update.cards.map((card) => card.card).sort()).toEqual([first, second].sort());
    expect(update.primaries).toEqual(expect.arrayContaining([first, second]));
  }, 60_000);
});
