/**
 * A pre-loaded ledger of millions of transfers, on SQLite and on PostgreSQL, for the
 * benchmark that measures the hub on a big ledger (`npm run bench -- size`); built
 * by bulk SQL (history-*.ts) rather than through the hub, which would take days, and
 * checked by test/bench-history.test.ts to read like a ledger the hub wrote.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import { genesisBody } from '@fedow/protocol';
import { hashBody, publicKeyHex, toHex } from '@fedow/ledger';
import { nodeCrypto } from '@fedow/ledger/crypto-node';
import { openStorage, repo } from '@fedow/hub';
import type { TillIdentity } from './bench-world';
import { CASHIER, seedHub } from './seed';
import type { KeptPostgres } from './postgres';
import { createWorld } from './bench-world';
import { writeHistoryPg } from './history-pg';
import { historyShape, type HistoryPlan } from './history-shape';
import { writeHistorySqlite } from './history-sqlite';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** What a history-size run needs to know of its databases; kept as JSON beside them. */
export interface HistoryWorld {
  dir: string;
  /**
   * The directory alone (places, assets, history cards and their balances), no
   * transfers, copied before each run: a SQLite file, or a PostgreSQL database name.
   */
  empty: string;
  /** The same directory with the whole history: runs use it in place (see `addTills`). */
  full: string;
  hubKeyFile: string;
  hubPublicKey: string;
  place: string;
  local: string;
  cards: string[];
  cashier: string;
  transfers: number;
  entries: number;
  historyCards: number;
  buildSeconds: number;
}

/**
 * The pre-loaded ledgers, built once and kept in `FEDOW_BENCH_CACHE` (default:
 * the temp dir) under a key of the schema's migrations, the writers' source and
 * the plan: a schema change builds them again. Returns the cached ones when
 * they are there.
 */
export async function sqliteHistory(transfers: number, log: (line: string) => void): Promise<HistoryWorld> {
  const key = cacheKey(['apps/hub/drizzle/sqlite', 'support/history-sqlite.ts', 'support/history-shape.ts', 'support/bench-world.ts'], `sqlite ${transfers}`);
  const dir = join(process.env.FEDOW_BENCH_CACHE ?? join(tmpdir(), 'fedow-bench-cache'), `history-sqlite-${transfers}-${key}`);
  const manifest = join(dir, 'world.json');
  if (existsSync(manifest)) {
    const world = JSON.parse(readFileSync(manifest, 'utf8')) as HistoryWorld;
    world.hubKeyFile ??= join(dir, 'hub.key');
    log(`   (the ${world.transfers.toLocaleString('en-US')}-transfer ledger from the cache, ${dir}; it took ${world.buildSeconds.toFixed(0)} s to build)`);
    return world;
  }
  log(`   building a ${transfers.toLocaleString('en-US')}-transfer ledger into ${dir} (once; cached for later runs)…`);
  const started = performance.now();
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const world = await createWorld(0);
  try {
    copyFileSync(join(world.dir, 'hub.key'), join(dir, 'hub.key'));
    const building = join(dir, 'full.building.sqlite');
    copyFileSync(world.template, building);
    const plan = await planFor(`sqlite:${world.template}`, join(world.dir, 'hub.key'), world, transfers);
    writeHistorySqlite(building, plan);
    const full = join(dir, 'full.sqlite');
    renameSync(building, full);
    const empty = join(dir, 'empty.sqlite');
    copyFileSync(world.template, empty);
    copyDirectory(empty, full);
    const shape = historyShape(plan);
    const result: HistoryWorld = {
      dir,
      empty,
      full,
      hubKeyFile: join(dir, 'hub.key'),
      hubPublicKey: plan.hubPublicKey,
      place: world.place,
      local: world.local,
      cards: world.cards,
      cashier: world.cashier,
      transfers: shape.transfersCount,
      entries: shape.entriesCount,
      historyCards: shape.cards,
      buildSeconds: (performance.now() - started) / 1000,
    };
    writeFileSync(manifest, JSON.stringify(result, null, 2));
    log(`   (built in ${result.buildSeconds.toFixed(0)} s)`);
    return result;
  } finally {
    rmSync(world.dir, { recursive: true, force: true });
  }
}

/**
 * The same history in PostgreSQL, on `server` (whose data directory is the
 * cache: `pgCacheDir`): databases `fedow_full` and `fedow_empty`, seeded once
 * as one and copied before the history is written, so both hold the same ids.
 */
export function pgCacheDir(transfers: number): string {
  const key = cacheKey(['apps/hub/drizzle/pg', 'support/history-pg.ts', 'support/history-shape.ts', 'support/seed.ts'], `postgres ${transfers}`);
  return join(process.env.FEDOW_BENCH_CACHE ?? join(tmpdir(), 'fedow-bench-cache'), `history-pg-${transfers}-${key}`);
}

export async function pgHistory(server: KeptPostgres, dir: string, transfers: number, log: (line: string) => void): Promise<HistoryWorld> {
  const manifest = join(dir, 'world.json');
  if (existsSync(manifest)) {
    const world = JSON.parse(readFileSync(manifest, 'utf8')) as HistoryWorld;
    log(`   (the ${world.transfers.toLocaleString('en-US')}-transfer PostgreSQL ledger from the cache, ${dir}; it took ${world.buildSeconds.toFixed(0)} s to build)`);
    return world;
  }
  log(`   building a ${transfers.toLocaleString('en-US')}-transfer PostgreSQL ledger into ${dir} (once; cached for later runs)…`);
  const started = performance.now();
  const admin = new pg.Client({ connectionString: server.url('postgres') });
  await admin.connect();
  try {
    for (const name of ['fedow_full', 'fedow_empty']) await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.query('CREATE DATABASE fedow_full');
    const seeded = await seedHub({ cards: 200, databaseUrl: server.url('fedow_full') });
    const world = { place: seeded.placeA.id, local: seeded.local, cards: seeded.cards, cashier: CASHIER };
    await seeded.hub.close();
    copyFileSync(join(seeded.dir, 'hub.key'), join(dir, 'hub.key'));
    rmSync(seeded.dir, { recursive: true, force: true });
    await admin.query('CREATE DATABASE fedow_empty TEMPLATE fedow_full');
    const plan = await planFor(server.url('fedow_full'), join(dir, 'hub.key'), world, transfers);
    await writeHistoryPg(server.url('fedow_full'), plan);
    await copyDirectoryPg(server.url('fedow_full'), server.url('fedow_empty'));
    const shape = historyShape(plan);
    const result: HistoryWorld = {
      dir,
      empty: 'fedow_empty',
      full: 'fedow_full',
      hubKeyFile: join(dir, 'hub.key'),
      hubPublicKey: plan.hubPublicKey,
      ...world,
      transfers: shape.transfersCount,
      entries: shape.entriesCount,
      historyCards: shape.cards,
      buildSeconds: (performance.now() - started) / 1000,
    };
    writeFileSync(manifest, JSON.stringify(result, null, 2));
    log(`   (built in ${result.buildSeconds.toFixed(0)} s)`);
    return result;
  } finally {
    await admin.end();
  }
}

/** The history's wallets, cards and balances into the empty database (no transfers). */
async function copyDirectoryPg(fromUrl: string, toUrl: string): Promise<void> {
  const from = new pg.Client({ connectionString: fromUrl });
  const to = new pg.Client({ connectionString: toUrl });
  await from.connect();
  await to.connect();
  try {
    const column = <T>(rows: Record<string, unknown>[], name: string) => rows.map((row) => row[name] as T);
    const wallets = (await from.query(`SELECT id, kind FROM wallets WHERE id LIKE '0c0c0c0c-%'`)).rows;
    const cards = (await from.query(`SELECT id, first_tag_id, ephemeral_wallet_id FROM cards WHERE id LIKE '0d0d0d0d-%'`)).rows;
    const balances = (await from.query(`SELECT wallet_id, asset_id, value FROM balances`)).rows;
    await to.query('BEGIN');
    await to.query('INSERT INTO wallets (id, kind) SELECT * FROM unnest($1::text[], $2::text[])', [column(wallets, 'id'), column(wallets, 'kind')]);
    await to.query('INSERT INTO cards (id, first_tag_id, ephemeral_wallet_id) SELECT * FROM unnest($1::text[], $2::text[], $3::text[])', [column(cards, 'id'), column(cards, 'first_tag_id'), column(cards, 'ephemeral_wallet_id')]);
    await to.query(
      `INSERT INTO balances (wallet_id, asset_id, value) SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[])
        ON CONFLICT (wallet_id, asset_id) DO UPDATE SET value = excluded.value`,
      [column(balances, 'wallet_id'), column(balances, 'asset_id'), column(balances, 'value')],
    );
    await to.query('COMMIT');
    await to.query('VACUUM ANALYZE');
  } finally {
    await from.end();
    await to.end();
  }
}

async function planFor(database: string, hubKeyFile: string, world: { place: string; local: string; cashier: string }, transfers: number): Promise<HistoryPlan & { hubPublicKey: string }> {
  const storage = await openStorage(database);
  try {
    const place = (await repo.listPlaces(storage.read)).find((row) => row.id === world.place)!;
    const asset = (await repo.listAssets(storage.read)).find((row) => row.id === world.local)!;
    const cashier = (await repo.loadCardsByTag(storage.read, [world.cashier])).get(world.cashier)!;
    const hubKey = readFileSync(hubKeyFile, 'utf8');
    return {
      transfers,
      tills: 100,
      cards: 100_000,
      place: place.id,
      placeWallet: place.walletId,
      originWallet: asset.originWalletId,
      asset: asset.id,
      cashier: world.cashier,
      cashierCardId: cashier.id,
      topUp: 5_000,
      sale: 350,
      // A season's history: a year before the runs, an entry every 3 ms.
      startMs: Date.parse('2025-06-01T10:00:00.000Z'),
      msPerEntry: 3,
      blockTransfers: 1_000,
      hubPublicKey: hubPublicKeyOf(hubKey),
    };
  } finally {
    await storage.close();
  }
}

/** The empty ledger gets the same directory as the full one: the history's cards, wallets and balances, no transfers. */
function copyDirectory(empty: string, full: string): void {
  const db = new Database(empty);
  try {
    db.exec(`ATTACH DATABASE '${full.replaceAll("'", "''")}' AS h`);
    db.transaction(() => {
      db.exec(`INSERT INTO wallets SELECT * FROM h.wallets WHERE id NOT IN (SELECT id FROM main.wallets)`);
      db.exec(`INSERT INTO cards SELECT * FROM h.cards WHERE id NOT IN (SELECT id FROM main.cards)`);
      db.exec(`INSERT OR REPLACE INTO balances SELECT * FROM h.balances`);
    })();
    db.exec('DETACH DATABASE h');
    db.exec('ANALYZE');
  } finally {
    db.close();
  }
}

function hubPublicKeyOf(keyFile: string): string {
  const match = /[0-9a-f]{64}/.exec(keyFile);
  if (!match) throw new Error('bench: no hub key in hub.key');
  return publicKeyHex(nodeCrypto, Buffer.from(match[0], 'hex'));
}

function cacheKey(paths: readonly string[], extra: string): string {
  const hash = createHash('sha256').update(extra);
  for (const path of paths) {
    const full = join(ROOT, path);
    const files = statSync(full).isDirectory() ? readdirSync(full, { recursive: true, encoding: 'utf8' }).sort().map((name) => join(full, name)) : [full];
    for (const file of files) if (statSync(file).isFile()) hash.update(file).update(readFileSync(file));
  }
  return hash.digest('hex').slice(0, 12);
}

/**
 * `count` new tills of the bench place, with keys drawn from `label`: each run
 * pushes with tills of its own, so the chains it signs start at seq 1 whatever
 * earlier runs left in the ledger.
 */
export async function addTills(url: string, world: HistoryWorld, count: number, label: string): Promise<TillIdentity[]> {
  const storage = await openStorage(url);
  const identities: TillIdentity[] = [];
  const now = new Date().toISOString();
  try {
    await storage.transaction(async (tx) => {
      for (let index = 0; index < count; index++) {
        const secretKeyHex = toHex(createHash('sha256').update(`fedow-bench-${label}-${index}`).digest());
        const publicKey = publicKeyHex(nodeCrypto, Buffer.from(secretKeyHex, 'hex'));
        const id = crypto.randomUUID();
        const genesis = hashBody(nodeCrypto, genesisBody(id, publicKey, world.place, world.hubPublicKey));
        await repo.insertTerminal(tx, { id, placeId: world.place, name: `Bench till ${label} ${index}`, publicKey, genesis, lastHash: genesis, createdAt: now });
        identities.push({ id, secretKeyHex, genesis });
      }
    });
  } finally {
    await storage.close();
  }
  return identities;
}
