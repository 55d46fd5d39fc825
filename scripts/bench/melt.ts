/**
 * The melt sweep over 100,000 inactive balances, beside a bare batched UPDATE
 * of the same rows, in pages of the same size, one transaction each: the least
 * any sweep could write. Goal: within 5× of it. On a SQLite file, then on a
 * throwaway PostgreSQL 15 (fsync off, as the tests run it) when its binaries are here.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database, Statement } from 'better-sqlite3';
import { sql } from 'drizzle-orm';
import { buildHub, configFromEnv, repo, setMeltPolicy, sweepMelts, type Clock, type Hub } from '@fedow/hub';
import { startPostgres } from '../../support/postgres';
import { report } from './report';

const BALANCES = Number(process.env.MELT_BENCH_BALANCES ?? 100_000);
const PAGE = 2_000;
const VALUE = 10_000;
const START = Date.parse('2025-01-01T00:00:00.000Z');
const DAY_MS = 86_400_000;

export async function benchMelt(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'fedow-bench-melt-'));
  try {
    await benchOn('SQLite file', `sqlite:${join(dir, 'fedow.sqlite')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  let server;
  try {
    server = await startPostgres();
  } catch (error) {
    console.log(`\n== melt sweep (PostgreSQL): not measured, no server could start here (${(error as Error).message.split('\n')[0]})`);
    return;
  }
  try {
    await benchOn('PostgreSQL 15', await server.createDatabase());
  } finally {
    await server.stop();
  }
}

async function benchOn(label: string, databaseUrl: string): Promise<void> {
  console.log(`\n== melt sweep (${label}, ${BALANCES.toLocaleString('en-US')} inactive balances)`);
  // The hub's clock runs, as a real one does (transfer ids are time-ordered), from a start 45 days before the sweep.
  let offset = 0;
  const clock: Clock = { now: () => new Date(START + offset + Math.floor(performance.now())) };
  // The sealer and the periodic sweep stay out of the measurement.
  const config = configFromEnv({}, { databaseUrl, log: false, blockTransfersMax: 1_000_000_000, blockMsMax: 3_600_000, meltSweepMs: 0 });
  const hub = await buildHub(config, { clock });
  try {
    const { asset, wallets } = await fill(hub, clock.now().toISOString());
    // PostgreSQL plans the sweep's pages by its statistics: freshly filled, they are made now (autovacuum would, later).
    if (hub.context.storage.dialect === 'postgres') await hub.context.storage.read.run(sql`ANALYZE`);
    await setMeltPolicy(hub.context, asset, { rule: 'rate', basisPoints: 200, afterDays: 30 });
    offset += 45 * DAY_MS;
    await settle(hub);
    const sweep = await measure(() => sweepMelts(hub.context, PAGE));
    const swept = sweep.result;
    if (swept.melts !== BALANCES || swept.melted !== BALANCES * (VALUE * 0.02)) throw new Error(`bench: the sweep booked ${swept.melts} melts of ${swept.melted}`);
    await settle(hub);
    const bare = await measure(() => bareUpdate(hub, asset, wallets));
    await settle(hub);
    const built = await measure(() => builtUpdate(hub, asset, wallets));
    const rows = meltTransferRows(hub);
    await settle(hub);
    const transfersOnly = rows.length > 0 ? await measure(() => insertTransferCopies(hub, rows)) : null;
    report({
      name: `melt sweep, ${label} (${BALANCES.toLocaleString('en-US')}, pages of ${PAGE})`,
      value: BALANCES / (sweep.ms / 1_000),
      unit: 'balances/s',
      limit: BALANCES / (bare.ms / 1_000),
      limitName: 'bare batched UPDATE of the same rows',
      better: 'higher',
      goal: '≥ 20 % (within 5×)',
    });
    // Wall time swings with the machine's load; this process's CPU time much less (the database server's is not in it on PostgreSQL).
    console.log(`  wall ${(sweep.ms / bare.ms).toFixed(1)}× the UPDATE (${fmt(sweep.ms)} vs ${fmt(bare.ms)}); this process's CPU ${(sweep.cpuMs / bare.cpuMs).toFixed(1)}× (${fmt(sweep.cpuMs)} vs ${fmt(bare.cpuMs)})`);
    console.log(
      `  the UPDATE as earlier runs built it (a parameter per wallet, through the query builder): ${fmt(built.ms)}, CPU ${fmt(built.cpuMs)}; the sweep ${(sweep.ms / built.ms).toFixed(1)}× it (CPU ${(sweep.cpuMs / built.cpuMs).toFixed(1)}×)`,
    );
    if (transfersOnly !== null) {
      const floor = (transfersOnly.ms + bare.ms) / bare.ms;
      console.log(
        `  the ${rows.length.toLocaleString('en-US')} transfer rows alone (one per melt, as issue 14 requires, same pages, prepared once): ${fmt(transfersOnly.ms)}, CPU ${fmt(transfersOnly.cpuMs)}; ` +
          `with the UPDATE that is ${floor.toFixed(1)}× the UPDATE: the least any sweep booking real transfers writes, before reading or deciding anything`,
      );
    }
  } finally {
    await hub.close();
  }
}

const TRANSFER_COLUMNS = ['id', 'action', 'sender_wallet_id', 'receiver_wallet_id', 'asset_id', 'amount', 'card_id', 'primary_card_id', 'entry_id', 'request_id', 'at', 'till_at', 'meta'] as const;

/** The sweep's own MLT rows, read before the measurement (SQLite). */
function meltTransferRows(hub: Hub): unknown[][] {
  const { storage } = hub.context;
  if (storage.dialect !== 'sqlite') return [];
  const select = storage.sqlite.prepare(`select ${TRANSFER_COLUMNS.join(', ')} from transfers where action = 'MLT' order by seq`);
  return select.raw().all() as unknown[][];
}

/**
 * The part of the sweep's writes the issue makes unavoidable: a transfer row per
 * melted balance, with the table's indexes and foreign keys. Copies of the sweep's
 * own rows (new ids), one statement prepared once, one transaction per page; deleted
 * afterwards, outside the measurement.
 */
async function insertTransferCopies(hub: Hub, rows: readonly unknown[][]): Promise<void> {
  const { storage } = hub.context;
  if (storage.dialect !== 'sqlite') throw new Error('bench: the transfer-row floor is measured on SQLite');
  const insert = storage.sqlite.prepare(`insert into transfers (${TRANSFER_COLUMNS.join(', ')}) values (${TRANSFER_COLUMNS.map(() => '?').join(', ')})`);
  for (let first = 0; first < rows.length; first += PAGE) {
    const page = rows.slice(first, first + PAGE);
    await storage.transaction(async () => {
      for (const [id, ...rest] of page) insert.run(`${String(id)}-floor`, ...rest);
    });
  }
  storage.sqlite.prepare(`delete from transfers where id like '%-floor'`).run();
}

/**
 * Each measurement starts from a checkpointed WAL (SQLite) or a checkpoint
 * (PostgreSQL): otherwise one phase pays for copying the previous phase's writes
 * (the fill's, then the sweep's) into the database file, on the checkpoint
 * thread this process's CPU time counts.
 */
async function settle(hub: Hub): Promise<void> {
  const { storage } = hub.context;
  if (storage.dialect === 'postgres') {
    await storage.read.run(sql`CHECKPOINT`);
    return;
  }
  // The checkpoint thread may hold the checkpoint lock for a moment: try again until the WAL is empty.
  for (let attempt = 0; attempt < 100; attempt++) {
    const [result] = storage.sqlite.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
    if (result?.busy === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('bench: the WAL could not be checkpointed');
}

const fmt = (ms: number) => `${Math.round(ms).toLocaleString('en-US')} ms`;

async function measure<T>(run: () => Promise<T>): Promise<{ result: T; ms: number; cpuMs: number }> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const result = await run();
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { result, ms, cpuMs: (used.user + used.system) / 1_000 };
}

/** A place, a local asset and BALANCES card wallets holding VALUE each, last active at `at`. */
async function fill(hub: Hub, at: string): Promise<{ asset: string; wallets: string[] }> {
  const { context } = hub;
  const placeWallet = context.newId();
  const asset = context.newId();
  const wallets = Array.from({ length: BALANCES }, () => context.newId()).sort();
  await context.storage.transaction(async (tx) => {
    await repo.insertWallets(tx, [{ id: placeWallet, kind: 'place', name: 'Bench bar' }]);
    await repo.insertAsset(tx, { id: asset, name: 'Bench money', currencyCode: 'BEN', category: 'TLF', decimals: 2, originWalletId: placeWallet, createdAt: at });
  });
  for (let start = 0; start < wallets.length; start += 5_000) {
    const chunk = wallets.slice(start, start + 5_000);
    await context.storage.transaction(async (tx) => {
      await repo.insertWallets(tx, chunk.map((id) => ({ id, kind: 'ephemeral' as const })));
      for (let first = 0; first < chunk.length; first += 1_000) {
        await tx.db.insert(tx.t.balances).values(chunk.slice(first, first + 1_000).map((walletId) => ({ walletId, assetId: asset, value: VALUE, activeAt: at, melted: 0 })));
      }
    });
  }
  return { asset, wallets };
}

/**
 * The same rows, the same pages, the same transactions and durability: one
 * UPDATE per page taking the same 2 %, written the way the sweep writes (a
 * statement prepared once on SQLite; on PostgreSQL the page's wallets as one
 * array parameter), so the floor holds no query building the sweep does not do.
 */
async function bareUpdate(hub: Hub, asset: string, wallets: readonly string[]): Promise<void> {
  const { storage } = hub.context;
  const statements = new Map<number, Statement>();
  const prepare = (sqlite: Database, size: number) =>
    sqlite.prepare(`update balances set value = value - 200, melted = melted + 200 where asset_id = ? and wallet_id in (${Array<string>(size).fill('?').join(', ')})`);
  for (let first = 0; first < wallets.length; first += PAGE) {
    const page = wallets.slice(first, first + PAGE);
    await storage.transaction(async (tx) => {
      if (storage.dialect === 'postgres') {
        await tx.run(sql`update balances set value = value - 200, melted = melted + 200 where asset_id = ${asset} and wallet_id = any(${sql.param(page)}::text[])`);
        return;
      }
      const update = statements.get(page.length) ?? prepare(storage.sqlite, page.length);
      statements.set(page.length, update);
      update.run(asset, ...page);
    });
  }
}

/** The UPDATE of the earlier figures: a parameter per wallet through the query builder, whose building was a third to half of its time. */
async function builtUpdate(hub: Hub, asset: string, wallets: readonly string[]): Promise<void> {
  for (let first = 0; first < wallets.length; first += PAGE) {
    const page = wallets.slice(first, first + PAGE);
    await hub.context.storage.transaction(async (tx) => {
      await tx.run(sql`update balances set value = value - 200, melted = melted + 200 where asset_id = ${asset} and wallet_id in (${sql.join(page.map((id) => sql`${id}`), sql`, `)})`);
    });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchMelt();
