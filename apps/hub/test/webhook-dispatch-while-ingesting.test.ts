/**
 * While tills push, the deliverer turns the outbox into deliveries at most 500
 * messages per transaction, a big push's transfers alone, small pushes together.
 * Twenty rows at a time made dispatch transactions of up to ~0.4 s on the main
 * thread, the ingest's one serial stage: with every event subscribed, the ingest
 * ran 14–25 % slower than without (`npm run bench -- hub`, part webhooks). The
 * hub's own deliverer here polls once an hour, so the test's deliverer is the
 * only one at work.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../src/clock';
import { Deliverer } from '../src/notify/deliverer';
import { addEndpoint, type DeliveryView } from '../src/notify/endpoints';
import * as repo from '../src/storage/repo';
import { CASHIER, seedHub, type Seeded } from '../../../support/seed';
import { SpecTill } from '../../../support/spec-till';
import { until, WebhookReceiver } from './support/webhook-receiver';
import { allDeliveries, FAST_WEBHOOKS } from './support/webhook-scenario';

/** The wall clock, a millisecond further at each reading: a dispatch transaction stamps its deliveries with a time of its own. */
class TickingClock implements Clock {
  private readings = 0;
  now(): Date {
    return new Date(Date.now() + this.readings++);
  }
}

const SETTINGS = { ...FAST_WEBHOOKS, pollMs: 3_600_000 };
const alwaysLeader = { acquire: async () => true, release: async () => {} };

let world: Seeded;
let deliverer: Deliverer;
const receiver = new WebhookReceiver();

beforeAll(async () => {
  world = await seedHub({ cards: 10, config: { webhooks: SETTINGS }, clock: new TickingClock() });
  await world.hub.app.listen({ host: '127.0.0.1', port: 0 });
  deliverer = new Deliverer(world.hub.context, SETTINGS, alwaysLeader, (error) => {
    throw error;
  });
  // What the seed wrote goes through the outbox before any endpoint exists.
  deliverer.wake();
  await until(async () => (await repo.countOutboxEvents(world.hub.context.storage.read)) === 0, 'the seed’s outbox drained');
}, 60_000);

afterAll(async () => {
  await deliverer?.stop();
  await world?.close();
  await receiver.close();
});

describe('the deliverer while tills push', () => {
  it('dispatches at most 500 messages a transaction: a big push alone, small ones together, a push never split', async () => {
    const context = world.hub.context;
    const endpoint = await addEndpoint(context, { url: await receiver.listen(), events: ['transfer.applied'], createdBy: 'test' });
    receiver.useSecret(endpoint.secret);
    const address = world.hub.app.server.address();
    const till = new SpecTill(await world.till('A'), `ws://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/sync`);
    await till.connect();
    // Two pushes of 150 top-ups, then two of 3: a top-up is two transfers, each one message.
    for (const size of [150, 150, 3, 3]) {
      const entries = Array.from({ length: size }, (_, index) => till.entry('REF', { card: world.cards[index % world.cards.length]!, primary: CASHIER, asset: world.local, amount: 500 }));
      expect((await till.push(entries)).results.every((result) => result.status === 'applied')).toBe(true);
    }
    // The sealer's `block.sealed` rows may sit among them: nobody here subscribed to those.
    const rows = (await repo.listOutboxEvents(context.storage.read, 100)).filter((row) => row.type === 'transfer.applied');
    const sizes = rows.map((row) => (JSON.parse(row.payload) as string[]).length);
    expect(sizes).toEqual([300, 300, 6, 6]);
    const transfers = sizes.reduce((sum, size) => sum + size, 0);

    deliverer.pacer.ingested();
    deliverer.wake();
    let deliveries: DeliveryView[] = [];
    await until(async () => (deliveries = await allDeliveries(world, endpoint.id)).length === transfers, 'every transfer dispatched');
    // One group of deliveries per dispatch transaction, by the time it stamped on them.
    const transactions = new Map<string, number>();
    for (const delivery of deliveries) transactions.set(delivery.createdAt, (transactions.get(delivery.createdAt) ?? 0) + 1);
    // The first push alone (a second would pass 500); the second with the two small ones.
    expect([...transactions.values()]).toEqual([300, 312]);
  }, 60_000);
});
