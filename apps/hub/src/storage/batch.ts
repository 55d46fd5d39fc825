/** Statement-size helpers every repository module shares: chunking under the parameter limits, one-parameter IN lists, assertions, the commit-order lock. */
import type { Tx } from './types';
import { PG_LOCK_COMMIT_ORDER } from './open-postgres';
import { sql, type Column, type SQL } from 'drizzle-orm';

/**
 * Bound parameters per statement we allow ourselves: under SQLite's 32,766 and
 * PostgreSQL's 65,535, so a batch of any size becomes a few multi-row statements.
 */
const PARAMETERS_MAX = 30_000;

/** Split rows into chunks whose statements stay under the parameter limit. */
export function chunks<T>(rows: readonly T[], parametersPerRow: number): T[][] {
  assert(parametersPerRow > 0, 'parametersPerRow must be positive');
  const size = Math.max(1, Math.floor(PARAMETERS_MAX / parametersPerRow));
  const result: T[][] = [];
  for (let start = 0; start < rows.length; start += size) result.push(rows.slice(start, start + size));
  return result;
}

/**
 * `column IN (values)` with the values as ONE bound parameter, however many:
 * a JSON array read by json_each on SQLite, an array for `= ANY` on
 * PostgreSQL. With a parameter per value, building and preparing the statement
 * cost more than running it (ingest reads a few hundred cards per push), and
 * one parameter never meets the parameter limits, so no chunking is needed.
 * `values` must be non-empty and of the column's type.
 */
export function inList(tx: Tx, column: Column, values: readonly (string | number)[]): SQL {
  assert(values.length > 0, 'inList needs at least one value');
  if (tx.dialect === 'sqlite') return sql`${column} IN (SELECT value FROM json_each(${JSON.stringify(values)}))`;
  return sql`${column} = ANY(${sql.param(values)})`;
}

export function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`storage invariant broken: ${message}`);
}

const lockedTransactions = new WeakSet<Tx>();

/**
 * Makes sequence numbers (transfers.seq, card_changes.seq) follow commit order.
 * SQLite has one writer at a time (BEGIN IMMEDIATE), so it already does. PostgreSQL
 * hands out sequence values at insert time: a transaction could take seq 7 and commit
 * after another took 8, and a reader of "seq > 6" (the sealer, a till's update cursor)
 * would skip 7 for ever. A transaction-scoped advisory lock taken before the first
 * insert serialises those transactions up to their commit. A rolled-back transaction
 * still leaves a gap in a PostgreSQL sequence: seqs increase in commit order, but
 * readers must not expect them to be contiguous.
 */
export async function lockCommitOrder(tx: Tx): Promise<void> {
  assert(tx.inTransaction, 'sequenced inserts must run inside storage.transaction()');
  if (tx.dialect !== 'postgres' || lockedTransactions.has(tx)) return;
  await tx.run(sql`SELECT pg_advisory_xact_lock(${PG_LOCK_COMMIT_ORDER})`);
  lockedTransactions.add(tx);
}
