/**
 * Several hub processes on one PostgreSQL behind HAProxy, as an operator deploys
 * them when one process is not enough (README, "Scaling out"): a throwaway
 * PostgreSQL, seed.ts's hub written into it, N `fedow serve` processes
 * sharing the database and the hub key, and Debian's haproxy in front, started
 * with a configuration written here (WebSocket upgrades pass through, a hub that
 * stops answering /readyz is taken out, a refused connection goes to another hub).
 *
 * Each hub names its database connections (`application_name=hub<N>`), so the
 * test can see from PostgreSQL which process holds the sealer's lock.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createPairingCode, PG_LOCK_SEALER } from '@fedow/hub';
import { seedHub, type Seeded, type SeededTill } from './seed';
import { freePort } from './wait';
import { startPostgres, type TestPostgres } from './postgres';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const FEDOW_BIN = join(ROOT, 'apps/hub/bin/fedow.mjs');
const HUB_START_MS_MAX = 90_000;
/**
 * HAProxy's health checks. A killed hub refuses connections at once, and
 * `redispatch` sends those elsewhere before any check notices; the checks only
 * keep a hub that stopped answering out. Their timeout stays generous: a check
 * timed out on a busy machine would take a live hub out of the rotation.
 */
const CHECK_INTER_MS = 1_000;

export interface HubNode {
  readonly name: string;
  readonly port: number;
  /** http://127.0.0.1:PORT, bypassing the balancer. */
  readonly url: string;
  readonly running: boolean;
  readonly pid: number | undefined;
  start(): Promise<void>;
  /** SIGKILL: no shutdown hook runs, its sockets and database sessions just die. */
  kill(): Promise<void>;
  stop(): Promise<void>;
  /** The last lines it printed (for a failing test's message). */
  output(): string;
}

export interface ClusterSeed {
  placeA: string;
  local: string;
  cards: string[];
  operatorToken: string;
  /** A till of place A registered with its key, not driven by anything: the test speaks for it. */
  spareTill: SeededTill;
  /** Further tills registered with their keys (`tills` of startCluster), for lean clients. */
  tills: SeededTill[];
}

export interface Cluster {
  readonly databaseUrl: string;
  readonly hubs: readonly HubNode[];
  /** http://127.0.0.1:PORT of HAProxy: what tills pair with and sync through. */
  readonly balancerUrl: string;
  readonly seed: ClusterSeed;
  /** Single-use pairing codes of place A, made before the hubs started. */
  readonly pairingCodes: string[];
  /** A client of the shared database, for the test's own checks. */
  readonly db: pg.Pool;
  /** `fedow …` as an operator runs it beside the hubs (another process on the same database). */
  cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  /** The database sessions of every process, with what they wait for (for a failing test's message). */
  sessions(): Promise<string>;
  /** The hub whose database session holds the sealer's advisory lock, if any. */
  sealerLeader(): Promise<string | null>;
  close(): Promise<void>;
}

export async function startCluster(options: { hubs: number; pairingCodes: number; cards: number; tills?: number; env?: NodeJS.ProcessEnv }): Promise<Cluster> {
  const postgres = await startPostgres();
  const cleanups: (() => Promise<void> | void)[] = [() => postgres.stop()];
  try {
    const databaseUrl = await postgres.createDatabase();
    const { seed, pairingCodes, keyPath, dir } = await seedDatabase(databaseUrl, options);
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const env = { ...process.env, ...options.env, HUB_KEY_FILE: keyPath, LOG_LEVEL: 'warn', HUB_KEY: '', FEDOW_DATA_DIR: dir };
    const hubs: HubNode[] = [];
    for (let index = 1; index <= options.hubs; index++) {
      const name = `hub${index}`;
      hubs.push(hubNode(name, await freePort(), { ...env, DATABASE_URL: `${databaseUrl}?application_name=${name}` }));
    }
    cleanups.push(async () => {
      for (const hub of hubs) await hub.stop();
    });
    await Promise.all(hubs.map((hub) => hub.start()));
    const balancer = await startHaproxy(dir, hubs);
    cleanups.push(() => balancer.stop());
    const db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
    cleanups.push(() => db.end());
    return {
      databaseUrl,
      hubs,
      balancerUrl: balancer.url,
      seed,
      pairingCodes,
      db,
      cli: (...args) => runCli(args, { ...env, DATABASE_URL: `${databaseUrl}?application_name=cli` }),
      async sessions() {
        const { rows } = await db.query(
          `SELECT a.application_name, a.pid, a.state, a.wait_event_type, a.wait_event, round(extract(epoch FROM now() - a.xact_start)) AS xact_s, left(a.query, 100) AS query,
                  (SELECT string_agg(l.locktype || ':' || coalesce(l.objid::text, '') || (CASE WHEN l.granted THEN '' ELSE ' (waiting)' END), ', ') FROM pg_locks l WHERE l.pid = a.pid AND l.locktype = 'advisory') AS advisory
           FROM pg_stat_activity a WHERE a.datname = current_database() AND a.pid <> pg_backend_pid() ORDER BY 1`,
        );
        const presence = await db.query('SELECT terminal_id, recorded_by, recorded_at, last_message_at FROM till_presence ORDER BY terminal_id');
        return [...rows, ...presence.rows].map((row) => JSON.stringify(row)).join('\n');
      },
      async sealerLeader() {
        const { rows } = await db.query<{ name: string }>(
          `SELECT a.application_name AS name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
           WHERE l.locktype = 'advisory' AND l.granted AND ((l.classid::bigint << 32) | l.objid::bigint) = $1`,
          [PG_LOCK_SEALER],
        );
        return rows[0]?.name ?? null;
      },
      close: () => runCleanups(cleanups),
    };
  } catch (error) {
    await runCleanups(cleanups);
    throw error;
  }
}

async function runCleanups(cleanups: (() => Promise<void> | void)[]): Promise<void> {
  for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
}

/** The hub's test seed, written by an in-process hub that is closed before the real ones start. */
async function seedDatabase(databaseUrl: string, options: { pairingCodes: number; cards: number; tills?: number }) {
  const seeded: Seeded = await seedHub({ databaseUrl, cards: options.cards });
  try {
    const pairingCodes: string[] = [];
    for (let index = 0; index < options.pairingCodes; index++) {
      pairingCodes.push((await createPairingCode(seeded.hub.context, { place: seeded.placeA.id, name: `Till ${index + 1}` })).code);
    }
    const operatorToken = seeded.hub.identity.operatorToken;
    if (operatorToken === null) throw new Error('a fresh hub has an operator token');
    const tills: SeededTill[] = [];
    for (let index = 1; index <= (options.tills ?? 0); index++) tills.push(await seeded.till('A', index));
    const seed: ClusterSeed = { placeA: seeded.placeA.id, local: seeded.local, cards: seeded.cards, operatorToken, spareTill: await seeded.till('A', 200), tills };
    return { seed, pairingCodes, keyPath: join(seeded.dir, 'hub.key'), dir: seeded.dir };
  } finally {
    // Not seeded.close(): the directory keeps the hub key the processes share.
    await seeded.hub.close();
  }
}

function hubNode(name: string, port: number, env: NodeJS.ProcessEnv): HubNode {
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  let output = '';
  const node: HubNode = {
    output: () => output,
    name,
    port,
    url: `http://127.0.0.1:${port}`,
    get running() {
      return child !== null;
    },
    get pid() {
      return child?.pid;
    },
    async start() {
      if (child) return;
      const started = spawn(process.execPath, [FEDOW_BIN, 'serve', '--port', String(port), '--host', '127.0.0.1'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
      child = started;
      const keep = (chunk: Buffer) => {
        output = (output + chunk.toString()).slice(-8_000);
      };
      started.stdout!.on('data', keep);
      started.stderr!.on('data', keep);
      exited = new Promise((resolve) => started.once('exit', () => resolve()));
      const reap = () => started.kill('SIGKILL');
      process.once('exit', reap);
      started.once('exit', () => {
        process.removeListener('exit', reap);
        if (child === started) child = null;
      });
      await listening(started, name);
    },
    async kill() {
      const current = child;
      if (!current) return;
      current.kill('SIGKILL');
      await exited;
    },
    async stop() {
      const current = child;
      if (!current) return;
      current.kill('SIGTERM');
      const timer = setTimeout(() => current.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
  return node;
}

function listening(child: ChildProcess, name: string): Promise<void> {
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not listen within ${HUB_START_MS_MAX / 1000} s: ${output.slice(-4000)}`)), HUB_START_MS_MAX);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.length > 20_000) output = output.slice(-20_000);
      if (/listening on http:\/\//.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code ?? signal}) before listening: ${output.slice(-4000)}`));
    });
  });
}

/**
 * HAProxy in front of the hubs. `timeout tunnel` outlives the 45 s silence limit of
 * /sync; `leastconn` spreads long-lived till connections evenly; `redispatch` and
 * `retries` send a connection a dead hub refused to another one, before the health
 * check has noticed.
 */
export function haproxyConfig(port: number, hubs: readonly { name: string; port: number }[]): string {
  return [
    'global',
    '  maxconn 4096',
    'defaults',
    '  mode http',
    '  timeout connect 1s',
    '  timeout client 60s',
    '  timeout server 60s',
    '  timeout tunnel 60s',
    '  timeout check 5s',
    '  retries 3',
    '  option redispatch 1',
    'frontend fedow',
    `  bind 127.0.0.1:${port}`,
    '  default_backend hubs',
    'backend hubs',
    '  balance leastconn',
    '  option httpchk GET /readyz',
    '  http-check expect status 200',
    `  default-server inter ${CHECK_INTER_MS} fall 2 rise 1`,
    ...hubs.map((hub) => `  server ${hub.name} 127.0.0.1:${hub.port} check`),
    '',
  ].join('\n');
}

async function startHaproxy(dir: string, hubs: readonly HubNode[]): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const config = join(mkdtempSync(join(tmpdir(), 'fedow-haproxy-')), 'haproxy.cfg');
  writeFileSync(config, haproxyConfig(port, hubs));
  const child = spawn('haproxy', ['-f', config, '-db'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const reap = () => child.kill('SIGKILL');
  process.once('exit', reap);
  const stop = async () => {
    process.removeListener('exit', reap);
    child.kill('SIGTERM');
    await exited;
    rmSync(join(config, '..'), { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`haproxy exited (${child.exitCode}): ${output} (in ${dir})`);
    const ready = await fetch(`${url}/readyz`).then((response) => response.ok, () => false);
    if (ready) return { url, stop };
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`haproxy did not forward /readyz within 20 s: ${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [FEDOW_BIN, ...args], { cwd: ROOT, env, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
    });
  });
}
