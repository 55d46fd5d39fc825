/** The storage's entry: picks the dialect from the database URL, and where the URL comes from. */
import { join } from 'node:path';
import { openPostgres } from './open-postgres';
import { openSqlite, type SqliteOptions } from './open-sqlite';
import type { Storage } from './types';
import { DEFAULT_DATABASE_URL, parseDatabaseUrl, redactUrl } from './url';

/**
 * Opens the hub's database and brings its schema up to date (the committed drizzle-kit
 * migrations of the dialect, applied in order; a no-op when already applied).
 */
export async function openStorage(url: string = DEFAULT_DATABASE_URL, options: SqliteOptions = { ioThreads: true }): Promise<Storage> {
  const target = parseDatabaseUrl(url);
  const label = redactUrl(url);
  return target.dialect === 'sqlite' ? openSqlite(target.path, label, options) : openPostgres(target.url, label);
}

/** DATABASE_URL from an environment, else `fedow.sqlite` in FEDOW_DATA_DIR, else the embedded default. */
export function databaseUrlFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  const url = env.DATABASE_URL?.trim();
  if (url !== undefined && url !== '') return url;
  const dataDir = dataDirFromEnv(env);
  return dataDir === null ? DEFAULT_DATABASE_URL : `sqlite:${join(dataDir, 'fedow.sqlite')}`;
}

/** FEDOW_DATA_DIR: the one folder of a hub's data (database, key, the demo's tills); null when unset. */
export function dataDirFromEnv(env: NodeJS.ProcessEnv = process.env): string | null {
  const dir = env.FEDOW_DATA_DIR?.trim();
  return dir === undefined || dir === '' ? null : dir;
}
