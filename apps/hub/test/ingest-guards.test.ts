import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS, freshDatabase } from '../../../test/support/dialects';
import { QUARANTINE_FIRST_KEPT_MAX, QUARANTINE_FREEZE_ENTRIES, QUARANTINE_LATEST_KEPT_MAX, type HubMessage, type WireEntry } from '@fedow/protocol';
import * as repo from '../src/storage/repo';
import { alertList } from '../src/dashboard/alerts';
import { verifyChain } from '../src/verify/verify-chain';
import { CASHIER, seedHub, type Seeded, listenForTills } from '../../../support/seed';
import { SpecTill } from '../../../support/spec-till';

let world: Seeded;
let url: string;

/**
 * What a hostile but paired till may try at ingest (docs/DECISIONS.md, SYNC.md
 * section): sign an entry naming another till, reuse another till's entry id,
 * flood its quarantine. Every one gets a typed answer, the others go on, and
 * `fedow verify` passes after each.
 */
describe.each(DIALECTS)('on %s', (dialect) => {
  const databaseUrl = freshDatabase(dialect);

  beforeEach(async () => {
    world = await seedHub({ databaseUrl: await databaseUrl() });
    url = await listenForTills(world);
  });

  afterEach(async () => {
    const verdict = await verifyChain(world.hub.context);
    await world.close();
    expect(verdict.firstDiscrepancy).toBeNull();
  });

  const isError = (code: string) => (message: HubMessage) => message.type === 'error' && message.code === code;
  const statusOf = async (terminal: string) => (await repo.getTerminal(world.hub.context.storage.read, terminal))?.status;

  it('refuses an entry naming another till (wrong_terminal): quarantined, the chain unmoved, nobody frozen', async () => {
    const p = new SpecTill(await world.till(), url);
    const q = new SpecTill(await world.till(), url);
    await p.connect();
    // Seq 1 of P's chain (prev = P's genesis), signed with P's key, naming Q.
    const foreign = p.entry('REF', { card: world.cards[0]!, primary: CASHIER, asset: world.local, amount: 100, terminal: q.till.id });
    const refused = await p.push([foreign]);
    expect(refused).toMatchObject({ lastSeq: 0, results: [{ seq: 1, status: 'rejected', reason: 'wrong_terminal' }] });
    expect(await repo.listEntries(world.hub.context.storage.read, p.till.id, 0, 10)).toHaveLength(0);
    expect(await repo.listEntries(world.hub.context.storage.read, q.till.id, 0, 10)).toHaveLength(0);
    expect((await repo.listQuarantine(world.hub.context.storage.read, p.till.id, 10)).map((row) => row.reason)).toEqual(['wrong_terminal']);
    expect([await statusOf(p.till.id), await statusOf(q.till.id)]).toEqual(['active', 'active']);

    // P's genuine seq 1 follows on the same connection; Q syncs as if nothing happened.
    p.seq = 0;
    p.prev = p.till.genesis;
    expect(await p.push([p.entry('REF', { card: world.cards[0]!, primary: CASHIER, asset: world.local, amount: 100 })])).toMatchObject({ lastSeq: 1, results: [{ status: 'applied' }] });
    expect(await q.connect()).toMatchObject({ type: 'welcome', lastSeq: 0 });
    expect((await q.push([q.entry('REF', { card: world.cards[1]!, primary: CASHIER, asset: world.local, amount: 50 })])).results[0]?.status).toBe('applied');
  });

  it('refuses an entry of another version as bad_message, storing nothing', async () => {
    const till = new SpecTill(await world.till(), url);
    await till.connect();
    const entry = till.entry('REF', { card: world.cards[0]!, primary: CASHIER, asset: world.local, amount: 100 });
    till.send({ type: 'push', entries: [{ ...entry, body: { ...entry.body, v: 2 } }] });
    await till.next(isError('bad_message'));
    expect(await repo.listEntries(world.hub.context.storage.read, till.till.id, 0, 10)).toHaveLength(0);
    expect(await statusOf(till.till.id)).toBe('active');
  });

  it("rejects an entry reusing another till's id (duplicate_id), advances the chain, and the till goes on", async () => {
    const x = new SpecTill(await world.till(), url);
    const y = new SpecTill(await world.till(), url);
    await x.connect();
    const original = x.entry('REF', { card: world.cards[2]!, primary: CASHIER, asset: world.local, amount: 300 });
    expect((await x.push([original])).results[0]?.status).toBe('applied');

    await y.connect();
    const reused = y.entry('REF', { card: world.cards[3]!, primary: CASHIER, asset: world.local, amount: 700, id: original.body.id });
    expect(await y.push([reused])).toEqual({ type: 'ack', lastSeq: 1, results: [{ seq: 1, id: original.body.id, status: 'rejected', reason: 'duplicate_id' }] });
    const next = y.entry('REF', { card: world.cards[3]!, primary: CASHIER, asset: world.local, amount: 200 });
    expect(await y.push([next])).toMatchObject({ lastSeq: 2, results: [{ seq: 2, status: 'applied' }] });

    // Reconnecting and resending it is a duplicate, as for any stored entry.
    y.close();
    await y.closed();
    expect(await y.connect()).toMatchObject({ type: 'welcome', lastSeq: 2 });
    expect((await y.push([reused])).results).toEqual([{ seq: 1, id: original.body.id, status: 'duplicate' }]);
    expect(await repo.getTerminal(world.hub.context.storage.read, y.till.id)).toMatchObject({ lastSeq: 2, rejectedCount: 1, status: 'active' });
    // X's entry is untouched.
    expect((await repo.getEntriesByIds(world.hub.context.storage.read, [original.body.id])).map((row) => [row.terminalId, row.status])).toEqual([[x.till.id, 'applied']]);

    // The same till using that id a second time in its own chain is a fork, as for any id it reuses.
    const again = y.entry('REF', { card: world.cards[3]!, primary: CASHIER, asset: world.local, amount: 5, id: original.body.id });
    y.send({ type: 'push', entries: [again] });
    await y.next(isError('fork'));
    expect(await y.closed()).toBe(4409);
  });

  it('treats an id reused within one push as a fork, without an internal error', async () => {
    const till = new SpecTill(await world.till(), url);
    await till.connect();
    const first = till.entry('REF', { card: world.cards[4]!, primary: CASHIER, asset: world.local, amount: 10 });
    const second = till.entry('REF', { card: world.cards[4]!, primary: CASHIER, asset: world.local, amount: 20, id: first.body.id });
    till.send({ type: 'push', entries: [first, second] });
    expect(await till.next((message) => message.type === 'ack')).toMatchObject({ lastSeq: 1, results: [{ seq: 1, status: 'applied' }] });
    await till.next(isError('fork'));
    expect(await till.closed()).toBe(4409);
  });

  it('keeps the first and latest quarantined entries of a till, counts the rest, alerts, then freezes it', async () => {
    const till = new SpecTill(await world.till(), url);
    await till.connect();
    const batch = 100;
    const forged = (round: number): WireEntry[] =>
      Array.from({ length: batch }, (_, index) => {
        till.seq = round * batch + index;
        const entry = till.entry('SAL', { card: world.cards[5]!, primary: CASHIER, asset: world.local, amount: 1 });
        return { ...entry, sig: '00'.repeat(64) };
      });
    const rounds = QUARANTINE_FREEZE_ENTRIES / batch;
    for (let round = 0; round < rounds - 1; round++) {
      const ack = await till.push(forged(round));
      expect(ack.lastSeq).toBe(0);
      expect(ack.results.every((result) => result.reason === 'bad_signature')).toBe(true);
    }
    const read = world.hub.context.storage.read;
    const kept = await repo.listQuarantine(read, till.till.id, 1_000);
    const sent = (rounds - 1) * batch;
    expect(kept.map((row) => row.seq)).toEqual([
      ...Array.from({ length: QUARANTINE_FIRST_KEPT_MAX }, (_, index) => index + 1),
      ...Array.from({ length: QUARANTINE_LATEST_KEPT_MAX }, (_, index) => sent - QUARANTINE_LATEST_KEPT_MAX + index + 1),
    ]);
    expect(await repo.getTerminal(read, till.till.id)).toMatchObject({ quarantinedCount: sent, status: 'active', lastSeq: 0 });
    expect((await alertList(world.hub.context)).find((alert) => alert.kind === 'quarantine_flood')).toMatchObject({ terminal: { id: till.till.id }, reason: 'quarantine_full', count: sent });

    // The push that reaches the freeze count is acked, then the till is frozen.
    expect((await till.push(forged(rounds - 1))).lastSeq).toBe(0);
    await till.next(isError('frozen'));
    expect(await till.closed()).toBe(4403);
    expect(await repo.getTerminal(read, till.till.id)).toMatchObject({ quarantinedCount: QUARANTINE_FREEZE_ENTRIES, status: 'frozen' });
    expect(await repo.listQuarantine(read, till.till.id, 1_000)).toHaveLength(QUARANTINE_FIRST_KEPT_MAX + QUARANTINE_LATEST_KEPT_MAX);
    const alerts = await alertList(world.hub.context);
    expect(alerts.find((alert) => alert.kind === 'quarantine_flood')).toMatchObject({ reason: 'quarantine_frozen', count: QUARANTINE_FREEZE_ENTRIES });
    expect(alerts.find((alert) => alert.kind === 'fork')).toBeUndefined();
    expect(await new SpecTill(till.till, url).connect()).toMatchObject({ type: 'error', code: 'frozen' });
  });
});
