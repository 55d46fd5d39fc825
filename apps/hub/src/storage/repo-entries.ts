/** Entries: what tills signed and pushed, applied or rejected, in each till's chain order. */
import { and, asc, desc, eq, gt, sql } from 'drizzle-orm';
import { chunks, inList } from './batch';
import { jsonList, selectRows, selectValues } from './fast-select';
import type { Entry, NewEntry } from './rows';
import type { Tx } from './types';

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
  // Every turn of the ingest asks for its entries' ids: no statement building on SQLite.
  if (tx.sqlite) {
    const text = 'select "id", "terminal_id", "seq" from "entries" where "id" IN (SELECT value FROM json_each(?))';
    return new Map(selectValues(tx.sqlite, text, [jsonList([...new Set(ids)])]).map(([id, terminal, seq]) => [id as string, { terminal: terminal as string, seq: seq as number }]));
  }
  const rows = await tx.db.select({ id: entries.id, terminal: entries.terminalId, seq: entries.seq }).from(entries).where(inList(tx, entries.id, [...new Set(ids)]));
  return new Map(rows.map((row) => [row.id, { terminal: row.terminal, seq: row.seq }]));
}

export async function getEntriesBySeq(tx: Tx, terminalId: string, seqs: readonly number[]): Promise<Entry[]> {
  const { entries } = tx.t;
  if (seqs.length === 0) return [];
  if (tx.sqlite) return selectRows(tx.sqlite, entries, 'where "terminal_id" = ? and "seq" IN (SELECT value FROM json_each(?)) order by "seq" asc', [terminalId, jsonList([...new Set(seqs)])]);
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

/** The latest entries of one till, newest first: the offline cap alerts walk them. */
export async function listLatestEntriesOfTerminal(tx: Tx, terminalId: string, limit: number): Promise<Entry[]> {
  const { entries } = tx.t;
  return tx.db.select().from(entries).where(eq(entries.terminalId, terminalId)).orderBy(desc(entries.seq)).limit(limit);
}

/** The most recently received rejected entries. */
export async function listRejectedEntries(tx: Tx, limit: number): Promise<Entry[]> {
  const { entries } = tx.t;
  return tx.db.select().from(entries).where(eq(entries.status, 'rejected')).orderBy(desc(entries.receivedAt), desc(entries.seq)).limit(limit);
}

/**
 * The most recent offline sales, applied or not. Bodies are JCS text, so the members
 * are written exactly like this; inside a JSON string their quotes would be escaped,
 * so a note cannot fake them. The caller parses the body before trusting it.
 */
export async function listOfflineSales(tx: Tx, limit: number): Promise<Entry[]> {
  const { entries } = tx.t;
  return tx.db
    .select()
    .from(entries)
    .where(and(sql`${entries.body} like ${'%"auth":"offline"%'}`, sql`${entries.body} like ${'%"kind":"SAL"%'}`))
    .orderBy(desc(entries.receivedAt), desc(entries.seq))
    .limit(limit);
}

/** Entries behind the SAL transfers that took money from a wallet in an asset (what made a debt). */
export async function listSaleEntriesOfWallet(tx: Tx, walletId: string, assetId: string, limit: number): Promise<Entry[]> {
  const { transfers, entries } = tx.t;
  const rows = await tx.db
    .select({ entry: entries })
    .from(transfers)
    .innerJoin(entries, eq(entries.id, transfers.entryId))
    .where(and(eq(transfers.action, 'SAL'), eq(transfers.senderWalletId, walletId), eq(transfers.assetId, assetId)))
    .orderBy(desc(transfers.seq))
    .limit(limit);
  return rows.map((row) => row.entry);
}

/** The name of the till that signed each entry, by entry id (entries of requests have none). */
export async function tillNamesOfEntries(tx: Tx, entryIds: readonly string[]): Promise<Map<string, string>> {
  const wanted = [...new Set(entryIds)];
  if (wanted.length === 0) return new Map();
  const { entries, terminals } = tx.t;
  const rows = await tx.db.select({ entry: entries.id, name: terminals.name }).from(entries).innerJoin(terminals, eq(terminals.id, entries.terminalId)).where(inList(tx, entries.id, wanted));
  return new Map(rows.map((row) => [row.entry, row.name]));
}
