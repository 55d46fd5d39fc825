/** The turnover report on both dialects: what tills signed, summed per day, place, till, cashier, asset and payment method. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS, freshDatabase } from '../../../test/support/dialects';
import { totalsBy } from '../src/reports/turnover';
import { CASHIER, CASHIER_B, seedHub, type Seeded, listenForTills } from '../../../support/seed';
import { SpecTill } from '../../../support/spec-till';

describe.each(DIALECTS)('turnover report on %s', (dialect) => {
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

  const get = (path: string) => world.hub.app.inject({ method: 'GET', url: path, headers: { authorization: `Bearer ${world.hub.identity.operatorToken}` } });
  const day = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

  /** A day at two bars: top-ups in cash and by bank card, sales, a refund, one of them signed offline yesterday. */
  async function festivalDay(): Promise<{ tillA: SpecTill; tillB: SpecTill }> {
    const tillA = new SpecTill(await world.till('A'), url);
    const tillB = new SpecTill(await world.till('B'), url);
    await tillA.connect();
    await tillB.connect();
    const [one, two, three] = world.cards;
    const yesterday = new Date(Date.now() - 86_400_000).toISOString();
    const a = await tillA.push([
      tillA.entry('REF', { card: one!, primary: CASHIER, asset: world.local, amount: 2000, meta: { payment: 'cash' } }),
      tillA.entry('REF', { card: two!, primary: CASHIER, asset: world.local, amount: 1500, meta: { payment: 'card' } }),
      tillA.entry('REF', { card: three!, primary: CASHIER, asset: world.local, amount: 500, meta: { payment: 'cash' }, at: yesterday }),
      tillA.entry('SAL', { card: one!, primary: CASHIER, asset: world.local, amount: 450, meta: { lines: [{ label: 'Bière', qty: 1, unit: 450 }] } }),
      tillA.entry('SAL', { card: two!, primary: CASHIER, asset: world.local, amount: 300 }),
      tillA.entry('RFD', { card: three!, primary: CASHIER, asset: world.local, amount: 200 }),
    ]);
    expect(a.results.map((result) => result.status)).toEqual(['applied', 'applied', 'applied', 'applied', 'applied', 'applied']);
    const b = await tillB.push([tillB.entry('SAL', { card: one!, primary: CASHIER_B, asset: world.local, amount: 250 })]);
    expect(b.results.map((result) => result.status)).toEqual(['applied']);
    return { tillA, tillB };
  }

  it('sums sales, top-ups and refunds per place, till, cashier, day and payment method', async () => {
    const { tillA, tillB } = await festivalDay();
    const response = await get(`/api/v1/reports/turnover?from=${day(-1)}&to=${day(0)}`);
    expect(response.statusCode, response.body).toBe(200);
    const report = response.json();
    expect(report.names.tills[tillA.till.id]).toBe('Till 1');

    const byPlace = totalsBy(report.lines, 'place').map(({ key, kind, count, amount }) => ({ key, kind, count, amount }));
    expect(byPlace).toEqual([
      ...[
        { key: world.placeA.id, kind: 'sale', count: 2, amount: 750 },
        { key: world.placeA.id, kind: 'topup', count: 3, amount: 4000 },
        { key: world.placeA.id, kind: 'refund', count: 1, amount: 200 },
      ],
      { key: world.placeB.id, kind: 'sale', count: 1, amount: 250 },
    ].sort((x, y) => x.key.localeCompare(y.key)));

    const byMethod = totalsBy(report.lines.filter((line: { kind: string }) => line.kind === 'topup'), 'method').map(({ key, amount }) => ({ key, amount }));
    expect(byMethod).toEqual([
      { key: 'card', amount: 1500 },
      { key: 'cash', amount: 2500 },
    ]);
    expect(totalsBy(report.lines, 'cashier').filter((total) => total.kind === 'sale').map(({ key, amount }) => ({ key, amount }))).toEqual([
      { key: CASHIER, amount: 750 },
      { key: CASHIER_B, amount: 250 },
    ]);
    expect(totalsBy(report.lines, 'till').filter((total) => total.kind === 'sale').map(({ key, amount }) => ({ key, amount }))).toEqual(
      [
        { key: tillA.till.id, amount: 750 },
        { key: tillB.till.id, amount: 250 },
      ].sort((x, y) => x.key.localeCompare(y.key)),
    );
    // The top-up signed offline yesterday counts on the till's day, not the day it reached the hub.
    expect(totalsBy(report.lines, 'day').filter((total) => total.kind === 'topup')).toMatchObject([
      { key: day(-1), amount: 500 },
      { key: day(0), amount: 3500 },
    ]);
    // A top-up at the cash desk, paid by bank transfer: the method comes from its request.
    const desk = await world.hub.app.inject({
      method: 'POST',
      url: '/api/v1/topups',
      headers: { authorization: `Bearer ${world.hub.identity.operatorToken}`, 'idempotency-key': 'report-desk-1' },
      payload: { card: world.cards[4]!, asset: world.local, amount: 700, method: 'transfer' },
    });
    expect(desk.statusCode, desk.body).toBe(201);
    const withDesk = (await get(`/api/v1/reports/turnover?from=${day(0)}&to=${day(0)}&place=${world.placeA.id}`)).json();
    expect(withDesk.lines.filter((line: { kind: string }) => line.kind === 'topup')).toMatchObject([
      { till: null, cashier: null, method: 'transfer', count: 1, amount: 700 },
      { till: tillA.till.id, method: 'card', amount: 1500 },
      { till: tillA.till.id, method: 'cash', amount: 2000 },
    ]);
    const today = (await get(`/api/v1/reports/turnover?from=${day(0)}&to=${day(0)}&place=${world.placeB.id}`)).json();
    expect(today.lines).toMatchObject([{ kind: 'sale', place: world.placeB.id, till: tillB.till.id, cashier: CASHIER_B, method: 'balance', count: 1, amount: 250 }]);
  }, 60_000);

  it('writes the same report as CSV, amounts in the asset’s unit', async () => {
    await festivalDay();
    const response = await get(`/api/v1/reports/turnover?from=${day(0)}&to=${day(0)}&place=${world.placeA.id}&format=csv`);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/csv/);
    expect(response.headers['content-disposition']).toContain(`turnover-${day(0)}-${day(0)}.csv`);
    const rows = response.body.trimEnd().split('\r\n').map((line) => line.split(','));
    expect(rows[0]).toEqual(['day', 'place', 'till', 'cashier_card', 'kind', 'asset', 'currency_code', 'method', 'count', 'amount']);
    expect(rows.slice(1).map((row) => [row[4], row[7], row[8], row[9]]).sort()).toEqual(
      [
        ['refund', 'balance', '1', '2.00'],
        ['sale', 'balance', '2', '7.50'],
        ['topup', 'card', '1', '15.00'],
        ['topup', 'cash', '1', '20.00'],
      ].sort(),
    );
    expect(new Set(rows.slice(1).map((row) => `${row[0]} ${row[1]} ${row[2]} ${row[3]} ${row[5]} ${row[6]}`))).toEqual(new Set([`${day(0)} Bar A Till 1 ${CASHIER} Monnaie A MLA`]));
  }, 60_000);

  it('answers a bad range with 400 and a reason', async () => {
    const backwards = await get(`/api/v1/reports/turnover?from=${day(0)}&to=${day(-1)}`);
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json().error.message).toContain('before it starts');
    const long = await get(`/api/v1/reports/turnover?from=2020-01-01&to=2024-01-01`);
    expect(long.statusCode).toBe(400);
    expect(long.json().error.code).toBe('bad_request');
    expect((await get(`/api/v1/reports/turnover?from=2026-02-31&to=2026-03-01`)).statusCode).toBe(400);
  }, 30_000);
});
