import { afterEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import type { HubMessage } from '@fedow/protocol';
import { setPrimary } from '../src/directory/cards';
import { createProduct } from '../src/directory/products';
import { PG_LOCK_LEDGER } from '../src/storage/ledger-lock';
import { freshDatabase } from '../../../test/support/dialects';
import { CASHIER, seedHub, type Seeded } from '../../../support/seed';
import { SpecTill } from '../../../support/spec-till';

/**
 * What a till hears while its pushes wait for the ledger. The pushes wait here on
 * the ledger's lock, held in an open transaction as another hub's long
 * transaction would hold it.
 *
 * Regression (issue 15.3, the multi-hub test's stalled tills): a directory change
 * (a product, the accepted assets, the policy) was queued behind the till's
 * pushes in its session, so while the ledger was busy — three hub processes
 * taking turns at its lock after a hub was killed — a till with pushes waiting
 * heard neither its acks nor the new product for seconds. The change owes
 * nothing to the pushes: it now goes out while they wait.
 *
 * Card updates do wait behind the pushes (their facts may name the pushes'
 * entries), but go out as one update of each card's latest state, not one per
 * feed round (the hub's throughput with 100 tills: bursts of updates of the
 * same cards were most of its card-update traffic).
 */

let world: Seeded | undefined;
let blocker: pg.Client | undefined;
afterEach(async () => {
  await blocker?.end().catch(() => undefined);
  blocker = undefined;
  await world?.close();
  world = undefined;
});

type Update = Extract<HubMessage, { type: 'update' }>;

/** A hub on PostgreSQL, till A connected, and one push of A's waiting for the ledger's lock. */
async function tillWithAPushWaiting(url: string): Promise<{ seeded: Seeded; till: SpecTill; blocker: pg.Client }> {
  const seeded = await seedHub({ databaseUrl: url });
  world = seeded;
  await seeded.hub.app.listen({ host: '127.0.0.1', port: 0 });
  const address = seeded.hub.app.server.address();
  const till = new SpecTill(await seeded.till('A'), `ws://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/sync`);
  await till.connect();
  await till.next((message) => message.type === 'update');

  blocker = new pg.Client({ connectionString: url });
  await blocker.connect();
  await blocker.query('BEGIN');
  await blocker.query('SELECT pg_advisory_xact_lock($1)', [PG_LOCK_LEDGER]);
  till.send({ type: 'push', entries: [till.entry('REF', { card: seeded.cards[0]!, primary: CASHIER, asset: seeded.local, amount: 1_000 })] });
  // The push is in the session's hands (its turn waits on the lock) before anything else happens.
  await new Promise((resolve) => setTimeout(resolve, 300));
  return { seeded, till, blocker };
}

describe('a till whose pushes wait for the ledger', () => {
  const database = freshDatabase('postgres');

  it('hears of a directory change before its pushes are acked', async () => {
    const { seeded, till, blocker } = await tillWithAPushWaiting((await database())!);
    const acked: HubMessage[] = [];
    const ackWatch = till.next((message) => message.type === 'ack', 30_000).then((ack) => void acked.push(ack));

    await createProduct(seeded.hub.context, { place: seeded.placeA.id, label: 'Limonade', price: 300, asset: seeded.local, category: '', position: 0 });
    const update = (await till.next((message) => message.type === 'update' && (message.catalogue ?? []).some((item) => item.label === 'Limonade'), 5_000)) as Update;
    expect(update.catalogue?.map((item) => item.label)).toContain('Limonade');
    expect(acked).toEqual([]);

    // The lock released, the push commits and is acked as before.
    await blocker.query('COMMIT');
    await ackWatch;
    expect(acked[0]).toMatchObject({ type: 'ack', lastSeq: 1 });
  }, 60_000);

  it('hears of card changes made meanwhile in one update: each card’s latest state, the last round’s cursor', async () => {
    const { seeded, till, blocker } = await tillWithAPushWaiting((await database())!);
    // Two cashier cards change in two feed rounds, without the ledger's lock.
    const [first, second] = [seeded.cards[1]!, seeded.cards[2]!];
    await setPrimary(seeded.hub.context, { tag: first, place: seeded.placeA.id, primary: true });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await setPrimary(seeded.hub.context, { tag: second, place: seeded.placeA.id, primary: true });
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
