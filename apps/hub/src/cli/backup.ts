import { chmodSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { toHex } from '@fedow/ledger';
import { configFromEnv } from '../config';
import { HubError } from '../errors';
import { loadOrCreateHubKey } from '../identity/key-file';
import { parseDatabaseUrl } from '../storage/url';
import { type Io, print, UsageError } from './io';

export const BACKUP_USAGE = 'fedow backup FILE | fedow restore FILE [--force]  [--json]';

/**
 * `fedow backup FILE`: SQLite's online backup of the hub's database, taken while the
 * hub serves (pages copied under read locks, never a half-written file), with the
 * hub's key stored inside the copy: one file restores the whole hub. The file holds
 * a secret: it is written 0600 and must be kept like the key itself. PostgreSQL
 * deployments use pg_dump or continuous archiving (README, "Deploying a hub").
 */
export async function backupCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({ args, strict: true, allowPositionals: true, options: { json: { type: 'boolean', default: false } } });
  const file = oneFile(positionals, 'backup');
  const { path, keyPath } = sqliteTarget();
  if (!existsSync(path)) throw new HubError('not_found', `no hub database at ${path}: set FEDOW_DATA_DIR (or DATABASE_URL) to the hub’s data`);
  if (existsSync(file)) throw new HubError('conflict', `${file} exists: a backup never overwrites a file`);
  const key = loadOrCreateHubKey(keyPath);
  const partial = `${file}.partial`;
  const source = new Database(path, { readonly: true, fileMustExist: true });
  try {
    await source.backup(partial);
  } finally {
    source.close();
  }
  const copy = new Database(partial);
  try {
    copy.exec('CREATE TABLE fedow_backup (hub_key TEXT NOT NULL, taken_at TEXT NOT NULL)');
    copy.prepare('INSERT INTO fedow_backup (hub_key, taken_at) VALUES (?, ?)').run(toHex(key.secretKey), new Date().toISOString());
    const pages = copy.pragma('page_count', { simple: true }) as number;
    print(io, values.json, { file, database: path, pages }, () => [`backup of ${path} (hub ${key.publicKey.slice(0, 16)}…) written to ${file}; it holds the hub key: keep it as safe as the key`]);
  } finally {
    copy.close();
  }
  chmodSync(partial, 0o600);
  renameSync(partial, file);
  return 0;
}

/**
 * `fedow restore FILE`: the database and the key of a backup become the hub's
 * (FEDOW_DATA_DIR or DATABASE_URL), with the hub stopped. Refuses to replace an
 * existing database unless `--force`; the replaced one is kept beside it.
 */
export async function restoreCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({ args, strict: true, allowPositionals: true, options: { force: { type: 'boolean', default: false }, json: { type: 'boolean', default: false } } });
  const file = oneFile(positionals, 'restore');
  const { path, keyPath } = sqliteTarget();
  if (!existsSync(file)) throw new HubError('not_found', `no backup at ${file}`);
  if (existsSync(path) && !values.force) throw new HubError('conflict', `a hub database exists at ${path}: stop the hub, then restore with --force (the current one is kept as ${path}.before-restore)`);
  if (keyPath === null) throw new UsageError('restore needs a key file: set HUB_KEY_FILE or use a SQLite file database');
  mkdirSync(dirname(resolve(path)), { recursive: true });
  const staged = `${path}.restoring`;
  rmSync(staged, { force: true });
  const backup = new Database(file, { readonly: true, fileMustExist: true });
  let hubKey: string;
  try {
    const row = backup.prepare<[], { hub_key: string }>("SELECT hub_key FROM fedow_backup LIMIT 1").get();
    if (!row || !/^[0-9a-f]{64}$/.test(row.hub_key)) throw new HubError('bad_request', `${file} is not a fedow backup (no hub key inside)`);
    hubKey = row.hub_key;
    await backup.backup(staged);
  } catch (error) {
    if (error instanceof HubError) throw error;
    throw new HubError('bad_request', `${file} is not a fedow backup: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    backup.close();
  }
  const restored = new Database(staged);
  try {
    restored.exec('DROP TABLE fedow_backup');
  } finally {
    restored.close();
  }
  if (existsSync(path)) {
    for (const suffix of ['', '-wal', '-shm']) if (existsSync(`${path}${suffix}`)) renameSync(`${path}${suffix}`, `${path}.before-restore${suffix}`);
  }
  renameSync(staged, path);
  if (existsSync(keyPath)) renameSync(keyPath, `${keyPath}.before-restore`);
  writeFileSync(keyPath, `${hubKey}\n`, { mode: 0o600, flag: 'wx' });
  print(io, values.json, { database: path, key: keyPath }, () => [`restored ${file} into ${path} (key ${keyPath}); run fedow verify, then start the hub`]);
  return 0;
}

function oneFile(positionals: string[], command: string): string {
  if (positionals.length !== 1 || !positionals[0]) throw new UsageError(`fedow ${command} takes one FILE`);
  return positionals[0];
}

function sqliteTarget(): { path: string; keyPath: string | null } {
  const config = configFromEnv(process.env, { log: false });
  const target = parseDatabaseUrl(config.databaseUrl);
  if (target.dialect !== 'sqlite' || target.path === ':memory:') {
    throw new UsageError('backup and restore work on the SQLite file database; on PostgreSQL use pg_dump or continuous archiving (PITR), and keep the hub key file');
  }
  return { path: target.path, keyPath: config.keyPath };
}
