/** The quarantine: entries refused before the ledger saw them (bad hash or signature), kept within bounds per till. */
import { asc, desc, eq } from 'drizzle-orm';
import { assert, chunks, inList } from './batch';
import type { NewQuarantinedEntry, QuarantinedEntry } from './rows';
import type { Tx } from './types';

async function insertQuarantine(tx: Tx, rows: readonly NewQuarantinedEntry[]): Promise<void> {
  const { quarantine } = tx.t;
  for (const chunk of chunks(rows, 9)) await tx.db.insert(quarantine).values(chunk);
}

export interface QuarantineBounds {
  /** The till's quarantined entries before these rows (terminals.quarantined_count). */
  countBefore: number;
  firstKept: number;
  latestKept: number;
}

/**
 * Quarantines one till's refused entries within its bounds: the first
 * `firstKept` it ever sent and the latest `latestKept` are stored, the ones
 * between are only counted (terminals.quarantined_count). Returns the new count.
 */
export async function quarantineBounded(tx: Tx, terminalId: string, rows: readonly NewQuarantinedEntry[], bounds: QuarantineBounds): Promise<number> {
  assert(rows.every((row) => row.terminalId === terminalId), 'quarantined rows of one till');
  if (rows.length === 0) return bounds.countBefore;
  const { quarantine, terminals } = tx.t;
  // Rows that can still be among the first, then the latest of this push.
  const firstRoom = Math.max(0, bounds.firstKept - bounds.countBefore);
  const kept = [...rows.slice(0, firstRoom), ...rows.slice(firstRoom).slice(-bounds.latestKept)];
  await insertQuarantine(tx, kept);
  if (bounds.countBefore + rows.length > bounds.firstKept) {
    // Stored rows of this till past the first ones, oldest first: only the latest stay.
    const later = await tx.db
      .select({ id: quarantine.id })
      .from(quarantine)
      .where(eq(quarantine.terminalId, terminalId))
      .orderBy(asc(quarantine.id))
      .limit(bounds.firstKept + bounds.latestKept + kept.length)
      .offset(bounds.firstKept);
    const dropped = later.slice(0, Math.max(0, later.length - bounds.latestKept)).map((row) => row.id);
    if (dropped.length > 0) await tx.db.delete(quarantine).where(inList(tx, quarantine.id, dropped));
  }
  const count = bounds.countBefore + rows.length;
  await tx.db.update(terminals).set({ quarantinedCount: count }).where(eq(terminals.id, terminalId));
  return count;
}

export async function listQuarantine(tx: Tx, terminalId: string, limit: number): Promise<QuarantinedEntry[]> {
  const { quarantine } = tx.t;
  return tx.db
    .select()
    .from(quarantine)
    .where(eq(quarantine.terminalId, terminalId))
    .orderBy(asc(quarantine.id))
    .limit(limit);
}

/** The most recent quarantined entries (bad hash or signature), all tills. */
export async function listRecentQuarantine(tx: Tx, limit: number): Promise<QuarantinedEntry[]> {
  const { quarantine } = tx.t;
  return tx.db.select().from(quarantine).orderBy(desc(quarantine.id)).limit(limit);
}
