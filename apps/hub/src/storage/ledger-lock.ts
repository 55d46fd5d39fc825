/** The one lock that serialises every decision against balances, whichever process takes it. */
import { sql } from 'drizzle-orm';
import type { Tx } from './types';

/** The advisory lock every ledger write takes on PostgreSQL (kept at ingest's historic value). */
export const PG_LOCK_LEDGER = 0x4645_0001;

/**
 * Serialises the transactions that decide against balances — till pushes and
 * requests alike — so two of them never both read a balance before the other's
 * debit. On SQLite, `BEGIN IMMEDIATE` already gives one writer at a time; on
 * PostgreSQL, several hub processes share this lock until their commit.
 */
export async function lockLedger(tx: Tx): Promise<void> {
  if (tx.dialect === 'postgres') await tx.run(sql`SELECT pg_advisory_xact_lock(${PG_LOCK_LEDGER})`);
}
