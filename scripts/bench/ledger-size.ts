/**
 * Ingest cost against the size of the ledger (issue 15.4), on SQLite and on
 * PostgreSQL: the same runs on a ledger of 10 million transfers and on an empty
 * one with the same directory (places, assets, the history's 100,000 cards and
 * their balances), interleaved, in this one run:
 * 1. pushes → durable acks, 10 tills × 2,000 entries (`fedow serve` in a child
 *    process, as hub.ts does); goal ≥ 90 % of the empty ledger's rate;
 * 2. the sealer: the blocks of those entries' transfers sealed again (rewound
 *    first), transfers/s;
 * 3. a till's full snapshot (hello → last part).
 * The 10-million ledgers are built once by bulk SQL and cached (support/history.ts;
 * `FEDOW_BENCH_CACHE`, default the temp dir; ~16 GB for SQLite); runs add their
 * own tills and entries to them (0.2 % per run). `FEDOW_BENCH_HISTORY=N` sets
 * another size, `FEDOW_BENCH_DIALECTS=sqlite` runs one dialect.
 */
import { availableParallelism, cpus, loadavg } from 'node:os';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { PUSH_ENTRIES_MAX } from '@fedow/protocol';
import { configFromEnv, openHubContext, sealNow } from '@fedow/hub';
import { percentile, report } from './report';
import { BenchTill } from './support/bench-till';
import { pushFrames, signChains } from './support/chains';
import { startHubProcess } from './support/hub-process';
import { processCpuMs, processTreeCpuMs } from './support/process-cpu';
import { addTills, pgCacheDir, pgHistory, sqliteHistory, type HistoryWorld } from '../../support/history';
import { removeDatabase } from '../../support/bench-world';
import { startKeptPostgres } from '../../support/postgres';

const HISTORY_TRANSFERS = Number(process.env.FEDOW_BENCH_HISTORY ?? 10_000_000);
const RUN = { tills: 10, perTill: 2_000 };
/** Interleaved rounds per ledger: the median is kept, the spread printed. */
const ROUNDS = Number(process.env.FEDOW_BENCH_ROUNDS ?? 3);

/** A ledger a round runs on: a fresh copy of the empty one, the full one in place. */
interface Ledger {
  name: 'empty' | 'full';
  open(round: number): Promise<string>;
  close(round: number): Promise<void>;
}

interface Dialect {
  name: 'SQLite' | 'PostgreSQL';
  world: HistoryWorld;
  ledgers: Ledger[];
  /** Environment of the hub process: where its key is. */
  hubEnv: Record<string, string>;
  /** CPU of the database server's processes so far, ms (PostgreSQL); SQLite runs inside the hub. */
  serverCpuMs?: () => number;
  stop(): Promise<void>;
}

export async function benchLedgerSize(): Promise<void> {
  const started = performance.now();
  console.log(`\n== ledger size (apps/hub): ingest, sealer and snapshot on a ${HISTORY_TRANSFERS.toLocaleString('en-US')}-transfer ledger beside an empty one`);
  console.log(`   machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores, Node ${process.version}, load average ${loadavg()[0]!.toFixed(2)} at start`);
  const wanted = (process.env.FEDOW_BENCH_DIALECTS ?? 'sqlite,postgres').split(',');
  for (const open of [sqliteDialect, postgresDialect]) {
    const dialect = await open(wanted);
    if (!dialect) continue;
    try {
      await compare(dialect);
    } finally {
      await dialect.stop();
    }
  }
  console.log(`   (ledger-size group: ${((performance.now() - started) / 1000).toFixed(0)} s, load average ${loadavg()[0]!.toFixed(2)} at the end)`);
}

async function sqliteDialect(wanted: readonly string[]): Promise<Dialect | null> {
  if (!wanted.includes('sqlite')) return null;
  const world = await sqliteHistory(HISTORY_TRANSFERS, (line) => console.log(line));
  const copy = (round: number) => join(world.dir, `run-empty-${round}.sqlite`);
  return {
    name: 'SQLite',
    world,
    hubEnv: {},
    ledgers: [
      {
        name: 'empty',
        open: async (round) => {
          removeDatabase(copy(round));
          copyFileSync(world.empty, copy(round));
          return `sqlite:${copy(round)}`;
        },
        close: async (round) => removeDatabase(copy(round)),
      },
      { name: 'full', open: async () => `sqlite:${world.full}`, close: async () => undefined },
    ],
    stop: async () => undefined,
  };
}

async function postgresDialect(wanted: readonly string[]): Promise<Dialect | null> {
  if (!wanted.includes('postgres')) return null;
  const dir = pgCacheDir(HISTORY_TRANSFERS);
  const server = await startKeptPostgres(join(dir, 'pg'));
  try {
    const world = await pgHistory(server, dir, HISTORY_TRANSFERS, (line) => console.log(line));
    const admin = async (statement: string) => {
      const client = new pg.Client({ connectionString: server.url('postgres') });
      await client.connect();
      try {
        await client.query(statement);
      } finally {
        await client.end();
      }
    };
    return {
      name: 'PostgreSQL',
      world,
      hubEnv: { HUB_KEY_FILE: world.hubKeyFile },
      // The postmaster and its backends, live or exited (postmaster.pid's first line).
      serverCpuMs: () => processTreeCpuMs(Number(readFileSync(join(dir, 'pg', 'data', 'postmaster.pid'), 'utf8').split('\n')[0])),
      ledgers: [
        {
          name: 'empty',
          open: async (round) => {
            await admin(`DROP DATABASE IF EXISTS fedow_run_${round}`);
            await admin(`CREATE DATABASE fedow_run_${round} TEMPLATE ${world.empty}`);
            return server.url(`fedow_run_${round}`);
          },
          close: (round) => admin(`DROP DATABASE IF EXISTS fedow_run_${round}`),
        },
        { name: 'full', open: async () => server.url(world.full), close: async () => undefined },
      ],
      stop: () => server.stop(),
    };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

async function compare({ name, world, ledgers, hubEnv, serverCpuMs }: Dialect): Promise<void> {
  console.log(`   ${name}: the full ledger holds ${world.transfers.toLocaleString('en-US')} transfers of ${world.entries.toLocaleString('en-US')} entries, ${world.historyCards.toLocaleString('en-US')} cards; the empty one the same cards and balances, no transfers`);
  const rates: Record<Ledger['name'], number[]> = { empty: [], full: [] };
  const sealing: Record<Ledger['name'], Timed[]> = { empty: [], full: [] };
  const snapshots: Record<Ledger['name'], Timed[]> = { empty: [], full: [] };
  const cpu: Record<Ledger['name'], IngestCpu[]> = { empty: [], full: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const ledger of round % 2 === 0 ? ledgers : [...ledgers].reverse()) {
      const url = await ledger.open(round);
      try {
        const ingest = await ingestRun(world, url, hubEnv, `${ledger.name}-${round}-${Date.now()}`, serverCpuMs);
        rates[ledger.name].push(ingest.rate);
        cpu[ledger.name].push(ingest.cpu);
        const sealer = await sealerRun(url, world.hubKeyFile, ingest.firstSeq, serverCpuMs);
        const snapshot = await snapshotRun(world, url, hubEnv, serverCpuMs);
        sealing[ledger.name].push(sealer);
        snapshots[ledger.name].push(snapshot);
        console.log(`     round ${round + 1}, ${ledger.name}: ${Math.round(ingest.rate).toLocaleString('en-US')} entries/s, sealer ${Math.round(sealer.value).toLocaleString('en-US')} transfers/s (CPU ${sealer.cpuMs.toFixed(3)} ms/transfer), snapshot ${snapshot.value.toFixed(2)} s (CPU ${(snapshot.cpuMs / 1000).toFixed(2)} s) (${ingest.detail}); load ${loadavg()[0]!.toFixed(2)}`);
      } finally {
        await ledger.close(round);
      }
    }
  }
  const median = (values: number[]) => percentile([...values].sort((a, b) => a - b), 50);
  const size = `${name}, ${(world.transfers / 1e6).toFixed(world.transfers < 1e6 ? 2 : 0)} M transfers`;
  const ingestRatio = median(rates.full) / median(rates.empty);
  const same = 'the same on an empty ledger, same run';
  report({ name: `push → durable ack, ${RUN.tills} tills, ${size}`, value: median(rates.full), unit: 'entries/s', limit: median(rates.empty), limitName: same, better: 'higher', goal: `≥ 90 % ${ingestRatio >= 0.9 ? '(met)' : '(NOT met)'}` });
  const valuesOf = (runs: Timed[]) => runs.map((run) => run.value);
  const cpusOf = (runs: Timed[]) => runs.map((run) => run.cpuMs);
  const withServer = serverCpuMs ? ' + server' : '';
  report({ name: `sealer, ${size}`, value: median(valuesOf(sealing.full)), unit: 'transfers/s', limit: median(valuesOf(sealing.empty)), limitName: same, better: 'higher' });
  report({ name: `sealer CPU per transfer (this process${withServer}), ${size}`, value: median(cpusOf(sealing.full)) * 1000, unit: 'µs', limit: median(cpusOf(sealing.empty)) * 1000, limitName: same, better: 'lower' });
  report({ name: `full snapshot (${world.historyCards.toLocaleString('en-US')}+ cards), ${size}`, value: median(valuesOf(snapshots.full)), unit: 's', limit: median(valuesOf(snapshots.empty)), limitName: same, better: 'lower' });
  report({ name: `full snapshot CPU (hub${withServer}), ${size}`, value: median(cpusOf(snapshots.full)), unit: 'ms', limit: median(cpusOf(snapshots.empty)), limitName: same, better: 'lower' });
  // CPU per entry does not grow with the machine's load as wall time does: if the
  // history made ingest do more work, it would show here too.
  const cpuOf = (ledger: Ledger['name']) => median(cpu[ledger].map((run) => run.hub + run.server));
  report({ name: `CPU per entry during the pushes (hub${withServer}), ${size}`, value: cpuOf('full'), unit: 'ms', limit: cpuOf('empty'), limitName: same, better: 'lower' });
  const spread = (values: number[]) => values.map((value) => Math.round(value).toLocaleString('en-US')).join(', ');
  const cpuSpread = (runs: IngestCpu[]) => runs.map((run) => (serverCpuMs ? `${run.hub.toFixed(2)}+${run.server.toFixed(2)}` : run.hub.toFixed(2))).join(', ');
  console.log(`     ${name} medians of ${ROUNDS} interleaved rounds; ingest entries/s: empty ${spread(rates.empty)}; full ${spread(rates.full)}; CPU ms/entry (hub${serverCpuMs ? '+server' : ''}): empty ${cpuSpread(cpu.empty)}; full ${cpuSpread(cpu.full)}`);
}

/** Tills of their own push their pre-signed chains to a hub on `path`; entries/s from the first push to the last ack. */
/** A figure (transfers/s, seconds) and the CPU it took (ms per transfer, ms). */
interface Timed {
  value: number;
  cpuMs: number;
}

/** CPU spent during a run's pushes, ms per entry: the hub process (all threads) and the database server (0 on SQLite: it runs in the hub). */
interface IngestCpu {
  hub: number;
  server: number;
}

async function ingestRun(world: HistoryWorld, url: string, hubEnv: Record<string, string>, label: string, serverCpuMs?: () => number): Promise<{ rate: number; firstSeq: number; cpu: IngestCpu; detail: string }> {
  const tills = await addTills(url, world, RUN.tills, label);
  const chains = await signChains(tills.map((till) => ({ terminal: till.id, secretKeyHex: till.secretKeyHex, genesis: till.genesis, count: RUN.perTill, cards: world.cards, cashier: world.cashier, asset: world.local })));
  const firstSeq = (await lastTransferSeq(url)) + 1;
  const hub = await startHubProcess(url, [], hubEnv);
  const clients = tills.map((till) => new BenchTill(till, hub.syncUrl));
  try {
    for (const client of clients) await client.connect();
    const frames = clients.map((_, index) => pushFrames(chains[index]!, PUSH_ENTRIES_MAX, RUN.perTill));
    const lastSeqs = frames[0]!.map((_, index) => Math.min(RUN.perTill, (index + 1) * PUSH_ENTRIES_MAX));
    const cpuBefore = { hub: processCpuMs(hub.pid), server: serverCpuMs?.() ?? 0 };
    const start = performance.now();
    const ends = await Promise.all(clients.map((client, index) => client.pushAll(frames[index]!, lastSeqs)));
    const seconds = (Math.max(...ends) - start) / 1000;
    const entries = RUN.tills * RUN.perTill;
    const cpu = { hub: (processCpuMs(hub.pid) - cpuBefore.hub) / entries, server: ((serverCpuMs?.() ?? 0) - cpuBefore.server) / entries };
    const applied = clients.reduce((sum, client) => sum + client.statuses.applied, 0);
    const errors = clients.flatMap((client) => client.errors);
    if (errors.length > 0) throw new Error(`bench: the hub sent errors: ${errors.slice(0, 3).join('; ')}`);
    if (applied !== RUN.tills * RUN.perTill) throw new Error(`bench: ${applied} of ${RUN.tills * RUN.perTill} entries applied`);
    const serverCpu = serverCpuMs ? `, server ${cpu.server.toFixed(2)}` : '';
    return { rate: entries / seconds, firstSeq, cpu, detail: `${applied.toLocaleString('en-US')} entries in ${seconds.toFixed(2)} s; CPU ms/entry: hub ${cpu.hub.toFixed(2)}${serverCpu}` };
  } finally {
    for (const client of clients) client.terminate();
    await hub.stop();
  }
}

async function lastTransferSeq(url: string): Promise<number> {
  const [row] = await onDatabase(url, ['SELECT coalesce(max(seq), 0) AS seq FROM transfers']);
  return Number(row!.seq);
}

/**
 * Statements in one transaction, by the dialect's own driver; `$1` is the one
 * parameter they may take. Returns the first row of each.
 */
async function onDatabase(url: string, statements: readonly string[], parameter?: number): Promise<Record<string, unknown>[]> {
  if (url.startsWith('sqlite:')) {
    const db = new Database(url.slice('sqlite:'.length));
    try {
      // The rewind deletes blocks: checking that no transfer names them would scan
      // every transfer per block (block_height has no index; the hub never deletes
      // a block). The rewind unsets them first.
      db.pragma('foreign_keys = OFF');
      return db.transaction(() => statements.map((statement) => {
        const prepared = db.prepare(statement.replaceAll('$1', '?'));
        const args = statement.includes('$1') ? [parameter] : [];
        return prepared.reader ? (prepared.get(...args) as Record<string, unknown>) : { changes: prepared.run(...args).changes };
      }))();
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('BEGIN');
    // As on SQLite: no foreign-key triggers for the rewind's DELETE of blocks.
    await client.query('SET LOCAL session_replication_role = replica');
    const rows: Record<string, unknown>[] = [];
    for (const statement of statements) {
      const result = await client.query(statement, statement.includes('$1') ? [parameter] : []);
      rows.push(result.rows[0] ?? { changes: result.rowCount });
    }
    await client.query('COMMIT');
    return rows;
  } finally {
    await client.end();
  }
}

/**
 * The sealer over the run's transfers again: the blocks the hub sealed them in
 * are removed and the transfers unsealed (the bench's own rewind, never the
 * hub's), then `sealNow` seals them as the CLI does, in blocks of 1,000.
 */
async function sealerRun(url: string, hubKeyFile: string, firstSeq: number, serverCpuMs?: () => number): Promise<Timed> {
  const [from] = await onDatabase(url, ['SELECT min(height) AS height FROM blocks WHERE last_seq >= $1'], firstSeq);
  if (from!.height === null) throw new Error('bench: the hub sealed none of the run');
  // One transaction: a rewind cut in half would leave blocks whose transfers are unsealed.
  const [rewound] = await onDatabase(
    url,
    ['UPDATE transfers SET hash = NULL, block_height = NULL WHERE seq >= (SELECT first_seq FROM blocks WHERE height = $1)', 'DELETE FROM blocks WHERE height >= $1'],
    Number(from!.height),
  );
  const transfers = Number(rewound!.changes);
  const hub = await openHubContext(configFromEnv({}, { databaseUrl: url, log: false, keyPath: hubKeyFile }));
  try {
    const cpuBefore = { own: process.cpuUsage(), server: serverCpuMs?.() ?? 0 };
    const start = performance.now();
    const run = await sealNow(hub.context, { transfersMax: 1_000 });
    const seconds = (performance.now() - start) / 1000;
    const own = process.cpuUsage(cpuBefore.own);
    const cpuMs = (own.user + own.system) / 1000 + ((serverCpuMs?.() ?? 0) - cpuBefore.server);
    if (!run.ok || run.transfers !== transfers) throw new Error(`bench: the sealer sealed ${run.ok ? run.transfers : 'nothing'} of ${transfers} transfers`);
    return { value: transfers / seconds, cpuMs: cpuMs / transfers };
  } finally {
    await hub.close();
  }
}

/** hello → the last part of a full snapshot, one till. */
async function snapshotRun(world: HistoryWorld, url: string, hubEnv: Record<string, string>, serverCpuMs?: () => number): Promise<Timed> {
  const [till] = await addTills(url, world, 1, `snapshot-${Date.now()}`);
  const hub = await startHubProcess(url, [], hubEnv);
  const client = new BenchTill(till!, hub.syncUrl);
  try {
    const cpuBefore = processCpuMs(hub.pid) + (serverCpuMs?.() ?? 0);
    const result = await client.connect();
    const cpuMs = processCpuMs(hub.pid) + (serverCpuMs?.() ?? 0) - cpuBefore;
    if (result.cards < world.historyCards / 20) throw new Error(`bench: the snapshot held ${result.cards} cards`);
    return { value: (result.snapshotAt - result.helloAt) / 1000, cpuMs };
  } finally {
    client.terminate();
    await hub.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchLedgerSize();
