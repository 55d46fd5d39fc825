/**
 * The ledger's rows: balances (moved by deltas), memberships, transfers and the FED
 * payment references they used. Writes run only on the money path (one-path.test.ts).
 */
import { and, asc, desc, eq, gt, lt, or, sql } from 'drizzle-orm';
import { assert, chunks, inList, lockCommitOrder } from './batch';
import { applyBalanceDeltasUnnest, insertTransfersUnnest } from './bulk-pg';
import { jsonList, selectRows } from './fast-select';
import type { Balance, Membership, NewTransfer, Transfer } from './rows';
import type { Tx } from './types';

/** Key of a (wallet, asset) pair in the maps this module returns. */
export function balanceKey(walletId: string, assetId: string): string {
  return `${walletId} ${assetId}`;
}

export interface BalanceDelta {
  walletId: string;
  assetId: string;
  delta: number;
  /** The transfer's hub time when it is activity (any transfer but the melted side of an MLT). */
  activeAt?: string | null;
  /** What an MLT took from this balance. */
  melted?: number;
}

/** The merged change of one pair: the value's sum, and the activity after the pair's last movements. */
export interface MergedBalanceDelta {
  walletId: string;
  assetId: string;
  delta: number;
  /** Null: no activity among the deltas, `melted` adds to the stored one; else both replace it. */
  activeAt: string | null;
  melted: number;
}

/**
 * Deltas of the same pair summed in order, with the activity they leave: an
 * activity resets what melted since; a melt adds to it. Sorted by pair: two
 * PostgreSQL transactions updating the same balances lock the rows in the same
 * order and cannot deadlock. Pairs that change nothing are left out.
 */
export function mergeBalanceDeltas(deltas: readonly BalanceDelta[]): MergedBalanceDelta[] {
  const merged = new Map<string, MergedBalanceDelta>();
  for (const { walletId, assetId, delta, activeAt, melted } of deltas) {
    assert(Number.isSafeInteger(delta), `delta ${delta} is not a safe integer`);
    const key = balanceKey(walletId, assetId);
    const row = merged.get(key) ?? { walletId, assetId, delta: 0, activeAt: null, melted: 0 };
    row.delta += delta;
    if (activeAt) {
      row.activeAt = activeAt;
      row.melted = 0;
    }
    row.melted += melted ?? 0;
    merged.set(key, row);
  }
  return [...merged.entries()]
    .filter(([, row]) => row.delta !== 0 || row.activeAt !== null || row.melted !== 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, row]) => row);
}

/**
 * Adds every delta to its balance (creating the row at 0 first), in one statement per
 * ~10,000 pairs, and records the pair's activity (mergeBalanceDeltas). Returns the new
 * value of every changed pair. Atomic with the rest of the transaction: on rollback no
 * balance moved.
 */
export async function applyBalanceDeltas(tx: Tx, deltas: readonly BalanceDelta[]): Promise<Balance[]> {
  assert(tx.inTransaction, 'balances move only inside storage.transaction()');
  const merged = mergeBalanceDeltas(deltas);
  const rows = merged.map((row) => ({ walletId: row.walletId, assetId: row.assetId, value: row.delta, activeAt: row.activeAt, melted: row.melted }));
  const { balances } = tx.t;
  const result: Balance[] = tx.dialect === 'postgres' && merged.length > 0 ? await applyBalanceDeltasUnnest(tx, merged) : [];
  for (const chunk of tx.dialect === 'postgres' ? [] : chunks(rows, 5)) {
    const updated = await tx.db
      .insert(balances)
      .values(chunk)
      .onConflictDoUpdate({
        target: [balances.walletId, balances.assetId],
        set: {
          value: sql`${balances.value} + excluded.value`,
          activeAt: sql`coalesce(excluded.active_at, ${balances.activeAt})`,
          melted: sql`case when excluded.active_at is null then ${balances.melted} + excluded.melted else excluded.melted end`,
        },
      })
      .returning();
    result.push(...updated);
  }
  for (const row of result) assert(Number.isSafeInteger(row.value), `balance ${row.value} left the safe integer range`);
  return result;
}

/**
 * Sets a stored balance to a value (creating the row): only a repair does this,
 * through `persistEffects`, when the stored value drifted from the replay.
 */
export async function setBalance(tx: Tx, walletId: string, assetId: string, value: number): Promise<void> {
  assert(tx.inTransaction, 'balances move only inside storage.transaction()');
  assert(Number.isSafeInteger(value), `balance ${value} is not a safe integer`);
  const { balances } = tx.t;
  await tx.db
    .insert(balances)
    .values({ walletId, assetId, value })
    .onConflictDoUpdate({ target: [balances.walletId, balances.assetId], set: { value } });
}

/** Balances of the given pairs; a pair without a row is 0. Keys: balanceKey(). */
export async function loadBalances(
  tx: Tx,
  pairs: readonly { walletId: string; assetId: string }[],
): Promise<Map<string, number>> {
  const result = new Map<string, number>();
  for (const { walletId, assetId } of pairs) result.set(balanceKey(walletId, assetId), 0);
  const walletIds = [...new Set(pairs.map((pair) => pair.walletId))];
  for (const row of await loadWalletBalances(tx, walletIds)) {
    const key = balanceKey(row.walletId, row.assetId);
    if (result.has(key)) result.set(key, row.value);
  }
  return result;
}

/** Every balance row of the given wallets. */
export async function loadWalletBalances(tx: Tx, walletIds: readonly string[]): Promise<Balance[]> {
  const { balances } = tx.t;
  if (walletIds.length === 0) return [];
  if (tx.sqlite) return selectRows(tx.sqlite, balances, 'where "wallet_id" IN (SELECT value FROM json_each(?))', [jsonList([...new Set(walletIds)])]);
  return tx.db.select().from(balances).where(inList(tx, balances.walletId, [...new Set(walletIds)]));
}

/** Where a page of balances ended: the next page starts after this (wallet, asset). */
export interface BalanceCursor {
  walletId: string;
  assetId: string;
}

/** Every balance row, in primary key order, one page at a time (keyset paging: no OFFSET scans). */
export async function listBalancesAfter(tx: Tx, after: BalanceCursor | null, limit: number): Promise<Balance[]> {
  const { balances } = tx.t;
  const query = tx.db.select().from(balances);
  const paged =
    after === null
      ? query
      : query.where(
          or(gt(balances.walletId, after.walletId), and(eq(balances.walletId, after.walletId), gt(balances.assetId, after.assetId))),
        );
  return paged.orderBy(asc(balances.walletId), asc(balances.assetId)).limit(limit);
}

/** Negative balances (debts), in primary key order, one page at a time. */
export async function listNegativeBalancesAfter(tx: Tx, after: BalanceCursor | null, limit: number): Promise<Balance[]> {
  const { balances } = tx.t;
  const negative = lt(balances.value, 0);
  const where =
    after === null
      ? negative
      : and(
          negative,
          or(gt(balances.walletId, after.walletId), and(eq(balances.walletId, after.walletId), gt(balances.assetId, after.assetId))),
        );
  return tx.db.select().from(balances).where(where).orderBy(asc(balances.walletId), asc(balances.assetId)).limit(limit);
}

/** Creates or renews memberships (one row per wallet and asset). */
export async function upsertMemberships(tx: Tx, rows: readonly Membership[]): Promise<void> {
  const { memberships } = tx.t;
  for (const chunk of chunks(rows, 4)) {
    await tx.db
      .insert(memberships)
      .values(chunk)
      .onConflictDoUpdate({
        target: [memberships.walletId, memberships.assetId],
        set: { start: sql`excluded.start`, validUntil: sql`excluded.valid_until` },
      });
  }
}

export async function loadMemberships(tx: Tx, walletIds: readonly string[]): Promise<Membership[]> {
  const { memberships } = tx.t;
  if (walletIds.length === 0) return [];
  if (tx.sqlite) return selectRows(tx.sqlite, memberships, 'where "wallet_id" IN (SELECT value FROM json_each(?))', [jsonList([...new Set(walletIds)])]);
  return tx.db.select().from(memberships).where(inList(tx, memberships.walletId, [...new Set(walletIds)]));
}

const TRANSFER_COLUMNS = 13;

/**
 * Inserts transfers in the given order and returns their seqs, in the same order
 * (increasing: a top-up's CRE comes before its REF). Must run inside a transaction.
 */
export async function insertTransfers(tx: Tx, rows: readonly NewTransfer[]): Promise<number[]> {
  if (rows.length === 0) return [];
  await lockCommitOrder(tx);
  const { transfers } = tx.t;
  const seqById = tx.dialect === 'postgres' ? await insertTransfersUnnest(tx, rows) : new Map<string, number>();
  for (const chunk of tx.dialect === 'postgres' ? [] : chunks(rows, TRANSFER_COLUMNS)) {
    const inserted = await tx.db.insert(transfers).values(chunk).returning({ seq: transfers.seq, id: transfers.id });
    for (const row of inserted) seqById.set(row.id, row.seq);
  }
  const seqs = rows.map((row) => seqById.get(row.id) ?? Number.NaN);
  seqs.forEach((seq, index) => assert(index === 0 || seq > (seqs[index - 1] ?? seq), 'transfer seqs out of order'));
  return seqs;
}

/** Transfers with seq > afterSeq, in seq order. */
export async function listTransfersAfter(tx: Tx, afterSeq: number, limit: number): Promise<Transfer[]> {
  const { transfers } = tx.t;
  // The sealer's every period, most often empty: on SQLite without the query builder (fast-select.ts).
  if (tx.sqlite) return selectRows(tx.sqlite, transfers, 'where "seq" > ? order by "seq" asc limit ?', [afterSeq, limit]);
  return tx.db.select().from(transfers).where(gt(transfers.seq, afterSeq)).orderBy(asc(transfers.seq)).limit(limit);
}

/** A page of a wallet's history: transfers that moved money in or out of it, newest first, before `beforeSeq`. */
export async function listWalletTransfers(tx: Tx, walletId: string, page: { beforeSeq?: number; limit: number }): Promise<Transfer[]> {
  const { transfers } = tx.t;
  const touches = or(eq(transfers.senderWalletId, walletId), eq(transfers.receiverWalletId, walletId));
  return tx.db
    .select()
    .from(transfers)
    .where(page.beforeSeq === undefined ? touches : and(touches, lt(transfers.seq, page.beforeSeq)))
    .orderBy(desc(transfers.seq))
    .limit(page.limit);
}

/** True when the asset's FST transfer is stored. */
export async function hasFirstTransfer(tx: Tx, assetId: string): Promise<boolean> {
  const { transfers } = tx.t;
  const rows = await tx.db.select({ seq: transfers.seq }).from(transfers).where(and(eq(transfers.assetId, assetId), eq(transfers.action, 'FST'))).limit(1);
  return rows.length > 0;
}

/** The highest transfer seq, 0 when there is none. */
export async function latestTransferSeq(tx: Tx): Promise<number> {
  const { transfers } = tx.t;
  const [row] = await tx.db.select({ seq: transfers.seq }).from(transfers).orderBy(desc(transfers.seq)).limit(1);
  return row?.seq ?? 0;
}

/**
 * Records that a FED payment reference was used by a transfer. Returns false when it
 * was already used (LEDGER.md: a second use is refused, never credited twice).
 */
export async function insertPaymentRef(tx: Tx, ref: string, transferId: string): Promise<boolean> {
  const { paymentRefs } = tx.t;
  const inserted = await tx.db.insert(paymentRefs).values({ ref, transferId }).onConflictDoNothing().returning();
  return inserted.length === 1;
}

export async function isPaymentRefUsed(tx: Tx, ref: string): Promise<boolean> {
  const { paymentRefs } = tx.t;
  const rows = await tx.db.select({ ref: paymentRefs.ref }).from(paymentRefs).where(eq(paymentRefs.ref, ref));
  return rows.length > 0;
}
