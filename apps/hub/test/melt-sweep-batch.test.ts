/**
 * The melt sweep's batched path, on SQLite and PostgreSQL: pages read by the
 * index cursor (never-active balances, then by last activity), transfers
 * written a hundred per INSERT on SQLite and by unnest() on PostgreSQL, melted
 * balances updated without touching their activity. Every balance gets its own
 * amount, so a row lost, doubled or paired with another row's amount shows.
 * The balances are written directly (some never active: only data from before
 * melting was tracked has those), so `fedow verify` is not run here: melt.test.ts
 * replays sweeps of real balances on both dialects.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type TestPostgres } from '../../../support/postgres';
import { setMeltPolicy } from '../src/money/melt';
import { sweepMelts } from '../src/money/melt-sweep';
import * as repo from '../src/storage/repo';
import { removeTestDirs, startTestHub, type TestHub } from './admin-support';

const DAY = 86_400_000;
/** Per kind of row: enough to cross several pages and the 100-row INSERTs with a remainder. */
const NEVER = 130;
const DATED = 150;
/** 2 % after 30 days, floored: what the sweep must take from `value` (melted 0) after 45 days. */
const twoPercent = (value: number) => Math.floor((value * 200) / 10_000);

let server: TestPostgres | undefined;
const hubs: TestHub[] = [];

afterAll(async () => {
  for (const hub of hubs) await hub.close();
  await server?.stop();
  removeTestDirs();
});

interface Row {
  walletId: string;
  kind: 'ephemeral' | 'user' | 'place';
  value: number;
  activeAt: string | null;
  melted: number;
}

/** Balances of every shape a page meets; returns them with what each must melt. */
function rows(hub: TestHub, start: number): { rows: Row[]; due: Map<string, number> } {
  const at = (ms: number) => new Date(ms).toISOString();
  const all: Row[] = [];
  const due = new Map<string, number>();
  const add = (row: Omit<Row, 'walletId'>, melts: boolean) => {
    const walletId = hub.context.newId();
    all.push({ walletId, ...row });
    if (melts) due.set(walletId, twoPercent(row.value));
  };
  for (let index = 0; index < NEVER; index++) add({ kind: index % 3 === 0 ? 'user' : 'ephemeral', value: 1_000 + index * 37, activeAt: null, melted: 0 }, true);
  // Several activity times, so the cursor resumes inside a time and across times.
  for (let index = 0; index < DATED; index++) add({ kind: 'ephemeral', value: 5_000 + index * 53, activeAt: at(start - (index % 4) * 3_600_000), melted: 0 }, true);
  // Not due: already melted this step, active too recently, empty, in debt, or a place's.
  add({ kind: 'ephemeral', value: 9_800, activeAt: at(start), melted: 200 }, false);
  add({ kind: 'ephemeral', value: 7_000, activeAt: at(start + 40 * DAY), melted: 0 }, false);
  add({ kind: 'ephemeral', value: 0, activeAt: at(start), melted: 0 }, false);
  add({ kind: 'ephemeral', value: -300, activeAt: null, melted: 0 }, false);
  add({ kind: 'place', value: 50_000, activeAt: null, melted: 0 }, false);
  return { rows: all, due };
}

/** The sweep's order (repo-melt.ts, `MeltCursor`): never active first, by wallet; then by last activity and wallet. */
function sweepOrder(a: Row, b: Row): number {
  const key = (row: Row) => [row.activeAt === null ? '' : row.activeAt, row.walletId] as const;
  const [timeA, walletA] = key(a);
  const [timeB, walletB] = key(b);
  if (timeA !== timeB) return timeA < timeB ? -1 : 1;
  return walletA < walletB ? -1 : walletA > walletB ? 1 : 0;
}

async function seed(hub: TestHub, all: readonly Row[], createdAt: string): Promise<string> {
  const { context } = hub;
  const origin = context.newId();
  const asset = context.newId();
  await context.storage.transaction(async (tx) => {
    await repo.insertWallets(tx, [{ id: origin, kind: 'place', name: 'Batch bar' }]);
    await repo.insertAsset(tx, { id: asset, name: 'Batch money', currencyCode: 'BAT', category: 'TLF', decimals: 2, originWalletId: origin, createdAt });
    await repo.insertWallets(tx, all.map((row) => ({ id: row.walletId, kind: row.kind })));
    await tx.db.insert(tx.t.balances).values(all.map((row) => ({ walletId: row.walletId, assetId: asset, value: row.value, activeAt: row.activeAt, melted: row.melted })));
  });
  return asset;
}

describe.each(['sqlite', 'postgres'] as const)('the batched melt sweep on %s', (dialect) => {
  let hub: TestHub;
  beforeAll(async () => {
    if (dialect === 'sqlite') hub = await startTestHub(undefined, { meltSweepMs: 0 });
    else {
      server ??= await startPostgres();
      hub = await startTestHub(await server.createDatabase(), { meltSweepMs: 0 });
    }
    hubs.push(hub);
  }, 120_000);

  it('books each due balance once, with its own amount, across pages and multi-row writes', async () => {
    const start = hub.clock.ms;
    const { rows: all, due } = rows(hub, start);
    const asset = await seed(hub, all, new Date(start).toISOString());
    const policy = await setMeltPolicy(hub.context, asset, { rule: 'rate', basisPoints: 200, afterDays: 30 });
    hub.clock.advance(45 * DAY);

    const swept = await sweepMelts(hub.context, 64);
    const total = [...due.values()].reduce((sum, amount) => sum + amount, 0);
    expect(swept).toMatchObject({ melts: due.size, melted: total });
    // One request per page read (the row melted already is read, not booked).
    expect(swept.requests).toBe(Math.ceil((due.size + 1) / 64));

    const melts = await hub.context.storage.read.all<{ sender: string; receiver: string; amount: number | string; seq: number | string; request: string }>(
      sql`select sender_wallet_id as sender, receiver_wallet_id as receiver, amount, seq, request_id as request from transfers where action = 'MLT' and asset_id = ${asset} order by seq`,
    );
    expect(melts).toHaveLength(due.size);
    expect(new Set(melts.map((melt) => melt.sender)).size).toBe(due.size);
    for (const melt of melts) {
      expect(melt.receiver).toBe(policy.wallet);
      expect(Number(melt.amount)).toBe(due.get(melt.sender));
    }
    // Each page's request says which index range it read and how many balances (the
    // candidates in the sweep's order, 64 a page); the rule booked the due ones, in that order.
    const candidates = all.filter((row) => row.kind !== 'place' && row.value > 0 && (row.activeAt === null || Date.parse(row.activeAt) < start + 15 * DAY)).sort(sweepOrder);
    expect(candidates).toHaveLength(due.size + 1);
    const requests = [...new Set(melts.map((melt) => melt.request))];
    expect(requests).toHaveLength(Math.ceil(candidates.length / 64));
    for (const [index, request] of requests.entries()) {
      const page = candidates.slice(index * 64, index * 64 + 64);
      const before = index === 0 ? null : candidates[index * 64 - 1]!;
      const [row] = await hub.context.storage.read.all<{ body: string; result: string }>(sql`select body, result from requests where id = ${request}`);
      expect(JSON.parse(row!.body)).toEqual({
        asset,
        policy: policy.id,
        afterActiveAt: before?.activeAt ?? null,
        afterWallet: before?.walletId ?? '',
        throughActiveAt: page.at(-1)!.activeAt,
        throughWallet: page.at(-1)!.walletId,
        balances: page.length,
      });
      const booked = page.filter((candidate) => due.has(candidate.walletId)).map((candidate) => candidate.walletId);
      expect(melts.filter((melt) => melt.request === request).map((melt) => melt.sender)).toEqual(booked);
      // The stored answer leaves the page's transfers out: the ledger has them.
      expect(JSON.parse(row!.result)).toMatchObject({ request, status: 'applied', transfers: [] });
    }

    const stored = new Map((await repo.listHolderBalances(hub.context.storage.read, asset)).map((row) => [row.walletId, Number(row.value)]));
    const activity = await hub.context.storage.read.all<{ wallet_id: string; active_at: string | null; melted: number | string }>(
      sql`select wallet_id, active_at, melted from balances where asset_id = ${asset}`,
    );
    const activityOf = new Map(activity.map((row) => [row.wallet_id, row]));
    for (const row of all.filter((candidate) => candidate.kind !== 'place')) {
      const taken = due.get(row.walletId) ?? 0;
      expect(stored.get(row.walletId)).toBe(row.value - taken);
      // A melt is no activity: the time stays, what melted since adds up.
      expect(activityOf.get(row.walletId)).toMatchObject({ active_at: row.activeAt });
      expect(Number(activityOf.get(row.walletId)!.melted)).toBe(row.melted + taken);
    }
    const meltWallet = await repo.loadWalletBalances(hub.context.storage.read, [policy.wallet]);
    expect(meltWallet.map((row) => Number(row.value))).toEqual([total]);

    // The same sweep again books nothing; a month later, the next step of each.
    expect(await sweepMelts(hub.context, 64)).toMatchObject({ requests: 0, melts: 0, melted: 0 });
    // A day later nothing is due either: pages where the rule books nothing leave no request behind.
    const meltRequests = async () => Number((await hub.context.storage.read.all<{ n: number | string }>(sql`select count(*) as n from requests where kind = 'melt'`))[0]!.n);
    const requestsBefore = await meltRequests();
    hub.clock.advance(DAY);
    expect(await sweepMelts(hub.context, 64)).toMatchObject({ requests: 0, melts: 0, melted: 0 });
    expect(await meltRequests()).toBe(requestsBefore);
    hub.clock.advance(29 * DAY);
    const next = await sweepMelts(hub.context, 64);
    // Now also the one melted already (its second step) and the one active 35 days ago.
    expect(next.melts).toBe(due.size + 2);
  }, 300_000);
});
