/** Opens SQLite storage: one writer connection, read connections, pragmas, migrations, the checkpointer and the WAL's flusher. */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { SQL } from 'drizzle-orm';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { Checkpointer } from './checkpointer';
import { TransactionGuard } from './guard';
import { type SyncFile, WalFlusher } from './wal-flusher';
import { migrationsFolder } from './migrations';
import { Mutex } from './mutex';
import { cachingClient } from './statement-cache';
import * as sqliteSchema from './schema-sqlite';
import type { Db, SqliteStorage, Tables, Tx } from './types';

/** How long a statement waits for another process's write lock before SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5_000;

export interface SqliteOptions {
  /**
   * The WAL's disk work off the event loop (the default): checkpoints on a thread
   * of their own, and each commit's sync on libuv's thread pool (WalFlusher). The
   * simulation runs without them: the thread costs more to start and stop than a
   * whole schedule's work, and their timing is the machine's, not the seed's. The
   * writer then checkpoints as SQLite does by default and syncs inside COMMIT
   * (`synchronous = FULL`); what is committed, and when it is on disk, is the same.
   */
  ioThreads: boolean;
  /** How the WAL file is synced with `ioThreads` (default fdatasync); tests hold and count the syncs. */
  syncWal?: SyncFile;
}

export async function openSqlite(path: string, label: string, options: SqliteOptions = { ioThreads: true }): Promise<SqliteStorage> {
  const memory = path === ':memory:';
  if (!memory) mkdirSync(dirname(resolve(path)), { recursive: true });
  const sqlite = new Database(path);
  let flusher: WalFlusher | null = null;
  try {
    sqlite.pragma('journal_mode = WAL');
    // An ack tells a till it may forget an entry, and a receipt tells a customer they
    // paid, so a transaction ends once its commit would survive a power cut, not only
    // a crash: SQLite syncs the WAL inside each COMMIT (FULL), or the WalFlusher
    // syncs it after (NORMAL); sqliteStorage sets which once it knows.
    sqlite.pragma('synchronous = FULL');
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
    // The WAL exists by now: the migrations' read of their own table opened it.
    flusher = memory || !options.ioThreads ? null : new WalFlusher(`${resolve(path)}-wal`, options.syncWal);
    // A second, read-only connection: reads from other tasks must not see (or be
    // rolled back with) the writes of a transaction that is awaiting between two
    // statements. WAL lets it read the last committed state without blocking. An
    // in-memory database cannot be opened twice, so it shares the one connection.
    const reader = memory ? sqlite : new Database(path, { readonly: true, fileMustExist: true });
    if (!memory) reader.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    const checkpointer = memory || !options.ioThreads ? null : new Checkpointer(resolve(path), sqlite);
    return sqliteStorage(sqlite, reader, db, label, checkpointer, flusher);
  } catch (error) {
    await flusher?.close().catch(() => undefined);
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
  flusher: WalFlusher | null,
): SqliteStorage {
  // With a flusher, no COMMIT waits for the disk on the event loop; without one, every durable one does.
  const committed = flusher ? 'NORMAL' : 'FULL';
  sqlite.pragma(`synchronous = ${committed}`);
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
    transaction: async (fn, options) => {
      const durable = options?.durable !== false;
      const result = await guard.run(() =>
        mutex.run(async () => {
          if (closed) throw new Error('storage is closed');
          // Between transactions only: the next one (an ingest round) waits for the disk again.
          const lazy = !durable && committed === 'FULL';
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
            if (lazy) sqlite.pragma(`synchronous = ${committed}`);
          }
        }),
      );
      // Outside the lock: the next transaction may run while this one's commit goes to disk.
      if (durable && flusher) await flusher.flush();
      return result;
    },
    close: () =>
      mutex.run(async () => {
        if (closed) return;
        closed = true;
        await checkpointer?.stop();
        try {
          await flusher?.close();
        } finally {
          // A last sync that failed is reported to the caller; the connections close all the same.
          if (reader !== sqlite) reader.close();
          sqlite.close();
        }
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
