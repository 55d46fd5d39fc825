import Database from 'better-sqlite3';
import type { SQL } from 'drizzle-orm';
import { drizzle as drizzleSqlite } from 'drizzle-orm/better-sqlite3';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import * as pgSchema from '../storage/schema-pg';
import * as sqliteSchema from '../storage/schema-sqlite';
import type { Db, Storage, Tables, Tx } from '../storage/types';

/** A read-only view of the database frozen at one instant, and how to let it go. */
export interface Snapshot {
  tx: Tx;
  release(): Promise<void>;
}

const BUSY_TIMEOUT_MS = 5_000;

/**
 * `fedow verify` reads blocks, transfers, balances and entries in many pages while
 * the hub keeps ingesting and sealing. Read through the autocommit handle, a
 * transfer sealed between two pages, or a balance moved after the transfers were
 * read, would look like tampering. So verify reads one snapshot: a read
 * transaction on its own connection (SQLite WAL: a reader sees the commit it
 * started at without blocking the writer; PostgreSQL: REPEATABLE READ READ ONLY).
 * An in-memory SQLite database cannot be opened twice; it has no other writer
 * than this process, and we read it through `storage.read`.
 */
export async function openSnapshot(storage: Storage): Promise<Snapshot> {
  if (storage.dialect === 'postgres') {
    const client = await storage.pool.connect();
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    } catch (error) {
      client.release(error instanceof Error ? error : true);
      throw error;
    }
    const db = drizzlePg({ client });
    const tx: Tx = {
      dialect: 'postgres',
      db,
      t: pgSchema,
      inTransaction: false,
      sqlite: null,
      run: async (query: SQL) => {
        await db.execute(query);
      },
      // The caller names the columns its query selects; the driver cannot check that.
      all: async <Row extends Record<string, unknown>>(query: SQL) => (await db.execute(query)).rows as Row[],
    };
    return {
      tx,
      release: async () => {
        try {
          await client.query('COMMIT');
          client.release();
        } catch (error) {
          client.release(error instanceof Error ? error : true);
        }
      },
    };
  }
  if (storage.sqlite.memory) return { tx: storage.read, release: async () => undefined };
  const connection = new Database(storage.sqlite.name, { readonly: true, fileMustExist: true });
  connection.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  const db = drizzleSqlite({ client: connection });
  connection.exec('BEGIN');
  // A deferred transaction takes its snapshot at its first read: take it now.
  connection.prepare('SELECT count(*) FROM hub_identity').get();
  const tx: Tx = {
    dialect: 'sqlite',
    // Typed as the PostgreSQL instance on purpose, as open-sqlite.ts does: see `Db` in storage/types.ts.
    db: db as unknown as Db,
    t: sqliteSchema as unknown as Tables,
    inTransaction: false,
    sqlite: connection,
    run: async (query: SQL) => {
      db.run(query);
    },
    all: async <Row extends Record<string, unknown>>(query: SQL) => db.all<Row>(query),
  };
  return {
    tx,
    release: async () => {
      if (connection.inTransaction) connection.exec('COMMIT');
      connection.close();
    },
  };
}
