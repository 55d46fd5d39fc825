/**
 * A throwaway PostgreSQL server for tests, from the PostgreSQL binaries of the machine
 * (`initdb`, `pg_ctl`, `postgres` on PATH, else /usr/lib/postgresql/15/bin).
 *
 * PostgreSQL refuses to run as root, so when the tests run as root (here and in CI)
 * the server runs as the `postgres` OS user (created if missing), in a fresh temporary
 * directory that user owns. It listens on 127.0.0.1 on a free port, with its unix
 * socket inside its data directory, trusts local connections, and is deleted by stop().
 */
import { execFile, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

const FALLBACK_BIN_DIR = '/usr/lib/postgresql/15/bin';
const OS_USER = 'postgres';
const START_TIMEOUT_S = 60;
const START_ATTEMPTS_MAX = 3;

export interface TestPostgres {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` */
  readonly url: string;
  /** A new, empty database on this server; returns its URL. */
  createDatabase(name?: string): Promise<string>;
  stop(): Promise<void>;
}

export async function startPostgres(): Promise<TestPostgres> {
  const bin = findBinDir();
  const asUser = runsAsRoot() ? ensureOsUser() : undefined;
  const root = mkdtempSync(join(tmpdir(), 'fedow-pg-'));
  if (asUser) chownSync(root, asUser.uid, asUser.gid);
  const data = join(root, 'data');
  const log = join(root, 'server.log');
  const command = (tool: string, args: string[]) =>
    asUser ? run('runuser', ['-u', OS_USER, '--', join(bin, tool), ...args]) : run(join(bin, tool), args);
  const stopSync = () => {
    if (existsSync(join(data, 'postmaster.pid'))) {
      spawnSync(asUser ? 'runuser' : join(bin, 'pg_ctl'), [
        ...(asUser ? ['-u', OS_USER, '--', join(bin, 'pg_ctl')] : []),
        '-D', data, 'stop', '-m', 'immediate',
      ]);
    }
    rmSync(root, { recursive: true, force: true });
  };
  // A test process that dies without stop() must not leave a server running.
  process.once('exit', stopSync);
  try {
    // --no-sync and fsync=off: a throwaway server loses nothing worth a disk flush.
    await command('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
    const port = await startOnFreePort(command, data, log);
    const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
    return {
      url,
      createDatabase: (name) => createDatabase(url, name),
      stop: async () => {
        process.removeListener('exit', stopSync);
        await command('pg_ctl', ['-D', data, 'stop', '-m', 'fast', '-w']);
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

type Command = (tool: string, args: string[]) => Promise<unknown>;

/** The port is free when we look; another process may take it before the server binds, so retry. */
async function startOnFreePort(command: Command, data: string, log: string): Promise<number> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= START_ATTEMPTS_MAX; attempt += 1) {
    const port = await freePort();
    const options = `-c listen_addresses=127.0.0.1 -p ${port} -k ${data} -c fsync=off -c full_page_writes=off`;
    try {
      await command('pg_ctl', ['-D', data, '-o', options, '-l', log, '-t', String(START_TIMEOUT_S), '-w', 'start']);
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

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const stderr = 'stderr' in error && typeof error.stderr === 'string' ? error.stderr.trim() : '';
    return stderr === '' ? error.message : `${error.message}\n${stderr}`;
  }
  return String(error);
}
