/** Opens PostgreSQL storage: the connection pool, migrations under a lock, transactions. */
import { sql, type SQL } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { TransactionGuard } from './guard';
import { migrationsFolder } from './migrations';
import * as pgSchema from './schema-pg';
import type { Db, PostgresStorage, Tx } from './types';

/** Advisory lock keys of the hub (any two distinct 64-bit numbers; "fedow" in ASCII + n). */
export const PG_LOCK_MIGRATE = 0x6665646f7701;
export const PG_LOCK_COMMIT_ORDER = 0x6665646f7702;

/** Connections per hub process: ingest, sealer, admin API and pushes at once. */
const POOL_CONNECTIONS_MAX = 10;

export async function openPostgres(url: string, label: string): Promise<PostgresStorage> {
  const pool = new pg.Pool({ connectionString: url, max: POOL_CONNECTIONS_MAX });
  // An idle pooled connection that dies (server restart) must not crash the process;
  // the next query gets a fresh connection or a clear error.
  pool.on('error', () => undefined);
  try {
    await migrateLocked(pool);
  } catch (error) {
    await pool.end();
    throw error;
  }
  const db = drizzle({ client: pool });
  const guard = new TransactionGuard();
  let closed = false;
  return {
    dialect: 'postgres',
    label,
    db,
    pool,
    read: pgTx(db, false),
    readSeesUncommitted: false,
    transaction: (fn, options) =>
      guard.run(() =>
        db.transaction(async (tx) => {
          // SET LOCAL ends with the transaction: the connection goes back to the pool as it came.
          if (options?.durable === false) await tx.execute(sql`SET LOCAL synchronous_commit = off`);
          return fn(pgTx(tx, true));
        }),
      ),
    close: async () => {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}

/** Several hub processes may start together on one database: one migrates at a time. */
async function migrateLocked(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [PG_LOCK_MIGRATE]);
    try {
      await migrate(drizzle({ client }), { migrationsFolder: migrationsFolder('postgres') });
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [PG_LOCK_MIGRATE]);
    }
  } finally {
    client.release();
  }
}

function pgTx(db: Db, inTransaction: boolean): Tx {
  return {
    dialect: 'postgres',
    db,
    t: pgSchema,
    inTransaction,
    sqlite: null,
    run: async (query: SQL) => {
      await db.execute(query);
    },
    // The caller names the columns its query selects; the driver cannot check that.
    all: async <Row extends Record<string, unknown>>(query: SQL) => (await db.execute(query)).rows as Row[],
  };
}
