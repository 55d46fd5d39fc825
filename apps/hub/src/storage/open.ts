import { openPostgres } from './open-postgres';
import { openSqlite } from './open-sqlite';
import type { Storage } from './types';
import { DEFAULT_DATABASE_URL, parseDatabaseUrl, redactUrl } from './url';

/**
 * Opens the hub's database and brings its schema up to date (the committed drizzle-kit
 * migrations of the dialect, applied in order; a no-op when already applied).
 */
export async function openStorage(url: string = DEFAULT_DATABASE_URL): Promise<Storage> {
  const target = parseDatabaseUrl(url);
  const label = redactUrl(url);
  return target.dialect === 'sqlite' ? openSqlite(target.path, label) : openPostgres(target.url, label);
}

/** DATABASE_URL from an environment, or the embedded default. */
export function databaseUrlFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  const url = env.DATABASE_URL?.trim();
  return url === undefined || url === '' ? DEFAULT_DATABASE_URL : url;
}
