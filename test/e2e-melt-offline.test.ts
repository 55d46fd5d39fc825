/**
 * Melting currency at a till offline: the real agent learns the asset's melt
 * rule and each card's last activity from the card feed, then, with the hub
 * gone and months later by its clock, shows the melted balance, says what melts
 * next, and declines what only the unmelted balance could pay.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatorReader } from '@fedow/nfc';
import { DEFAULT_OFFLINE_POLICY } from '@fedow/protocol';
import { openAgent, type TillAgent } from '@fedow/terminal';
import { setMeltPolicy } from '../apps/hub/src/money/melt';
import { CASHIER, FAST_SYNC, approved, startWorld, waitFor, type E2eWorld } from '../support/e2e';

const DAY_MS = 86_400_000;
const POLICY = { ...DEFAULT_OFFLINE_POLICY, maxOfflineSale: 50_000, maxOfflineCardSpend: 50_000, maxOfflineExposure: 100_000 };

describe('a till offline with a melting currency', () => {
  let world: E2eWorld;
  let agent: TillAgent;
  let reader: SimulatorReader;
  let clockOffsetMs = 0;

  beforeAll(async () => {
    world = await startWorld({ policy: POLICY });
    reader = new SimulatorReader();
    const code = await world.pairingCode('A', 'Bar A 1');
    const clock = { now: () => Date.now() + clockOffsetMs, random: (length: number) => new Uint8Array(crypto.getRandomValues(new Uint8Array(length))) };
    agent = openAgent({ dataDir: `${world.directory('fedow-e2e-melt-')}/till`, reader, clock, syncTuning: FAST_SYNC, language: 'fr' });
    agent.start();
    expect((await agent.pair(world.url, code, 'Bar A 1')).ok).toBe(true);
    await waitFor(() => agent.snapshot().sync.status === 'online' && agent.cache.primaries().has(CASHIER), 10_000, 'first snapshot');
  }, 60_000);

  afterAll(async () => {
    await agent?.close();
    await world?.close();
  });

  it('shows and enforces the melted balance', async () => {
    const { local, gift } = world.seeded;
    const [a, b] = world.seeded.cards as [string, string];
    reader.tap(CASHIER);
    // 10 % once 30 days passed, then 10 % of what is left each month; the gift asset expires after a month.
    await setMeltPolicy(world.hub.context, local, { rule: 'rate', basisPoints: 1_000, afterDays: 30 });
    await setMeltPolicy(world.hub.context, gift, { rule: 'expiry', afterMonths: 1 });
    await waitFor(() => agent.cache.assets().get(local)?.melt !== undefined && agent.cache.assets().get(gift)?.melt !== undefined, 10_000, 'the melt rules at the till');
    approved(await agent.topUp({ amount: 10_000, payment: 'cash', asset: local }, a));
    approved(await agent.topUp({ amount: 2_000, payment: 'cash', asset: gift }, b));
    await waitFor(
      () => agent.snapshot().sync.pendingCount === 0 && agent.cache.lookup(a)?.state.activity?.[local] !== undefined && agent.cache.lookup(b)?.state.activity?.[gift] !== undefined,
      10_000,
      'card states with their activity',
    );
    const fresh = await agent.checkCard(a);
    expect(fresh?.balances.find((line) => line.asset === local)).toMatchObject({ available: 10_000, melt: { amount: 1_000, text: expect.stringMatching(/^10,00 MLA fondront le \d{4}-\d{2}-\d{2}$/) } });

    // Forty days later by the till's clock, still in contact; then the hub goes away.
    clockOffsetMs = 40 * DAY_MS;
    const later = Date.now() + clockOffsetMs;
    await waitFor(() => {
      const seen = agent.cache.connectivity(false);
      return !seen.online && seen.since !== null && seen.since >= later;
    }, 10_000, 'a contact with the hub at the later time');
    await world.stop();
    await waitFor(() => agent.snapshot().sync.status !== 'online', 10_000, 'the till to notice the hub is gone');

    const check = await agent.checkCard(a);
    expect(check?.balances.find((line) => line.asset === local)).toMatchObject({ available: 9_000, melt: { amount: 900 } });
    expect((await agent.checkCard(b))?.balances.find((line) => line.asset === gift)).toMatchObject({ available: 0 });
    expect(await agent.sale({ amount: 9_001, asset: local }, a)).toMatchObject({ approve: false, code: 'insufficient_funds', missing: 1, reason: 'Il manque 0,01 MLA' });
    expect(await agent.sale({ amount: 100, asset: gift }, b)).toMatchObject({ approve: false, code: 'insufficient_funds', missing: 100 });
    const sold = approved(await agent.sale({ amount: 9_000, asset: local }, a));
    expect(sold.auth).toBe('offline');
    expect(sold.balances.find((line) => line.asset === local)?.available).toBe(0);
  }, 90_000);
});
