/** Terminals (tills): their keys, status, policy overrides and the head of their chain of entries. */
import { and, asc, eq, sql } from 'drizzle-orm';
import { assert } from './batch';
import { selectRows } from './fast-select';
import { prepared } from './prepared';
import type { NewTerminal, Terminal } from './rows';
import type { TerminalStatus } from './schema-values';
import type { Tx } from './types';

export async function insertTerminal(tx: Tx, row: NewTerminal): Promise<void> {
  await tx.db.insert(tx.t.terminals).values(row);
}

export async function getTerminal(tx: Tx, id: string): Promise<Terminal | undefined> {
  const { terminals } = tx.t;
  // Read by every turn of the ingest.
  if (tx.sqlite) return selectRows(tx.sqlite, terminals, 'where "id" = ?', [id])[0];
  const [row] = await tx.db.select().from(terminals).where(eq(terminals.id, id));
  return row;
}

export async function getTerminalByPublicKey(tx: Tx, publicKey: string): Promise<Terminal | undefined> {
  const { terminals } = tx.t;
  const [row] = await tx.db.select().from(terminals).where(eq(terminals.publicKey, publicKey));
  return row;
}

/** All terminals, or those of one place, by name. */
export async function listTerminals(tx: Tx, placeId?: string): Promise<Terminal[]> {
  const { terminals } = tx.t;
  const query = tx.db.select().from(terminals);
  const filtered = placeId === undefined ? query : query.where(eq(terminals.placeId, placeId));
  return filtered.orderBy(asc(terminals.name), asc(terminals.id));
}

export interface TerminalHeadMove {
  id: string;
  /** The lastSeq this ingest batch started from: the head moves only if it is still there. */
  fromSeq: number;
  lastSeq: number;
  lastHash: string;
  lastSeenAt: string;
  /** Entries of the batch rejected by a rule (they advance the chain, SYNC.md rule 5). */
  rejected: number;
}

const MOVE_HEAD = `UPDATE terminals SET last_seq = ?, last_hash = ?, last_seen_at = ?, rejected_count = rejected_count + ?
  WHERE id = ? AND last_seq = ?`;

/**
 * Moves a terminal's head (compare-and-set on lastSeq). Returns false, and changes
 * nothing, when another writer moved it first: the caller's transaction must then roll
 * back, because what it verified against is stale.
 */
export async function updateTerminalHead(tx: Tx, move: TerminalHeadMove): Promise<boolean> {
  assert(move.lastSeq >= move.fromSeq, 'a terminal head never moves back');
  const { terminals } = tx.t;
  // Written by every turn of the ingest: a cached statement costs less than building one.
  if (tx.sqlite) {
    const statement = prepared<[number, string, string, number, string, number]>(tx.sqlite, MOVE_HEAD);
    return statement.run(move.lastSeq, move.lastHash, move.lastSeenAt, move.rejected, move.id, move.fromSeq).changes === 1;
  }
  const updated = await tx.db
    .update(terminals)
    .set({
      lastSeq: move.lastSeq,
      lastHash: move.lastHash,
      lastSeenAt: move.lastSeenAt,
      rejectedCount: sql`${terminals.rejectedCount} + ${move.rejected}`,
    })
    .where(and(eq(terminals.id, move.id), eq(terminals.lastSeq, move.fromSeq)))
    .returning({ id: terminals.id });
  return updated.length === 1;
}

export async function setTerminalStatus(tx: Tx, id: string, status: TerminalStatus): Promise<boolean> {
  const { terminals } = tx.t;
  const updated = await tx.db.update(terminals).set({ status }).where(eq(terminals.id, id)).returning({ id: terminals.id });
  return updated.length === 1;
}

/** JSON text of a partial OfflinePolicy, or null to follow the place's. */
export async function setTerminalPolicyOverrides(tx: Tx, id: string, policyOverrides: string | null): Promise<void> {
  const { terminals } = tx.t;
  await tx.db.update(terminals).set({ policyOverrides }).where(eq(terminals.id, id));
}
