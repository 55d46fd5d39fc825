import { afterEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import type { HubMessage } from '@fedow/protocol';
import { createProduct } from '../src/directory/products';
import { freshDatabase } from '../../../test/support/dialects';
import { CASHIER, seedHub, type Seeded } from '../../../support/seed';
import { SpecTill } from '../../../support/spec-till';

/**
 * Regression (issue 15.3, the multi-hub test's stalled tills): a directory change
 * (a product, the accepted assets, the policy) was queued behind the till's
 * pushes in its session, so while the ledger was busy — three hub processes
 * taking turns at its lock after a hub was killed — a till with pushes waiting
 * heard neither its acks nor the new product for seconds. The change owes
 * nothing to the pushes: it now goes out while they wait.
 */

/** The ledger's advisory lock (storage/ledger-lock.ts), held here as another hub's long transaction would. */
const PG_LOCK_LEDGER = 0x4645_0001;

let world: Seeded | undefined;
let blocker: pg.Client | undefined;
afterEach(async () => {
  await blocker?.end().catch(() => undefined);
  blocker = undefined;
  await world?.close();
  world = undefined;
});

function syncUrl(seeded: Seeded): string {
  const address = seeded.hub.app.server.address();
  return `ws://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/sync`;
}

describe('a directory change while the till has pushes waiting for the ledger', () => {
  const database = freshDatabase('postgres');

  it('reaches the till before its pushes are acked', async () => {
    const url = (await database())!;
    world = await seedHub({ databaseUrl: url });
    await world.hub.app.listen({ host: '127.0.0.1', port: 0 });
    const till = new SpecTill(await world.till('A'), syncUrl(world));
    await till.connect();
    await till.next((message) => message.type === 'update');

    blocker = new pg.Client({ connectionString: url });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query('SELECT pg_advisory_xact_lock($1)', [PG_LOCK_LEDGER]);
    const acked: HubMessage[] = [];
    const ackWatch = till.next((message) => message.type === 'ack', 30_000).then((ack) => void acked.push(ack));
    till.send({ type: 'push', entries: [till.entry('REF', { card: world.cards[0]!, primary: CASHIER, asset: world.local, amount: 1_000 })] });
    // The push is in the session's hands (its turn waits on the lock) before the product is made.
    await new Promise((resolve) => setTimeout(resolve, 300));

    await createProduct(world.hub.context, { place: world.placeA.id, label: 'Limonade', price: 300, asset: world.local, category: '', position: 0 });
    const update = (await till.next((message) => message.type === 'update' && (message.catalogue ?? []).some((item) => item.label === 'Limonade'), 5_000)) as Extract<HubMessage, { type: 'update' }>;
    expect(update.catalogue?.map((item) => item.label)).toContain('Limonade');
    expect(acked).toEqual([]);

    // The lock released, the push commits and is acked as before.
    await blocker.query('COMMIT');
    await ackWatch;
    expect(acked[0]).toMatchObject({ type: 'ack', lastSeq: 1 });
  }, 60_000);
});
