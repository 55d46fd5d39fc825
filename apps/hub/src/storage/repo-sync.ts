/** Terminals, pairing codes, entries and the quarantine: the sync side of the hub. */
import { and, asc, eq, gt, isNull, sql } from 'drizzle-orm';
import { assert, chunks, inList } from './batch';
import type { Entry, NewEntry, NewPairingCode, NewQuarantinedEntry, NewTerminal, PairingCode, QuarantinedEntry, Terminal } from './rows';
import type { TerminalStatus } from './schema-values';
import type { Tx } from './types';

export async function insertTerminal(tx: Tx, row: NewTerminal): Promise<void> {
  await tx.db.insert(tx.t.terminals).values(row);
}

export async function getTerminal(tx: Tx, id: string): Promise<Terminal | undefined> {
  const { terminals } = tx.t;
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

/**
 * Moves a terminal's head (compare-and-set on lastSeq). Returns false, and changes
 * nothing, when another writer moved it first: the caller's transaction must then roll
 * back, because what it verified against is stale.
 */
export async function updateTerminalHead(tx: Tx, move: TerminalHeadMove): Promise<boolean> {
  assert(move.lastSeq >= move.fromSeq, 'a terminal head never moves back');
  const { terminals } = tx.t;
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

export async function touchTerminal(tx: Tx, id: string, lastSeenAt: string): Promise<void> {
  const { terminals } = tx.t;
  await tx.db.update(terminals).set({ lastSeenAt }).where(eq(terminals.id, id));
}

/** JSON text of a partial OfflinePolicy, or null to follow the place's. */
export async function setTerminalPolicyOverrides(tx: Tx, id: string, policyOverrides: string | null): Promise<void> {
  const { terminals } = tx.t;
  await tx.db.update(terminals).set({ policyOverrides }).where(eq(terminals.id, id));
}

export async function insertPairingCode(tx: Tx, row: NewPairingCode): Promise<void> {
  await tx.db.insert(tx.t.pairingCodes).values(row);
}

export type PairingClaim =
  | { status: 'claimed'; code: PairingCode }
  | { status: 'unknown' }
  | { status: 'expired'; code: PairingCode }
  | { status: 'used'; code: PairingCode };

/**
 * Uses a pairing code once: atomically marks it used if it is unused and not expired
 * at `now`. SYNC.md: unknown → 404, expired or used → 410.
 */
export async function claimPairingCode(tx: Tx, codeHash: string, now: string): Promise<PairingClaim> {
  const { pairingCodes } = tx.t;
  const [claimed] = await tx.db
    .update(pairingCodes)
    .set({ usedAt: now })
    .where(and(eq(pairingCodes.codeHash, codeHash), isNull(pairingCodes.usedAt), gt(pairingCodes.expiresAt, now)))
    .returning();
  if (claimed) return { status: 'claimed', code: claimed };
  const [code] = await tx.db.select().from(pairingCodes).where(eq(pairingCodes.codeHash, codeHash));
  if (!code) return { status: 'unknown' };
  return code.usedAt === null ? { status: 'expired', code } : { status: 'used', code };
}

/** Records which terminal a claimed code created. */
export async function setPairingTerminal(tx: Tx, codeHash: string, terminalId: string): Promise<void> {
  const { pairingCodes } = tx.t;
  await tx.db.update(pairingCodes).set({ terminalId }).where(eq(pairingCodes.codeHash, codeHash));
}

const ENTRY_COLUMNS = 10;

/**
 * Stores entries, skipping (not failing on) any whose id or (terminal, seq) is already
 * stored. Returns the ids inserted and the rows skipped, in input order.
 */
export async function insertEntries(
  tx: Tx,
  rows: readonly NewEntry[],
): Promise<{ inserted: string[]; skipped: NewEntry[] }> {
  const { entries } = tx.t;
  const insertedIds = new Set<string>();
  for (const chunk of chunks(rows, ENTRY_COLUMNS)) {
    const inserted = await tx.db.insert(entries).values(chunk).onConflictDoNothing().returning({ id: entries.id });
    for (const row of inserted) insertedIds.add(row.id);
  }
  return {
    inserted: rows.filter((row) => insertedIds.has(row.id)).map((row) => row.id),
    skipped: rows.filter((row) => !insertedIds.has(row.id)),
  };
}

export async function getEntriesByIds(tx: Tx, ids: readonly string[]): Promise<Entry[]> {
  const { entries } = tx.t;
  if (ids.length === 0) return [];
  return tx.db.select().from(entries).where(inList(tx, entries.id, [...new Set(ids)]));
}

/**
 * The till and seq of the stored entry under each of these keys (`entries.id`),
 * for those stored: ingest tells an id reused by the same till (a fork) from one
 * another till holds (`duplicate_id`).
 */
export async function getEntryHolders(tx: Tx, ids: readonly string[]): Promise<Map<string, { terminal: string; seq: number }>> {
  const { entries } = tx.t;
  if (ids.length === 0) return new Map();
  const rows = await tx.db.select({ id: entries.id, terminal: entries.terminalId, seq: entries.seq }).from(entries).where(inList(tx, entries.id, [...new Set(ids)]));
  return new Map(rows.map((row) => [row.id, { terminal: row.terminal, seq: row.seq }]));
}

export async function getEntriesBySeq(tx: Tx, terminalId: string, seqs: readonly number[]): Promise<Entry[]> {
  const { entries } = tx.t;
  if (seqs.length === 0) return [];
  return tx.db
    .select()
    .from(entries)
    .where(and(eq(entries.terminalId, terminalId), inList(tx, entries.seq, [...new Set(seqs)])))
    .orderBy(asc(entries.seq));
}

/** A terminal's entries with seq > afterSeq, in seq order. */
export async function listEntries(tx: Tx, terminalId: string, afterSeq: number, limit: number): Promise<Entry[]> {
  const { entries } = tx.t;
  return tx.db
    .select()
    .from(entries)
    .where(and(eq(entries.terminalId, terminalId), gt(entries.seq, afterSeq)))
    .orderBy(asc(entries.seq))
    .limit(limit);
}

export async function insertQuarantine(tx: Tx, rows: readonly NewQuarantinedEntry[]): Promise<void> {
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
