import { execFile, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const BIN = '/usr/lib/postgresql/15/bin';

/**
 * A PostgreSQL server whose data directory outlives the bench (the pre-loaded
 * ledger is kept in it between runs), with fsync on: the bench times durable
 * acks. As root it runs as the `postgres` OS user, which Debian's package
 * creates (test/support/postgres.ts creates it when missing; the tests run first).
 */
export interface BenchPostgres {
  url(database: string): string;
  stop(): Promise<void>;
}

export async function startBenchPostgres(root: string): Promise<BenchPostgres> {
  const asRoot = process.getuid?.() === 0;
  const bin = existsSync(join(BIN, 'initdb')) ? BIN : '';
  const tool = (name: string) => (bin ? join(bin, name) : name);
  const command = (name: string, args: string[]) => (asRoot ? run('runuser', ['-u', 'postgres', '--', tool(name), ...args]) : run(tool(name), args));
  mkdirSync(root, { recursive: true });
  if (asRoot) chownSync(root, uid('-u'), uid('-g'));
  const data = join(root, 'data');
  if (!existsSync(join(data, 'PG_VERSION'))) await command('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C']);
  const port = await freePort();
  const options = `-c listen_addresses=127.0.0.1 -p ${port} -k ${data} -c shared_buffers=512MB -c max_wal_size=8GB -c checkpoint_timeout=30min`;
  await command('pg_ctl', ['-D', data, '-o', options, '-l', join(root, 'server.log'), '-t', '120', '-w', 'start']);
  const stopSync = () => spawnSync(asRoot ? 'runuser' : tool('pg_ctl'), [...(asRoot ? ['-u', 'postgres', '--', tool('pg_ctl')] : []), '-D', data, 'stop', '-m', 'fast']);
  process.once('exit', stopSync);
  return {
    url: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    async stop() {
      process.removeListener('exit', stopSync);
      await command('pg_ctl', ['-D', data, 'stop', '-m', 'fast', '-w']);
    },
  };
}

function uid(flag: '-u' | '-g'): number {
  const id = spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  if (id.status !== 0) throw new Error('bench: no postgres OS user (apt-get install postgresql-15 creates it)');
  return Number(id.stdout.trim());
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
