/**
 * While tills push, the deliverer turns the outbox into deliveries one
 * `transfer.applied` row at a time (100 transfers), small rows together, and
 * the ingest tells it when tills have pushes at it. A push's thousand
 * transfers in one row made dispatch transactions of 40–60 ms on the main
 * thread, the ingest's one serial stage (`npm run bench -- hub`, part
 * webhooks). The hub's own deliverer here polls once an hour, so the test's
 * deliverer is the only one at work.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../src/clock';
import { Deliverer } from '../src/notify/deliverer';
import { dispatchOutbox } from '../src/notify/dispatch';
import { addEndpoint, type DeliveryView } from '../src/notify/endpoints';
import { recordEvents } from '../src/outbox/events';
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
  it('hears from the ingest when a till has pushes at it, and when the last is answered', async () => {
    const loads: boolean[] = [];
    const listener = ({ busy }: { busy: boolean }) => loads.push(busy);
    world.hub.context.events.on('ingest-load', listener);
    try {
      const till = new SpecTill(await world.till('A', 7), syncUrl());
      await till.connect();
      const entries = Array.from({ length: 3 }, (_, index) => till.entry('REF', { card: world.cards[index]!, primary: CASHIER, asset: world.local, amount: 100 }));
      expect((await till.push(entries)).results.every((result) => result.status === 'applied')).toBe(true);
      till.close();
    } finally {
      world.hub.context.events.off('ingest-load', listener);
    }
    expect(loads).toEqual([true, false]);
    // Nobody subscribed yet: the push's rows (and the till's going offline) are simply done with.
    await until(async () => {
      deliverer.wake();
      return (await repo.countOutboxEvents(world.hub.context.storage.read)) === 0;
    }, 'the push’s outbox drained');
  }, 30_000);

  it('dispatches one row of 100 transfers a transaction, small rows together, a row never split', async () => {
    const context = world.hub.context;
    const endpoint = await addEndpoint(context, { url: await receiver.listen(), events: ['transfer.applied'], createdBy: 'test' });
    receiver.useSecret(endpoint.secret);
    const till = new SpecTill(await world.till('A'), syncUrl());
    await till.connect();
    // Two pushes of 150 top-ups, then two of 3: a top-up is two transfers, each one message.
    for (const size of [150, 150, 3, 3]) {
      const entries = Array.from({ length: size }, (_, index) => till.entry('REF', { card: world.cards[index % world.cards.length]!, primary: CASHIER, asset: world.local, amount: 500 }));
      expect((await till.push(entries)).results.every((result) => result.status === 'applied')).toBe(true);
    }
    // The sealer's `block.sealed` rows may sit among them: nobody here subscribed to those.
    const rows = (await repo.listOutboxEvents(context.storage.read, 100)).filter((row) => row.type === 'transfer.applied');
    const sizes = rows.map((row) => (JSON.parse(row.payload) as string[]).length);
    expect(sizes).toEqual([100, 100, 100, 100, 100, 100, 6, 6]);
    const transfers = sizes.reduce((sum, size) => sum + size, 0);

    // Tills pushing, without a gap: the deliverer takes its share, a unit at a time.
    deliverer.pacer.ingestLoad(true);
    deliverer.wake();
    let deliveries: DeliveryView[] = [];
    await until(async () => (deliveries = await allDeliveries(world, endpoint.id)).length === transfers, 'every transfer dispatched');
    // One group of deliveries per dispatch transaction, by the time it stamped on them.
    const transactions = new Map<string, number>();
    for (const delivery of deliveries) transactions.set(delivery.createdAt, (transactions.get(delivery.createdAt) ?? 0) + 1);
    // Each row of the big pushes alone (a second would pass 100); the two small ones together.
    expect([...transactions.values()]).toEqual([100, 100, 100, 100, 100, 100, 12]);
    // What that took of the main thread, for the operator: /metrics.
    const metrics = (await world.hub.app.inject({ method: 'GET', url: '/metrics' })).body;
    const seconds = Number(/^fedow_webhook_work_seconds_total\{ingest="busy"\} (\S+)$/m.exec(metrics)?.[1]);
    expect(seconds).toBeGreaterThan(0);
  }, 60_000);

  it('counts no message for a row nobody subscribed to', async () => {
    const context = world.hub.context;
    const at = new Date().toISOString();
    // The endpoint above takes `transfer.applied` only.
    await context.storage.transaction((tx) => recordEvents(tx, Array.from({ length: 30 }, () => ({ type: 'card.lost' as const, data: { card: world.cards[0]!, at } })), at));
    const waiting = await repo.countOutboxEvents(context.storage.read);
    // Twenty rows, as many as asked for, within a budget of five messages.
    expect(await dispatchOutbox(context, 20, 5)).toEqual({ taken: 20, more: false });
    expect(await repo.countOutboxEvents(context.storage.read)).toBe(waiting - 20);
  });
});

function syncUrl(): string {
  const address = world.hub.app.server.address();
  return `ws://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/sync`;
}
