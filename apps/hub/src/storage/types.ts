/** The storage's contract: `Storage`, `Tx` and the typed drizzle instance both dialects answer to. */
import type { SQL } from 'drizzle-orm';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import type { NodePgDatabase, NodePgQueryResultHKT } from 'drizzle-orm/node-postgres';
import type { PgDatabase } from 'drizzle-orm/pg-core';
import type BetterSqlite3 from 'better-sqlite3';
import type pg from 'pg';
import type * as pgSchema from './schema-pg';

export type Dialect = 'sqlite' | 'postgres';

/** The tables, as the repository sees them (see `Db`). */
export type Tables = typeof pgSchema;

/**
 * The drizzle instance the repository writes its queries against, typed as the
 * PostgreSQL one. On SQLite the object behind it is the better-sqlite3 drizzle
 * instance with the SQLite tables. That is sound for what the repository uses — the
 * query builder subset both dialects share (select/insert/update/delete, joins,
 * onConflictDoNothing/onConflictDoUpdate, returning, `sql` templates with column
 * references): `storage-schema.test.ts` proves the two schemas infer identical row
 * types, and every repository function is tested on both dialects. Never call a
 * dialect-specific method on it (`execute`, `.for('update')`, …): use `Tx.run`/`Tx.all`.
 */
export type Db = PgDatabase<NodePgQueryResultHKT>;

/** A handle the repository functions take: inside a transaction, or the read handle. */
export interface Tx {
  readonly dialect: Dialect;
  readonly db: Db;
  readonly t: Tables;
  /** True inside `Storage.transaction`; writes that need ordering assert it. */
  readonly inTransaction: boolean;
  /**
   * The better-sqlite3 connection behind this handle on SQLite, null on
   * PostgreSQL: for the few hot writes that keep cached prepared statements.
   */
  readonly sqlite: BetterSqlite3.Database | null;
  /** Run a raw statement (write it in SQL both dialects accept, or branch on `dialect`). */
  run(query: SQL): Promise<void>;
  /** Rows of a raw query, as the driver returns them (PostgreSQL bigint comes back as text). */
  all<Row extends Record<string, unknown>>(query: SQL): Promise<Row[]>;
}

export interface TransactionOptions {
  /**
   * `false`: the commit does not wait for the disk (SQLite's WAL: synchronous=NORMAL
   * for this transaction; PostgreSQL: synchronous_commit off). A power cut may then
   * lose the transaction whole, never a part of it, and a process crash loses
   * nothing; the next durable commit takes it to disk with its own. Only for
   * bookkeeping whose loss repeats work and moves nothing: the webhook deliverer's
   * record of an attempt (a lost "delivered" sends that message again, under the
   * same webhook-id). Default `true`.
   */
  durable?: boolean;
}

interface StorageCommon {
  /** The database URL without its password, for logs. */
  readonly label: string;
  /**
   * Autocommit handle for reads outside a transaction. Write only inside
   * `transaction()`: on a SQLite file this is a second, read-only connection, so a
   * read never sees another task's uncommitted writes.
   */
  readonly read: Tx;
  /**
   * True when `read` is the writer's own connection (an in-memory SQLite
   * database cannot be opened twice): it may then see writes not yet committed.
   */
  readonly readSeesUncommitted: boolean;
  /**
   * One database transaction: commits when `fn` resolves, rolls back when it throws.
   * Transactions of one Storage run one at a time on SQLite (one connection, BEGIN
   * IMMEDIATE); on PostgreSQL each takes a pooled connection. Nesting is a bug: pass
   * `tx` down instead.
   */
  transaction<T>(fn: (tx: Tx) => Promise<T>, options?: TransactionOptions): Promise<T>;
  close(): Promise<void>;
}

export interface SqliteStorage extends StorageCommon {
  readonly dialect: 'sqlite';
  readonly db: BetterSQLite3Database;
  readonly sqlite: BetterSqlite3.Database;
}

export interface PostgresStorage extends StorageCommon {
  readonly dialect: 'postgres';
  readonly db: NodePgDatabase;
  readonly pool: pg.Pool;
}

export type Storage = SqliteStorage | PostgresStorage;
