/** The outgoing webhooks' scenarios, run on SQLite (webhooks.test.ts) and PostgreSQL (webhooks-postgres.test.ts). */
import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import type { WebhookSettings } from '../../src/config';
import type { Clock } from '../../src/clock';
import { addEndpoint, listDeliveries, replayDelivery, type DeliveryView } from '../../src/notify/endpoints';
import * as repo from '../../src/storage/repo';
import { CASHIER, seedHub, type Seeded } from '../../../../support/seed';
import { SpecTill } from '../../../../support/spec-till';
import { until, WebhookReceiver, type Behaviour } from './webhook-receiver';

/** Short enough for a test, with room for a loaded machine: an attempt times out after 1 s. */
export const FAST_WEBHOOKS: WebhookSettings = {
  pollMs: 20,
  timeoutMs: 1_000,
  endpointsInFlightMax: 16,
  retry: { firstDelayMs: 20, delayMsMax: 200, retryForMs: 10 * 60_000 },
};

/**
 * The wall clock, moved forward when the test says: a retry window passes at the
 * test's command instead of in real milliseconds a loaded machine may not give the
 * deliverer (a window of 400 ms once ended after a single slow attempt).
 */
export class SkippingClock implements Clock {
  private skippedMs = 0;
  now(): Date {
    return new Date(Date.now() + this.skippedMs);
  }
  skip(ms: number): void {
    this.skippedMs += ms;
  }
}

/**
 * Retries a few milliseconds apart for a window that ends only when the test skips the clock past it.
 * Two minutes: the two skips of the scenario stay within the receiver's 5-minute signature tolerance.
 */
export const DEAD_LETTER_WEBHOOKS: WebhookSettings = { ...FAST_WEBHOOKS, retry: { firstDelayMs: 20, delayMsMax: 100, retryForMs: 2 * 60_000 } };

export async function seededWithWebhooks(databaseUrl?: string, webhooks: WebhookSettings = FAST_WEBHOOKS, clock?: Clock): Promise<Seeded & { syncUrl: string }> {
  const world = await seedHub({ databaseUrl, cards: 30, config: { webhooks, blockMsMax: 200 }, clock });
  await world.hub.app.listen({ host: '127.0.0.1', port: 0 });
  const address = world.hub.app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  // What the seed wrote went through the outbox before any endpoint existed.
  await until(async () => (await repo.countOutboxEvents(world.hub.context.storage.read)) === 0, 'the seed’s outbox drained');
  return { ...world, syncUrl: `ws://127.0.0.1:${port}/sync` };
}

/** Every delivery of an endpoint, oldest first (the API pages newest first). */
export async function allDeliveries(world: Seeded, endpoint: string): Promise<DeliveryView[]> {
  const all: DeliveryView[] = [];
  for (;;) {
    const page = await listDeliveries(world.hub.context, { endpoint, beforeSeq: all.at(-1)?.seq, limit: 200 });
    if (page.length === 0) return all.reverse();
    all.push(...page);
  }
}

async function transferIdsAfter(world: Seeded, seq: number): Promise<{ id: string; seq: number }[]> {
  const rows = await world.hub.context.storage.read.all<{ id: string; seq: number | string }>(sql`select id, seq from transfers where seq > ${seq} order by seq`);
  return rows.map((row) => ({ id: row.id, seq: Number(row.seq) }));
}

/**
 * A receiver that fails, times out, answers slowly and then succeeds, and a
 * second endpoint that never answers: every transfer reaches the first, once,
 * in commit order, signed; the second holds up nobody.
 */
export async function failingThenHealthyEndpoint(world: Seeded & { syncUrl: string }): Promise<void> {
  const script: Record<number, Behaviour> = { 1: { kind: 'fail', status: 500 }, 2: { kind: 'hang' }, 3: { kind: 'slow', ms: 300 }, 4: { kind: 'fail', status: 503 }, 6: { kind: 'hang' } };
  const healthy = new WebhookReceiver((n) => script[n] ?? { kind: 'ok' });
  const stuck = new WebhookReceiver(() => ({ kind: 'hang' }));
  const context = world.hub.context;
  try {
    const good = await addEndpoint(context, { url: await healthy.listen(), events: ['transfer.applied', 'block.sealed'], createdBy: 'test' });
    healthy.useSecret(good.secret);
    const bad = await addEndpoint(context, { url: await stuck.listen(), events: ['transfer.applied'], place: world.placeA.id, createdBy: 'test' });
    stuck.useSecret(bad.secret);
    const before = await repo.latestTransferSeq(context.storage.read);

    const till = new SpecTill(await world.till('A'), world.syncUrl);
    await till.connect();
    const TOTAL = 240;
    for (let start = 0; start < TOTAL; start += 40) {
      const batch = Array.from({ length: 40 }, (_, index) => till.entry('REF', { card: world.cards[(start + index) % world.cards.length]!, primary: CASHIER, asset: world.local, amount: 100 }));
      const ack = await till.push(batch);
      expect(ack.results.every((result) => result.status === 'applied')).toBe(true);
    }
    till.close();
    const transfers = await transferIdsAfter(world, before);
    expect(transfers.length).toBeGreaterThanOrEqual(TOTAL);

    await until(() => healthy.accepted.filter((message) => message.type === 'transfer.applied').length >= transfers.length, 'every transfer delivered', 120_000);
    const delivered = healthy.accepted.filter((message) => message.type === 'transfer.applied');
    // Every transfer once, in commit order, each message signed (the receiver refuses others).
    expect(delivered.map((message) => message.data.id)).toEqual(transfers.map((transfer) => transfer.id));
    expect(delivered.map((message) => message.data.seq)).toEqual(transfers.map((transfer) => transfer.seq));
    expect(new Set(healthy.ids()).size).toBe(healthy.accepted.length);
    expect(healthy.badSignatures).toBe(0);
    const heights = healthy.accepted.filter((message) => message.type === 'block.sealed').map((message) => message.data.height as number);
    expect(heights).toEqual([...heights].sort((a, b) => a - b));

    // The first message took three attempts: 500, no answer, a slow 204.
    const [first] = await allDeliveries(world, good.id);
    expect(first!.messageId).toBe(healthy.accepted[0]!.id);
    expect(first!.status).toBe('delivered');
    expect(first!.attemptLog.map((attempt) => attempt.status)).toEqual([500, null, 204]);
    expect(first!.attemptLog[1]!.error).toMatch(/no answer within/);

    // Meanwhile the endpoint that never answers is still on its first message.
    const stuckQueue = await allDeliveries(world, bad.id);
    expect(stuckQueue.filter((delivery) => delivery.status === 'delivered')).toHaveLength(0);
    expect(stuckQueue.length).toBe(transfers.length);
    expect(stuck.accepted).toHaveLength(0);
    expect(stuck.requests).toBeGreaterThanOrEqual(1);
  } finally {
    await healthy.close();
    await stuck.close();
  }
}

/**
 * Past its retry window a message is dead-lettered, the next one goes on, and a replay sends it again with its id.
 * `world` runs DEAD_LETTER_WEBHOOKS on `clock`.
 */
export async function deadLetterAndReplay(world: Seeded & { syncUrl: string }, clock: SkippingClock): Promise<void> {
  const receiver = new WebhookReceiver(() => ({ kind: 'fail', status: 500 }));
  const context = world.hub.context;
  try {
    const endpoint = await addEndpoint(context, { url: await receiver.listen(), events: ['transfer.applied'], createdBy: 'test' });
    receiver.useSecret(endpoint.secret);
    const till = new SpecTill(await world.till('A'), world.syncUrl);
    await till.connect();
    await till.push([till.entry('REF', { card: world.cards[0]!, primary: CASHIER, asset: world.local, amount: 100 })]);
    // A top-up is two transfers (creation, refill). The endpoint takes them in order: each is
    // retried within its window, then given up once the clock passes it, and the next one starts.
    const deadCount = async () => (await allDeliveries(world, endpoint.id)).filter((delivery) => delivery.status === 'dead').length;
    for (let given = 1; given <= 2; given++) {
      await until(async () => (await allDeliveries(world, endpoint.id)).some((delivery) => delivery.status === 'pending' && delivery.attempts >= 2), `message ${given} retried`);
      clock.skip(DEAD_LETTER_WEBHOOKS.retry.retryForMs);
      await until(async () => (await deadCount()) === given, `message ${given} dead-lettered`);
    }
    const dead = await allDeliveries(world, endpoint.id);
    for (const delivery of dead) {
      expect(delivery.attempts).toBeGreaterThanOrEqual(2);
      expect(delivery.attemptLog.every((attempt) => attempt.status === 500)).toBe(true);
    }

    receiver.answer(() => ({ kind: 'ok' }));
    await till.push([till.entry('REF', { card: world.cards[1]!, primary: CASHIER, asset: world.local, amount: 100 })]);
    await until(() => receiver.accepted.length === 2, 'the next messages delivered after the dead ones');
    const replay = await replayDelivery(context, dead[0]!.id);
    expect(replay.replayOf).toBe(dead[0]!.id);
    await until(() => receiver.accepted.length === 3, 'the replay delivered');
    expect(receiver.accepted[2]!.id).toBe(dead[0]!.messageId);
    expect(receiver.accepted[2]!.body).toBe(dead[0]!.body);
    await expect(replayDelivery(context, 'no-such-delivery')).rejects.toMatchObject({ code: 'not_found' });
    till.close();
  } finally {
    await receiver.close();
  }
}
