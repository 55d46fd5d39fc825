/** Balances, memberships, transfers, payment references, blocks, the card change stream. */
import { and, asc, desc, eq, gt, sql, type SQL } from 'drizzle-orm';
import { assert, chunks, inList, lockCommitOrder } from './batch';
import { applyBalanceDeltasUnnest, insertTransfersUnnest } from './bulk-pg';
import { prepared } from './prepared';
import type { Balance, Block, Membership, NewTransfer, Transfer } from './rows';
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
  return tx.db.select().from(balances).where(inList(tx, balances.walletId, [...new Set(walletIds)]));
}

/** Σ balances per asset (conservation checks). */
export async function sumBalancesByAsset(tx: Tx): Promise<Map<string, number>> {
  const { balances } = tx.t;
  const rows = await tx.db
    .select({ assetId: balances.assetId, total: sql<number>`sum(${balances.value})`.mapWith(Number) })
    .from(balances)
    .groupBy(balances.assetId);
  return new Map(rows.map((row) => [row.assetId, row.total]));
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
  return tx.db.select().from(transfers).where(gt(transfers.seq, afterSeq)).orderBy(asc(transfers.seq)).limit(limit);
}

export async function getTransfersByEntry(tx: Tx, entryIds: readonly string[]): Promise<Transfer[]> {
  const { transfers } = tx.t;
  if (entryIds.length === 0) return [];
  return tx.db.select().from(transfers).where(inList(tx, transfers.entryId, [...new Set(entryIds)])).orderBy(asc(transfers.seq));
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
 * The sealer's write: sets hash and block of unsealed transfers. A transfer already sealed is never rewritten: that is a bug, and it throws.
 */
export async function sealTransfers(
  tx: Tx,
  blockHeight: number,
  hashes: readonly { seq: number; hash: string }[],
): Promise<void> {
  assert(tx.inTransaction, 'sealing runs inside storage.transaction()');
  if (tx.sqlite) {
    // One cached statement run per transfer: on SQLite that is several times
    // cheaper than building and preparing a 2,000-parameter statement per block.
    const statement = prepared<[string, number, number]>(tx.sqlite, 'UPDATE transfers SET hash = ?, block_height = ? WHERE seq = ? AND hash IS NULL');
    for (const { seq, hash } of hashes) {
      assert(statement.run(hash, blockHeight, seq).changes === 1, `transfer ${seq} was sealed already or is missing`);
    }
    return;
  }
  // PostgreSQL: one UPDATE … FROM (VALUES …) per chunk, a join on seq (a CASE
  // with a branch per transfer cost time in the square of the block's size).
  // The seq range keeps the join on the block's slice of the primary key, so
  // the cost of a block does not grow with the ledger.
  for (const chunk of chunks(hashes, 2)) {
    const values = sql.join(
      chunk.map(({ seq, hash }) => sql`(CAST(${seq} AS BIGINT), CAST(${hash} AS TEXT))`),
      sql`, `,
    );
    const seqs = chunk.map(({ seq }) => seq);
    const updated = await tx.all<{ seq: number | string }>(sql`
      UPDATE transfers SET hash = v.column2, block_height = ${blockHeight}
      FROM (VALUES ${values}) AS v
      WHERE transfers.seq = v.column1 AND transfers.seq BETWEEN ${Math.min(...seqs)} AND ${Math.max(...seqs)} AND transfers.hash IS NULL
      RETURNING transfers.seq`);
    assert(updated.length === chunk.length, `sealed ${updated.length} of ${chunk.length} transfers: some were sealed already or missing`);
  }
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

export async function insertBlock(tx: Tx, block: Block): Promise<void> {
  assert(tx.inTransaction, 'blocks are written inside storage.transaction()');
  await tx.db.insert(tx.t.blocks).values(block);
}

export async function latestBlock(tx: Tx): Promise<Block | undefined> {
  const { blocks } = tx.t;
  const [row] = await tx.db.select().from(blocks).orderBy(desc(blocks.height)).limit(1);
  return row;
}

export async function getBlock(tx: Tx, height: number): Promise<Block | undefined> {
  const { blocks } = tx.t;
  const [row] = await tx.db.select().from(blocks).where(eq(blocks.height, height));
  return row;
}

/** Blocks with height > afterHeight, in height order. */
export async function listBlocksAfter(tx: Tx, afterHeight: number, limit: number): Promise<Block[]> {
  const { blocks } = tx.t;
  return tx.db.select().from(blocks).where(gt(blocks.height, afterHeight)).orderBy(asc(blocks.height)).limit(limit);
}

/**
 * Appends the cards whose state changed to the stream tills follow for `update`
 * deltas. Returns the new cursor (the last seq written), or undefined for no cards.
 */
export async function appendCardChanges(tx: Tx, cardIds: readonly string[], changedAt: string): Promise<number | undefined> {
  const unique = [...new Set(cardIds)];
  if (unique.length === 0) return undefined;
  await lockCommitOrder(tx);
  const { cardChanges } = tx.t;
  let cursor = 0;
  for (const chunk of chunks(unique, 2)) {
    const inserted = await tx.db
      .insert(cardChanges)
      .values(chunk.map((cardId) => ({ cardId, changedAt })))
      .returning({ seq: cardChanges.seq });
    for (const row of inserted) cursor = Math.max(cursor, row.seq);
  }
  return cursor;
}

/**
 * Cards changed after `cursor` (each once, in order of their first change in the
 * page), and the cursor to resume from: the seq of the last change read.
 */
export async function listCardChangesAfter(
  tx: Tx,
  cursor: number,
  limit: number,
): Promise<{ cursor: number; cardIds: string[] }> {
  const { cardChanges } = tx.t;
  const rows = await tx.db
    .select()
    .from(cardChanges)
    .where(gt(cardChanges.seq, cursor))
    .orderBy(asc(cardChanges.seq))
    .limit(limit);
  const last = rows.at(-1);
  return { cursor: last?.seq ?? cursor, cardIds: [...new Set(rows.map((row) => row.cardId))] };
}

/** The current end of the card change stream, 0 when empty: a full snapshot's cursor. */
export async function latestCardChange(tx: Tx): Promise<number> {
  const { cardChanges } = tx.t;
  const [row] = await tx.db.select({ seq: cardChanges.seq }).from(cardChanges).orderBy(desc(cardChanges.seq)).limit(1);
  return row?.seq ?? 0;
}
