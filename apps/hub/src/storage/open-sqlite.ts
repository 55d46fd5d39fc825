/** Opens SQLite storage: one writer connection, read connections, pragmas, migrations, the checkpointer. */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { SQL } from 'drizzle-orm';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { Checkpointer } from './checkpointer';
import { TransactionGuard } from './guard';
import { migrationsFolder } from './migrations';
import { Mutex } from './mutex';
import { cachingClient } from './statement-cache';
import * as sqliteSchema from './schema-sqlite';
import type { Db, SqliteStorage, Tables, Tx } from './types';

/** How long a statement waits for another process's write lock before SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5_000;

export interface SqliteOptions {
  /**
   * Checkpoints the WAL on a thread of its own (the default). The simulation runs
   * without it: the thread costs more to start and stop than a whole schedule's
   * work, and its timing is the machine's, not the seed's. The writer then
   * checkpoints as SQLite does by default; what is committed is the same.
   */
  checkpointThread: boolean;
}

/** What every transaction's commit waits for, unless it says otherwise (TransactionOptions). */
const SYNCHRONOUS = 'FULL';

export async function openSqlite(path: string, label: string, options: SqliteOptions = { checkpointThread: true }): Promise<SqliteStorage> {
  const memory = path === ':memory:';
  if (!memory) mkdirSync(dirname(resolve(path)), { recursive: true });
  const sqlite = new Database(path);
  try {
    sqlite.pragma('journal_mode = WAL');
    // synchronous=FULL: an ack tells a till it may forget an entry, and a receipt tells
    // a customer they paid, so a commit must survive a power cut, not only a crash.
    // WAL+FULL costs one fsync per commit (~4.9k commits/s measured here against ~18k
    // for NORMAL); ingest commits once per batch of up to 500 entries, so it is not the
    // bottleneck (signature verification is).
    sqlite.pragma(`synchronous = ${SYNCHRONOUS}`);
    sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    sqlite.pragma('foreign_keys = ON');
    // The WAL file is cut back to this size when it restarts, after a burst grew it.
    sqlite.pragma('journal_size_limit = 67108864');
    // A statement that writes many rows (100 transfers at once) keeps the pages it
    // changes in a statement journal, and a savepoint in a sub-journal; beyond 64 KiB
    // either went to a temporary file, created, written and deleted by system calls,
    // statement after statement: 18 → 8 µs of kernel time an ingested entry
    // (PERFORMANCE.md). In memory they cost a copy of each page. Sorts of this
    // connection (a GROUP BY inside a write transaction) keep their temporary data
    // in memory too; the read connections keep temporary files.
    sqlite.pragma('temp_store = MEMORY');
    const db = drizzle({ client: cachingClient(sqlite) });
    migrate(db, { migrationsFolder: migrationsFolder('sqlite') });
    // A second, read-only connection: reads from other tasks must not see (or be
    // rolled back with) the writes of a transaction that is awaiting between two
    // statements. WAL lets it read the last committed state without blocking. An
    // in-memory database cannot be opened twice, so it shares the one connection.
    const reader = memory ? sqlite : new Database(path, { readonly: true, fileMustExist: true });
    if (!memory) reader.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    const checkpointer = memory || !options.checkpointThread ? null : new Checkpointer(resolve(path), sqlite);
    return sqliteStorage(sqlite, reader, db, label, checkpointer);
  } catch (error) {
    sqlite.close();
    throw error;
  }
}

function sqliteStorage(
  sqlite: Database.Database,
  reader: Database.Database,
  db: BetterSQLite3Database,
  label: string,
  checkpointer: Checkpointer | null,
): SqliteStorage {
  const writeTx = sqliteTx(db, sqlite, true);
  const read = reader === sqlite ? sqliteTx(db, sqlite, false) : sqliteTx(drizzle({ client: cachingClient(reader) }), reader, false);
  const mutex = new Mutex();
  const guard = new TransactionGuard();
  let closed = false;
  return {
    dialect: 'sqlite',
    label,
    db,
    sqlite,
    read,
    readSeesUncommitted: reader === sqlite,
    transaction: (fn, options) =>
      guard.run(() =>
        mutex.run(async () => {
          if (closed) throw new Error('storage is closed');
          // Between transactions only: the next one (an ingest round) is FULL again.
          const lazy = options?.durable === false;
          if (lazy) sqlite.pragma('synchronous = NORMAL');
          try {
            // IMMEDIATE takes the write lock now, so the transaction cannot fail later
            // with SQLITE_BUSY when its first write meets another process's.
            sqlite.exec('BEGIN IMMEDIATE');
            try {
              const result = await fn(writeTx);
              sqlite.exec('COMMIT');
              return result;
            } catch (error) {
              if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
              throw error;
            }
          } finally {
            if (lazy) sqlite.pragma(`synchronous = ${SYNCHRONOUS}`);
          }
        }),
      ),
    close: () =>
      mutex.run(async () => {
        if (closed) return;
        closed = true;
        await checkpointer?.stop();
        if (reader !== sqlite) reader.close();
        sqlite.close();
      }),
  };
}

function sqliteTx(db: BetterSQLite3Database, connection: Database.Database, inTransaction: boolean): Tx {
  return {
    dialect: 'sqlite',
    sqlite: connection,
    // Typed as the PostgreSQL instance on purpose: see `Db` in types.ts for why this
    // is sound for the dialect-neutral subset the repository uses.
    db: db as unknown as Db,
    t: sqliteSchema as unknown as Tables,
    inTransaction,
    run: async (query: SQL) => {
      db.run(query);
    },
    all: async <Row extends Record<string, unknown>>(query: SQL) => db.all<Row>(query),
  };
}
