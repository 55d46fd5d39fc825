import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS, freshDatabase } from '../../../test/support/dialects';
import { sql } from 'drizzle-orm';
import { DEFAULT_OFFLINE_POLICY } from '@fedow/protocol';
import type { Clock } from '../src/clock';
import { alertList } from '../src/dashboard/alerts';
import { languageOf } from '../src/dashboard/html';
import { cardSearchKey, entryRows } from '../src/dashboard/ledger-views';
import { moneyReport } from '../src/dashboard/money';
import { DashboardSessions, readCookie, SESSION_TTL_MS } from '../src/dashboard/sessions';
import { DashboardStream } from '../src/dashboard/stream';
import { TillMemory, tillRows } from '../src/dashboard/tills';
import { VerifyRunner } from '../src/dashboard/verify-runner';
import { hashToken } from '../src/identity/bootstrap';
import * as repo from '../src/storage/repo';
import { ledgerSums, startDashboardHub, type DashboardWorld } from './dashboard-support';
import { CASHIER, CASHIER_B } from '../../../support/seed';

let hub: DashboardWorld;

describe.each(DIALECTS)('on %s', (dialect) => {
  const databaseUrl = freshDatabase(dialect);

  beforeEach(async () => {
    hub = await startDashboardHub({ databaseUrl: await databaseUrl() });
  });

  afterEach(async () => {
    await hub.close();
  });

  /** Top-ups, an online sale, a refund, a debt made by two tills selling offline, and three refusals. */
  async function activity() {
    const tillA = await hub.connectTill('A');
    const tillB = await hub.connectTill('B');
    const [a, b, c] = hub.world.cards as [string, string, string];
    const { local, gift } = hub.world;
    await tillA.push([
      tillA.entry('REF', { card: a, primary: CASHIER, asset: local, amount: 3_000 }),
      tillA.entry('REF', { card: b, primary: CASHIER, asset: local, amount: 1_000 }),
      tillA.entry('REF', { card: c, primary: CASHIER, asset: gift, amount: 500 }),
      tillA.entry('SAL', { card: a, primary: CASHIER, asset: local, amount: 700 }),
      tillA.entry('RFD', { card: a, primary: CASHIER, asset: local, amount: 300 }),
    ]);
    const refused = await tillA.push([
      tillA.entry('SAL', { card: c, primary: CASHIER, asset: local, amount: 10 }),
      tillA.entry('SAL', { card: b, primary: CASHIER, asset: local, amount: 6_000, auth: 'offline' }),
      tillA.entry('SAL', { card: b, primary: CASHIER, asset: local, amount: 900, auth: 'offline' }),
    ]);
    const debt = await tillB.push([tillB.entry('SAL', { card: b, primary: CASHIER_B, asset: local, amount: 400, auth: 'offline' })]);
    return { tillA, tillB, refused, debt };
  }

  describe('money', () => {
    it('equals the ledger’s own sums per asset, and the conservation check holds', async () => {
      await activity();
      const report = await moneyReport(hub.world.hub.context);
      const sums = await ledgerSums(hub.world);
      for (const row of report.assets) {
        const expected = sums.get(row.asset.id)!;
        expect({ created: row.created, destroyed: row.destroyed, userWallets: row.userWallets, places: row.places, debt: row.debt, balances: row.balances }).toEqual(expected);
        expect(row.ok).toBe(true);
      }
      const local = report.assets.find((row) => row.asset.id === hub.world.local)!;
      expect(local).toMatchObject({ created: 4_000, destroyed: 300, debt: -300, places: 2_000, userWallets: 2_000, balances: 3_700, expected: 3_700 });
      expect(report.places.find((place) => place.id === hub.world.placeA.id)?.totals).toEqual({ [hub.world.local]: 1_600 });
      expect(report.places.find((place) => place.id === hub.world.placeB.id)?.totals).toEqual({ [hub.world.local]: 400 });
    });

    it('flags an asset whose balances no longer add up', async () => {
      await activity();
      const { storage } = hub.world.hub.context;
      // Money appearing from nowhere: a balance changed outside any transfer.
      await storage.transaction((tx) => tx.run(sql`update balances set value = value + 1 where asset_id = ${hub.world.gift} and value > 0`));
      const report = await moneyReport(hub.world.hub.context);
      expect(report.assets.find((row) => row.asset.id === hub.world.gift)).toMatchObject({ ok: false, balances: 501, expected: 500 });
      expect(report.assets.find((row) => row.asset.id === hub.world.local)?.ok).toBe(true);
    });

    it('counts transfers per minute over the last hour, FST excluded', async () => {
      await activity();
      const report = await moneyReport(hub.world.hub.context);
      expect(report.perMinute).toHaveLength(60);
      expect(report.perMinute.at(-1)?.minute).toBe(report.now.slice(0, 16));
      const transfers = (await repo.listTransfersAfter(hub.world.hub.context.storage.read, 0, 1_000)).filter((transfer) => transfer.action !== 'FST');
      expect(report.perMinute.reduce((total, bucket) => total + bucket.transfers, 0)).toBe(transfers.length);
    });
  });

  describe('alerts', () => {
    it('lists rejected entries, offline-policy breaches and debts, each with the entries behind it', async () => {
      const { refused, debt } = await activity();
      expect(refused.results.map((result) => result.reason ?? result.status)).toEqual(['insufficient_funds', 'offline_policy_exceeded', 'applied']);
      expect(debt.results[0]?.status).toBe('applied');
      const context = hub.world.hub.context;
      const alerts = await alertList(context);
      expect(alerts.map((alert) => alert.kind).sort()).toEqual(['debt', 'offline_policy', 'rejected']);

      const rejected = alerts.find((alert) => alert.kind === 'rejected')!;
      expect(rejected).toMatchObject({ reason: 'insufficient_funds', card: hub.world.cards[2], amount: 10, placeName: 'Bar A' });
      const [entry] = await entryRows(context, rejected.entries);
      expect(entry).toMatchObject({ seq: 6, status: 'rejected', reason: 'insufficient_funds', body: { kind: 'SAL', amount: 10 } });

      expect(alerts.find((alert) => alert.kind === 'offline_policy')).toMatchObject({ reason: 'offline_policy_exceeded', amount: 6_000 });

      const inDebt = alerts.find((alert) => alert.kind === 'debt')!;
      expect(inDebt).toMatchObject({ card: hub.world.cards[1], asset: hub.world.local, amount: -300 });
      const behind = await entryRows(context, inDebt.entries);
      expect(behind.map((row) => (row.body as { auth: string; amount: number }).amount).sort()).toEqual([400, 900]);
    });

    it('flags an applied offline sale above the place’s cap, and a frozen till as a fork', async () => {
      const { tillA } = await activity();
      const { storage } = hub.world.hub.context;
      // The cap was lowered after the 900 sale went through (or a till override allowed it).
      await storage.transaction((tx) => repo.updatePlace(tx, hub.world.placeA.id, { offlinePolicy: JSON.stringify({ ...DEFAULT_OFFLINE_POLICY, maxOfflineSale: 800 }) }));
      await storage.transaction((tx) => repo.setTerminalStatus(tx, tillA.till.id, 'frozen'));
      const alerts = await alertList(hub.world.hub.context);
      const broke = alerts.filter((alert) => alert.kind === 'offline_policy' && alert.reason === 'maxOfflineSale');
      expect(broke).toHaveLength(1);
      expect(broke[0]).toMatchObject({ amount: 900, terminal: { id: tillA.till.id } });
      const fork = alerts.find((alert) => alert.kind === 'fork')!;
      expect(fork.entries).toEqual({ terminal: tillA.till.id });
      expect((await entryRows(hub.world.hub.context, fork.entries)).map((row) => row.seq)).toEqual([8, 7, 6, 5, 4, 3, 2, 1]);
    });
  });

  describe('tills', () => {
    it('shows a till online with its waiting entries, then offline since its socket closed', async () => {
      const memory = new TillMemory();
      const stream = new DashboardStream(hub.world.hub.context, memory);
      try {
        const till = await hub.connectTill('A');
        await till.push([till.entry('REF', { card: hub.world.cards[0]!, primary: CASHIER, asset: hub.world.local, amount: 100 })]);
        let [row] = await tillRows(hub.world.hub.context, memory);
        expect(row).toMatchObject({ state: 'online', waiting: 0, rejected: 0, lastSeq: 1, placeName: 'Bar A' });
        expect(row!.lastSyncAt).not.toBeNull();
        const before = new Date().toISOString();
        till.close();
        await expect.poll(async () => (await tillRows(hub.world.hub.context, memory))[0]?.state).toBe('offline');
        [row] = await tillRows(hub.world.hub.context, memory);
        expect(row!.waiting).toBeNull();
        expect(row!.since! >= before).toBe(true);
      } finally {
        stream.close();
      }
    });
  });

  describe('verify runner', () => {
    it('runs one verification at a time and records it', async () => {
      const stream = new DashboardStream(hub.world.hub.context, new TillMemory());
      try {
        const runner = new VerifyRunner(hub.world.hub.context, stream);
        expect(runner.start()).toBe(true);
        expect(runner.start()).toBe(false);
        expect(runner.running).not.toBeNull();
        await runner.idle();
        expect(runner.running).toBeNull();
        expect(await repo.latestVerifyRun(hub.world.hub.context.storage.read)).toMatchObject({ ok: true });
        expect(runner.start()).toBe(true);
        await runner.idle();
      } finally {
        stream.close();
      }
    });
  });

  describe('login and sessions', () => {
    it('refuses writes from another origin and limits wrong tokens per address', async () => {
      const app = hub.world.hub.app;
      const login = await app.inject({ method: 'POST', url: '/dashboard/login', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `token=${encodeURIComponent(hub.token)}` });
      expect(login.statusCode).toBe(303);
      const cookie = String(login.headers['set-cookie']).split(';')[0]!;
      const forged = await app.inject({ method: 'POST', url: '/dashboard/api/verify', headers: { cookie, origin: 'http://evil.example', host: 'localhost:80' }, payload: {} });
      expect(forged.statusCode).toBe(403);
      expect((await app.inject({ method: 'GET', url: '/dashboard/api/meta', headers: { cookie } })).statusCode).toBe(200);
      // Deleting the operator token ends the sessions opened with it.
      await hub.world.hub.context.storage.transaction((tx) => repo.deleteOperatorToken(tx, hashToken(hub.token)));
      expect((await app.inject({ method: 'GET', url: '/dashboard/api/meta', headers: { cookie } })).statusCode).toBe(401);

      for (let attempt = 0; attempt < 10; attempt++) {
        const wrong = await app.inject({ method: 'POST', url: '/dashboard/login', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'token=wrong' });
        expect(wrong.statusCode).toBe(401);
      }
      const limited = await app.inject({ method: 'POST', url: '/dashboard/login', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `token=${encodeURIComponent(hub.token)}` });
      expect(limited.statusCode).toBe(429);
    });
  });
});

describe('sessions and words', () => {
  it('expires sessions and reads the cookie among others', () => {
    let now = Date.parse('2026-07-14T10:00:00.000Z');
    const clock: Clock = { now: () => new Date(now) };
    const sessions = new DashboardSessions(clock);
    const id = sessions.open('hash');
    expect(sessions.tokenHash(readCookie(`a=1; fedow_dashboard=${id}; b=2`, 'fedow_dashboard'))).toBe('hash');
    now += SESSION_TTL_MS;
    expect(sessions.tokenHash(id)).toBeUndefined();
    expect(sessions.tokenHash(undefined)).toBeUndefined();
  });

  it('picks French or English from Accept-Language, and a QR code URL finds its UUID', () => {
    expect(languageOf('fr-FR,fr;q=0.9,en;q=0.8')).toBe('fr');
    expect(languageOf('en-US,en;q=0.9,fr;q=0.8')).toBe('en');
    expect(languageOf('de-DE,fr;q=0.5')).toBe('fr');
    expect(languageOf(undefined)).toBe('en');
    expect(cardSearchKey(' https://tibillet.coop/qr/4D2F8A3C-1B2E-4F5A-9C8D-7E6F5A4B3C2D ')).toBe('4D2F8A3C-1B2E-4F5A-9C8D-7E6F5A4B3C2D');
    expect(cardSearchKey('04A00001')).toBe('04A00001');
  });
});
