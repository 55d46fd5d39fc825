/**
 * Cashier shifts on both dialects: the hub stores a shift from its signed SHO and
 * SHC entries, computes the expected cash from the ledger (float + cash top-ups −
 * refunds of that till during the shift: card payments and sales do not count),
 * records the difference, raises an alert beyond the place's threshold, reports
 * it as JSON and CSV, and `fedow verify` recomputes it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { DIALECTS, freshDatabase } from '../../../test/support/dialects';
import { alertList } from '../src/dashboard/alerts';
import { verifyChain } from '../src/verify/verify-chain';
import { CASHIER, seedHub, type Seeded, listenForTills } from '../../../support/seed';
import { SpecTill } from '../../../support/spec-till';
import { cliHome } from './support/cli-run';

describe.each(DIALECTS)('cashier shifts on %s', (dialect) => {
  const databaseUrl = freshDatabase(dialect);
  let world: Seeded;
  let url: string;

  beforeEach(async () => {
    world = await seedHub({ databaseUrl: await databaseUrl() });
    url = await listenForTills(world);
  });

  afterEach(async () => {
    await world.close();
  });

  const auth = () => ({ authorization: `Bearer ${world.hub.identity.operatorToken}` });
  const get = (path: string) => world.hub.app.inject({ method: 'GET', url: path, headers: auth() });

  /** A shift at till A: float 100 €, cash and card top-ups, a sale, a refund; counted `counted`. */
  async function shift(counted: Record<string, number>) {
    const till = new SpecTill(await world.till('A'), url);
    await till.connect();
    const [one, two] = world.cards;
    const open = till.entry('SHO', { card: CASHIER, primary: CASHIER, amount: 10_000, meta: { count: { '5000': 1, '2000': 2, '1000': 1 } } });
    const ack = await till.push([
      open,
      till.entry('REF', { card: one!, primary: CASHIER, asset: world.local, amount: 2000, meta: { payment: 'cash' } }),
      till.entry('REF', { card: two!, primary: CASHIER, asset: world.local, amount: 1500, meta: { payment: 'card' } }),
      till.entry('SAL', { card: one!, primary: CASHIER, asset: world.local, amount: 450 }),
      till.entry('RFD', { card: two!, primary: CASHIER, asset: world.local, amount: 200 }),
      till.entry('SHC', {
        card: CASHIER,
        primary: CASHIER,
        amount: Object.entries(counted).reduce((sum, [denomination, pieces]) => sum + Number(denomination) * pieces, 0),
        meta: { shift: open.body.id, count: counted, expected: 11_800 },
      }),
    ]);
    expect(ack.results.map((result) => result.status)).toEqual(['applied', 'applied', 'applied', 'applied', 'applied', 'applied']);
    till.close();
    return { till, id: open.body.id };
  }

  it('records expected cash from the ledger and the difference, within the default 5.00 € without alert; verify recomputes it', async () => {
    // 117.00 € counted: 1.00 € missing.
    const { id, till } = await shift({ '5000': 2, '1000': 1, '500': 1, '200': 1 });
    const report = (await get('/api/v1/reports/shifts')).json();
    expect(report.shifts).toHaveLength(1);
    expect(report.shifts[0]).toMatchObject({ id, status: 'closed', till: till.till.id, cashier: CASHIER, float: 10_000, expected: 11_800, tillExpected: 11_800, counted: 11_700, difference: -100, alert: false, alertThreshold: 500 });
    expect(report.shifts[0].count).toEqual({ '5000': 2, '1000': 1, '500': 1, '200': 1 });
    expect(report.thresholds[world.placeA.id]).toBe(500);
    expect((await alertList(world.hub.context)).filter((alert) => alert.kind === 'shift')).toEqual([]);
    expect((await verifyChain(world.hub.context)).firstDiscrepancy).toBeNull();

    // A stored shift that no longer matches the ledger is found.
    await world.hub.context.storage.transaction((tx) => tx.run(sql`update shifts set expected = 11700, difference = 0 where id = ${id}`));
    const result = await verifyChain(world.hub.context);
    expect(result.firstDiscrepancy).toMatchObject({ kind: 'shift' });
    expect(result.firstDiscrepancy?.message).toContain('11800 from the ledger');
  });

  it('alerts beyond the place threshold and reports it in the CSV; bad input is a 4xx that changes nothing', async () => {
    const put = (place: string, payload: unknown) => world.hub.app.inject({ method: 'PUT', url: `/api/v1/places/${place}/shift-alert`, headers: auth(), payload: payload as object });
    expect((await put(world.placeA.id, { threshold: -1 })).statusCode).toBe(400);
    expect((await put('00000000-0000-4000-8000-000000000000', { threshold: 100 })).statusCode).toBe(404);
    expect((await get('/api/v1/reports/shifts?from=2026-01-01')).statusCode).toBe(400);
    const set = await put(world.placeA.id, { threshold: 50 });
    expect(set.statusCode, set.body).toBe(200);

    // A shift entry signed on another card than the cashier's is refused and makes no shift.
    const other = new SpecTill(await world.till('A', 7), url);
    await other.connect();
    const refused = await other.push([other.entry('SHO', { card: world.cards[0]!, primary: CASHIER, amount: 1000 })]);
    expect(refused.results[0]).toMatchObject({ status: 'rejected', reason: 'invalid_primary_card' });
    other.close();

    await shift({ '5000': 2, '1000': 1, '500': 1, '200': 1 });
    const report = (await get('/api/v1/reports/shifts')).json();
    expect(report.shifts).toHaveLength(1);
    expect(report.shifts[0]).toMatchObject({ difference: -100, alert: true, alertThreshold: 50 });
    const alerts = (await alertList(world.hub.context)).filter((alert) => alert.kind === 'shift');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ amount: -100, card: CASHIER, placeName: 'Bar A' });

    const csv = await get(`/api/v1/reports/shifts?format=csv&place=${world.placeA.id}`);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.body.trimEnd().split('\r\n');
    expect(lines[0]).toBe('opened_at,closed_at,place,till,cashier,closed_by,status,currency_code,float,expected,counted,difference,alert');
    expect(lines[1]).toMatch(/,Bar A,Till 1,CA5A0001,CA5A0001,closed,EUR,100\.00,118\.00,117\.00,-1\.00,yes$/);
    expect(lines).toHaveLength(2);
    expect((await verifyChain(world.hub.context)).firstDiscrepancy).toBeNull();
  });
});

describe('fedow shifts', () => {
  it('lists shifts (table, JSON, CSV), sets a place threshold, and refuses bad usage with exit 2', async () => {
    const world = await seedHub();
    const cli = cliHome(world.dir);
    try {
      const till = new SpecTill(await world.till('A'), await listenForTills(world));
      await till.connect();
      const open = till.entry('SHO', { card: CASHIER, primary: CASHIER, amount: 5_000 });
      const ack = await till.push([open, till.entry('SHC', { card: CASHIER, primary: CASHIER, amount: 4_000, meta: { shift: open.body.id } })]);
      expect(ack.results.map((result) => result.status)).toEqual(['applied', 'applied']);
      till.close();

      const listed = await cli.run('shifts', '--list');
      expect(listed.code, listed.stderr).toBe(0);
      expect(listed.stdout).toMatch(/Bar A\s+Till 1\s+CA5A0001\s+50\.00 €\s+50\.00 €\s+40\.00 €\s+-10\.00 €\s+ALERT/);
      const json = await cli.json('shifts', '--list', '--json', '--place', world.placeA.id.toUpperCase());
      expect(json.shifts).toHaveLength(1);
      expect(json.shifts[0]).toMatchObject({ float: 5_000, expected: 5_000, counted: 4_000, difference: -1_000, alert: true });
      const csv = await cli.run('shifts', '--list', '--csv');
      expect(csv.stdout.split('\r\n')[1]).toMatch(/,closed,EUR,50\.00,50\.00,40\.00,-10\.00,yes$/);

      const set = await cli.json('shifts', '--alert-threshold', '2000', '--place', world.placeA.id, '--json');
      expect(set).toEqual({ place: world.placeA.id, threshold: 2_000, default: false });
      expect((await cli.json('shifts', '--alert-threshold', 'default', '--place', world.placeA.id, '--json')).threshold).toBe(500);
      expect((await cli.run('shifts', '--alert-threshold', '-5', '--place', world.placeA.id)).code).toBe(2);
      expect((await cli.run('shifts', '--alert-threshold', '100')).code).toBe(2);
      expect((await cli.run('shifts', '--list', '--from', '2026-01-01')).code).toBe(1);
    } finally {
      cli.close();
      await world.close();
    }
  }, 60_000);
});
