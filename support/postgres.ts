/**
 * PostgreSQL servers for the tests and the benchmarks, from the PostgreSQL binaries of
 * the machine (`initdb`, `pg_ctl`, `postgres` on PATH, else /usr/lib/postgresql/15/bin).
 * One module for both so that how a server is found, owned and started is written once.
 *
 * - startPostgres(): a throwaway server for a test, in a fresh temporary directory,
 *   fsync off, deleted by stop().
 * - startKeptPostgres(root): a server whose data directory outlives the process (a
 *   benchmark keeps its pre-loaded ledger there between runs), fsync on: the benchmarks
 *   time durable acks.
 *
 * PostgreSQL refuses to run as root, so as root (here and in CI) the server runs as the
 * `postgres` OS user (created if missing) in a directory that user owns. It listens on
 * 127.0.0.1 on a free port, with its unix socket inside its data directory, and trusts
 * local connections.
 */
import { execFile, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './wait';

const run = promisify(execFile);

const FALLBACK_BIN_DIR = '/usr/lib/postgresql/15/bin';
const OS_USER = 'postgres';
const START_ATTEMPTS_MAX = 3;

/** --no-sync and fsync=off: a throwaway server loses nothing worth a disk flush. */
const THROWAWAY = { initdb: ['--no-sync'], options: '-c fsync=off -c full_page_writes=off', startTimeoutS: 60 };
/** Room for a pre-loaded ledger of millions of transfers, and durable commits. */
const KEPT = { initdb: [], options: '-c shared_buffers=512MB -c max_wal_size=8GB -c checkpoint_timeout=30min', startTimeoutS: 120 };

export interface TestPostgres {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` */
  readonly url: string;
  /** A new, empty database on this server; returns its URL. */
  createDatabase(name?: string): Promise<string>;
  stop(): Promise<void>;
}

export async function startPostgres(): Promise<TestPostgres> {
  const server = serverTools();
  const root = mkdtempSync(join(tmpdir(), 'fedow-pg-'));
  server.own(root);
  const data = join(root, 'data');
  const log = join(root, 'server.log');
  const stopSync = () => {
    if (existsSync(join(data, 'postmaster.pid'))) server.stopSync(data, 'immediate');
    rmSync(root, { recursive: true, force: true });
  };
  // A test process that dies without stop() must not leave a server running.
  process.once('exit', stopSync);
  try {
    await initdb(server.command, data, THROWAWAY.initdb);
    const port = await startOnFreePort(server.command, data, log, THROWAWAY);
    const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
    return {
      url,
      createDatabase: (name) => createDatabase(url, name),
      stop: async () => {
        process.removeListener('exit', stopSync);
        await server.command('pg_ctl', ['-D', data, 'stop', '-m', 'fast', '-w']);
        rmSync(root, { recursive: true, force: true });
      },
    };
  } catch (error) {
    const serverLog = existsSync(log) ? `\n--- server log ---\n${readFileSync(log, 'utf8').slice(-4000)}` : '';
    stopSync();
    process.removeListener('exit', stopSync);
    throw new Error(`could not start a test PostgreSQL: ${describe(error)}${serverLog}`);
  }
}

export interface KeptPostgres {
  /** `postgres://postgres@127.0.0.1:<port>/<database>` */
  url(database: string): string;
  /** Stops the server and keeps its data directory. */
  stop(): Promise<void>;
}

/** A server on the data directory under `root`, created by the first call and reused by the next ones. */
export async function startKeptPostgres(root: string): Promise<KeptPostgres> {
  const server = serverTools();
  mkdirSync(root, { recursive: true });
  server.own(root);
  const data = join(root, 'data');
  if (!existsSync(join(data, 'PG_VERSION'))) await initdb(server.command, data, KEPT.initdb);
  const port = await startOnFreePort(server.command, data, join(root, 'server.log'), KEPT);
  const stopSync = () => server.stopSync(data, 'fast');
  process.once('exit', stopSync);
  return {
    url: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    async stop() {
      process.removeListener('exit', stopSync);
      await server.command('pg_ctl', ['-D', data, 'stop', '-m', 'fast', '-w']);
    },
  };
}

type Command = (tool: string, args: string[]) => Promise<unknown>;

interface ServerTools {
  command: Command;
  /** Gives `dir` to the OS user the server runs as. */
  own(dir: string): void;
  stopSync(data: string, mode: 'fast' | 'immediate'): void;
}

/** The binaries, run as the `postgres` OS user when we are root. */
function serverTools(): ServerTools {
  const bin = findBinDir();
  const asUser = runsAsRoot() ? ensureOsUser() : undefined;
  const argv = (tool: string, args: string[]): [string, string[]] =>
    asUser ? ['runuser', ['-u', OS_USER, '--', join(bin, tool), ...args]] : [join(bin, tool), args];
  return {
    command: (tool, args) => run(...argv(tool, args)),
    own: (dir) => {
      if (asUser) chownSync(dir, asUser.uid, asUser.gid);
    },
    stopSync: (data, mode) => {
      spawnSync(...argv('pg_ctl', ['-D', data, 'stop', '-m', mode]));
    },
  };
}

function initdb(command: Command, data: string, extra: readonly string[]): Promise<unknown> {
  return command('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', ...extra]);
}

/** The port is free when we look; another process may take it before the server binds, so retry. */
async function startOnFreePort(command: Command, data: string, log: string, tuning: { options: string; startTimeoutS: number }): Promise<number> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= START_ATTEMPTS_MAX; attempt += 1) {
    const port = await freePort();
    const options = `-c listen_addresses=127.0.0.1 -p ${port} -k ${data} ${tuning.options}`;
    try {
      await command('pg_ctl', ['-D', data, '-o', options, '-l', log, '-t', String(tuning.startTimeoutS), '-w', 'start']);
      return port;
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

let databaseCounter = 0;

async function createDatabase(url: string, name?: string): Promise<string> {
  databaseCounter += 1;
  const database = name ?? `fedow_test_${process.pid}_${databaseCounter}`;
  if (!/^[a-z_][a-z0-9_]*$/.test(database)) throw new Error(`database name ${database} is not a plain identifier`);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${database}`);
  } finally {
    await client.end();
  }
  return url.replace(/\/[^/]*$/, `/${database}`);
}

function findBinDir(): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir !== '' && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'))) return dir;
  }
  if (existsSync(join(FALLBACK_BIN_DIR, 'initdb'))) return FALLBACK_BIN_DIR;
  throw new Error(
    'PostgreSQL binaries not found: the PostgreSQL tests need `initdb` and `pg_ctl` on PATH ' +
      `(or in ${FALLBACK_BIN_DIR}). Install PostgreSQL 15 (Debian: apt-get install postgresql-15).`,
  );
}

function runsAsRoot(): boolean {
  return process.getuid?.() === 0;
}

function ensureOsUser(): { uid: number; gid: number } {
  let id = spawnSync('id', ['-u', OS_USER], { encoding: 'utf8' });
  if (id.status !== 0) {
    const added = spawnSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', OS_USER], {
      encoding: 'utf8',
    });
    if (added.status !== 0) throw new Error(`useradd ${OS_USER} failed: ${added.stderr}`);
    id = spawnSync('id', ['-u', OS_USER], { encoding: 'utf8' });
  }
  const gid = spawnSync('id', ['-g', OS_USER], { encoding: 'utf8' });
  const uidNumber = Number(id.stdout.trim());
  const gidNumber = Number(gid.stdout.trim());
  if (!Number.isInteger(uidNumber) || !Number.isInteger(gidNumber)) {
    throw new Error(`cannot read the uid/gid of the ${OS_USER} user`);
  }
  return { uid: uidNumber, gid: gidNumber };
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const stderr = 'stderr' in error && typeof error.stderr === 'string' ? error.stderr.trim() : '';
    return stderr === '' ? error.message : `${error.message}\n${stderr}`;
  }
  return String(error);
}
