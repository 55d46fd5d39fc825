/**
 * Melting currency on the hub, on SQLite and PostgreSQL: each rule over a
 * simulated year (weekly sweeps, a card touched mid-year, a card left alone),
 * every melt a real MLT transfer that `fedow verify` replays.
 */
import { sql } from 'drizzle-orm';
import type { MeltRule } from '@fedow/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type TestPostgres } from '../../../support/postgres';
import { verifyChain } from '../src/verify/verify-chain';
import { factoryCsv, removeTestDirs, seedPlace, startTestHub, type TestHub } from './admin-support';

const DAY = 86_400_000;
const MONTH = 30 * DAY;

/** What a rule takes from `base` after `inactive` ms, written from the rule's words (BigInt, month by month). */
function expectedTaken(rule: MeltRule, base: number, inactive: number): number {
  const threshold = rule.rule === 'rate' ? rule.afterDays * DAY : rule.afterMonths * MONTH;
  let steps = 0;
  for (let t = threshold; t <= inactive; t += MONTH) steps++;
  if (rule.rule === 'expiry') return steps > 0 ? base : 0;
  if (rule.rule === 'fixed') return Math.min(base, steps * rule.amount);
  let left = BigInt(base);
  for (let step = 0; step < steps; step++) left -= (left * BigInt(rule.basisPoints)) / 10_000n;
  return base - Number(left);
}

const RULES: MeltRule[] = [
  { rule: 'rate', basisPoints: 200, afterDays: 30 },
  { rule: 'fixed', amount: 450, afterMonths: 2 },
  { rule: 'expiry', afterMonths: 6 },
];

let server: TestPostgres | undefined;
const hubs: TestHub[] = [];

afterAll(async () => {
  for (const hub of hubs) await hub.close();
  await server?.stop();
  removeTestDirs();
});

async function hubOn(dialect: 'sqlite' | 'postgres'): Promise<TestHub> {
  if (dialect === 'sqlite') return startTestHub(undefined, { meltSweepMs: 0 });
  server ??= await startPostgres();
  return startTestHub(await server.createDatabase(), { meltSweepMs: 0 });
}

describe.each(['sqlite', 'postgres'] as const)('melting on %s', (dialect) => {
  let hub: TestHub;
  let places = 0;
  beforeAll(async () => {
    hub = await hubOn(dialect);
    hubs.push(hub);
  }, 120_000);

  let keys = 0;
  const topUp = (card: string, asset: string, amount: number) => hub.call('POST', '/api/v1/topups', { card, asset, amount }, { 'idempotency-key': `melt-test-${++keys}` });
  const card = async (uid: string) => (await hub.call('GET', `/api/v1/cards/${uid}`)).json;

  it.each(RULES)('$rule over a simulated year: swept weekly, booked when touched, replayed by verify', async (rule) => {
    const { place, asset } = await seedPlace(hub, `Melt ${dialect} ${++places}`);
    const first = 0x0b000000 + places * 0x100;
    expect((await hub.call('POST', `/api/v1/cards/import?place=${place.id}`, factoryCsv(3, first), { 'content-type': 'text/csv' })).status).toBe(201);
    const [idle, touched, fresh] = [0, 1, 2].map((index) => (first + index).toString(16).toUpperCase().padStart(8, '0'));
    const set = await hub.call('PUT', `/api/v1/assets/${asset.id}/melt`, { rule });
    expect(set).toMatchObject({ status: 200, json: { asset: asset.id, rule } });
    const start = hub.clock.ms;
    for (const uid of [idle!, touched!]) expect((await topUp(uid, asset.id, 10_000)).status).toBe(201);

    let touchedAt = 0;
    for (let week = 1; week <= 52; week++) {
      hub.clock.advance(7 * DAY);
      if (week === 26) {
        // Touching the balance books its melt first, in the same decision.
        const before = (await card(touched!)).balances[asset.id];
        const outcome = await topUp(touched!, asset.id, 1_000);
        expect(outcome.status).toBe(201);
        const due = 10_000 - expectedTaken(rule, 10_000, hub.clock.ms - start);
        expect(before).toBe(due);
        const actions = outcome.json.transfers.map((transfer: { action: string }) => transfer.action);
        expect(actions.filter((action: string) => action !== 'MLT')).toEqual(['CRE', 'REF']);
        touchedAt = hub.clock.ms;
      }
      if (week === 40) expect((await topUp(fresh!, asset.id, 500)).status).toBe(201);
      const sweep = await hub.call('POST', '/api/v1/melt/sweep');
      expect(sweep.status).toBe(200);
    }
    const elapsed = hub.clock.ms - start;
    const shown = async (uid: string) => (await card(uid)).balances[asset.id] ?? 0;
    expect(await shown(idle!)).toBe(10_000 - expectedTaken(rule, 10_000, elapsed));
    const atTouch = 10_000 - expectedTaken(rule, 10_000, touchedAt - start) + 1_000;
    expect(await shown(touched!)).toBe(atTouch - expectedTaken(rule, atTouch, hub.clock.ms - touchedAt));
    expect(await shown(fresh!)).toBe(500 - expectedTaken(rule, 500, 12 * 7 * DAY));
    // The sweep booked everything: the stored balance is the shown one, nothing is due.
    const view = await card(idle!);
    expect(view.melting[asset.id]).toMatchObject({ held: view.balances[asset.id], due: 0 });

    const policy = set.json;
    const melted = (await hub.call('GET', `/api/v1/wallets/${policy.wallet}`)).json.balances[asset.id] ?? 0;
    expect(melted).toBe(10_000 + 11_000 + 500 - (await shown(idle!)) - (await shown(touched!)) - (await shown(fresh!)));
    expect(melted).toBeGreaterThan(0);
    const report = (await hub.call('GET', `/api/v1/assets/${asset.id}/melt/report`)).json;
    expect(report.revenue.reduce((sum: number, row: { amount: number }) => sum + row.amount, 0)).toBe(melted);
    // Forty days without a sweep: every view shows the melted balance, the stored one is what is held.
    hub.clock.advance(40 * DAY);
    const later = await card(idle!);
    expect(later.melting[asset.id].held).toBe(view.balances[asset.id]);
    expect(later.balances[asset.id]).toBe(later.melting[asset.id].held - later.melting[asset.id].due);
    expect((await hub.call('GET', `/api/v1/wallets/${later.wallet}`)).json.balances[asset.id] ?? 0).toBe(later.balances[asset.id] ?? 0);
    const verdict = await verifyChain(hub.context);
    expect(verdict).toMatchObject({ ok: true });
    expect(verdict.transfersChecked).toBeGreaterThan(0);
    // What melting reads is checked too: one minor unit more "melted since" on a balance is a discrepancy.
    await hub.context.storage.transaction((tx) => tx.run(sql`update balances set melted = melted + 1 where wallet_id = ${later.wallet} and asset_id = ${asset.id}`));
    const tampered = await verifyChain(hub.context);
    expect(tampered).toMatchObject({ ok: false, firstDiscrepancy: { kind: 'balance', message: expect.stringContaining('melted since') } });
    await hub.context.storage.transaction((tx) => tx.run(sql`update balances set melted = melted - 1 where wallet_id = ${later.wallet} and asset_id = ${asset.id}`));
  }, 600_000);
});
