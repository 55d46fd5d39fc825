/**
 * The hub goes away: the real agent keeps selling inside its offline caps,
 * declines beyond them with the code and words a cashier reads, and when the hub
 * comes back (same database, same port) everything it sold reaches the hub once:
 * hub entries 1..n = the journal, balances as expected, verifyChain ok.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatorReader } from '@fedow/nfc';
import { DEFAULT_OFFLINE_POLICY } from '@fedow/protocol';
import { openAgent, type TillAgent } from '@fedow/terminal';
import { CASHIER, FAST_SYNC, approved, journalEntries, startWorld, waitFor, type E2eWorld } from '../support/e2e';

const POLICY = { ...DEFAULT_OFFLINE_POLICY, maxOfflineSale: 5_000, maxOfflineCardSpend: 6_000, maxOfflineExposure: 10_000 };
const MINUTE_MS = 60_000;

describe('a till while the hub is down', () => {
  let world: E2eWorld;
  let agent: TillAgent;
  let reader: SimulatorReader;
  /** The till's clock runs this far ahead when a test says so (time spent offline). */
  let clockOffsetMs = 0;

  beforeAll(async () => {
    world = await startWorld({ policy: POLICY });
    reader = new SimulatorReader();
    const code = await world.pairingCode('A', 'Bar A 1');
    const dataDir = `${world.directory('fedow-e2e-offline-')}/till`;
    const clock = { now: () => Date.now() + clockOffsetMs, random: (length: number) => new Uint8Array(crypto.getRandomValues(new Uint8Array(length))) };
    agent = openAgent({ dataDir, reader, clock, syncTuning: FAST_SYNC, language: 'en' });
    agent.start();
    const paired = await agent.pair(world.url, code, 'Bar A 1');
    expect(paired.ok).toBe(true);
    await waitFor(() => agent.snapshot().sync.status === 'online' && agent.cache.primaries().has(CASHIER), 10_000, 'first snapshot');
  });

  afterAll(async () => {
    await agent?.close();
    await world?.close();
  });

  it('sells inside the caps, declines beyond them with the reason, and syncs everything once when the hub returns', async () => {
    const { local } = world.seeded;
    const [a, b, c, d, stranger] = world.seeded.cards as [string, string, string, string, string];
    reader.tap(CASHIER);
    expect(agent.snapshot().session?.primary).toBe(CASHIER);

    // Online: fund four cards, one sale, and wait until the hub's card states are in the cache.
    for (const [card, amount] of [[a, 20_000], [b, 20_000], [c, 20_000], [d, 500]] as const) {
      approved(await agent.topUp({ amount, payment: 'cash', asset: local }, card));
    }
    // A card the hub did not know until now is spendable once its state arrives.
    await waitFor(() => [a, b, c, d].every((card) => agent.cache.lookup(card) !== undefined), 10_000, 'the funded cards in the cache');
    expect(approved(await agent.sale({ amount: 1_000 }, a)).auth).toBe('online');
    await waitFor(
      () => agent.snapshot().sync.pendingCount === 0 && agent.cache.lookup(a)?.state.balances[local] === 19_000 && agent.cache.lookup(d)?.state.balances[local] === 500,
      10_000,
      'online entries acknowledged and card states cached',
    );
    const online = agent.journal.head()!.seq;

    await world.stop();
    await waitFor(() => agent.snapshot().sync.status !== 'online', 10_000, 'the till to notice the hub is gone');
    expect(agent.snapshot().sync.offlineSince).not.toBeNull();

    // Inside the caps: approved offline.
    expect(approved(await agent.sale({ amount: 4_000 }, a)).auth).toBe('offline');
    // maxOfflineCardSpend 6,000: a has spent 4,000 offline.
    expect(await agent.sale({ amount: 4_000 }, a)).toMatchObject({
      approve: false,
      code: 'offline_policy_exceeded',
      reason: 'Offline limit: 60.00 MLA per card',
    });
    // maxOfflineSale 5,000.
    expect(await agent.sale({ amount: 6_000 }, b)).toMatchObject({
      approve: false,
      code: 'offline_policy_exceeded',
      reason: 'Offline limit: 50.00 MLA per sale',
    });
    approved(await agent.sale({ amount: 5_000 }, b));
    // The card's own money binds before any cap.
    expect(await agent.sale({ amount: 800 }, d)).toMatchObject({ approve: false, code: 'insufficient_funds', missing: 300, reason: '3.00 MLA missing' });
    // maxOfflineExposure 10,000: 9,000 owed already.
    expect(await agent.sale({ amount: 2_000 }, c)).toMatchObject({
      approve: false,
      code: 'offline_policy_exceeded',
      reason: 'Offline limit of this till: 100.00 MLA',
    });
    approved(await agent.sale({ amount: 1_000 }, c));
    // No money leaves on a top-up: not capped.
    approved(await agent.topUp({ amount: 3_000, payment: 'card' }, d));
    expect(await agent.refund({ amount: 100 }, d)).toMatchObject({ approve: false, code: 'offline_not_allowed', reason: 'Refunds need the network' });
    // A card the hub knows but this till never saw holds nothing (the card set); one the hub does not know is unknown.
    expect(await agent.sale({ amount: 100 }, stranger)).toMatchObject({ approve: false, code: 'insufficient_funds', reason: '1.00 MLA missing' });
    expect(await agent.sale({ amount: 100 }, 'DEADBEEF')).toMatchObject({ approve: false, code: 'unknown_card', reason: 'Unknown card' });
    // maxOfflineMinutes: half a day later sales stop, top-ups do not (nothing is committed here).
    clockOffsetMs = (POLICY.maxOfflineMinutes + 1) * MINUTE_MS;
    expect(await agent.sale({ amount: 100 }, d)).toMatchObject({
      approve: false,
      code: 'offline_not_allowed',
      reason: 'Offline for too long: sales wait for the network',
    });
    clockOffsetMs = 0;

    const offline = agent.journal.head()!.seq - online;
    expect(offline).toBe(4);
    expect(agent.snapshot().sync.pendingCount).toBe(4);
    const journal = journalEntries(agent);

    await world.start();
    await waitFor(() => agent.snapshot().sync.status === 'online' && agent.snapshot().sync.pendingCount === 0, 15_000, 'the till to drain after the hub returned');

    const hubEntries = await world.entries(agent.snapshot().paired!.terminal);
    expect(hubEntries.map(({ seq, id, hash }) => ({ seq, id, hash }))).toEqual(journal);
    expect(hubEntries.map((entry) => entry.seq)).toEqual(Array.from({ length: journal.length }, (_, index) => index + 1));
    expect(hubEntries.every((entry) => entry.status === 'applied')).toBe(true);
    expect({ a: await world.balance(a, local), b: await world.balance(b, local), c: await world.balance(c, local), d: await world.balance(d, local) }).toEqual({
      a: 15_000,
      b: 15_000,
      c: 19_000,
      d: 3_500,
    });
    const verified = await world.verify();
    expect(verified.firstDiscrepancy).toBeNull();
    expect(verified.ok).toBe(true);
    expect(agent.journal.verifyChain()).toMatchObject({ ok: true, entries: journal.length });

    // Online again: the refund the hub was needed for goes through.
    expect(approved(await agent.refund({ amount: 500, asset: local }, d)).auth).toBe('online');
  }, 60_000);
});
