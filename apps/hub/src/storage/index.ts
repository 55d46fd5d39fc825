/** The storage room's public face: open a database, its types and value sets, and the repository as `repo`. */
export { openStorage, databaseUrlFromEnv, dataDirFromEnv } from './open';
export { DEFAULT_DATABASE_URL, parseDatabaseUrl, redactUrl } from './url';
export type { Dialect, Storage, SqliteStorage, PostgresStorage, Tx, Db, Tables } from './types';
export * from './schema-values';
export * as repo from './repo';
