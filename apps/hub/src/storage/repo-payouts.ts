/** Payouts: FED paid back by SEPA transfer, requested, approved in batches, paid. */
import { and, asc, desc, eq, isNull } from 'drizzle-orm';
import { inList } from './batch';
import type { NewPayout, NewPayoutBatch, Payout, PayoutBatch } from './rows';
import type { PayoutStatus } from './schema-values';
import type { Tx } from './types';

export async function insertPayout(tx: Tx, row: NewPayout): Promise<void> {
  await tx.db.insert(tx.t.payouts).values(row);
}

export async function listPayouts(tx: Tx, filter: { wallet?: string; statuses?: readonly PayoutStatus[]; batch?: string; ids?: readonly string[]; limit?: number } = {}): Promise<Payout[]> {
  const { payouts } = tx.t;
  const conditions = [
    filter.wallet === undefined ? undefined : eq(payouts.walletId, filter.wallet),
    filter.batch === undefined ? undefined : eq(payouts.batchId, filter.batch),
    filter.statuses === undefined ? undefined : inList(tx, payouts.status, [...filter.statuses]),
    filter.ids === undefined ? undefined : inList(tx, payouts.id, [...filter.ids]),
  ].filter((condition) => condition !== undefined);
  const query = tx.db
    .select()
    .from(payouts)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(asc(payouts.requestedAt), asc(payouts.id));
  return filter.limit === undefined ? query : query.limit(filter.limit);
}

export async function getPayout(tx: Tx, id: string): Promise<Payout | undefined> {
  const [row] = await tx.db.select().from(tx.t.payouts).where(eq(tx.t.payouts.id, id));
  return row;
}

/** Moves payouts from one status to another; the ids whose status was not `from` are left as they were and not returned. */
export async function setPayoutStatus(
  tx: Tx,
  ids: readonly string[],
  from: PayoutStatus,
  change: { status: PayoutStatus; batchId?: string | null; requestId?: string | null },
): Promise<string[]> {
  if (ids.length === 0) return [];
  const { payouts } = tx.t;
  const rows = await tx.db
    .update(payouts)
    .set(change)
    .where(and(inList(tx, payouts.id, [...ids]), eq(payouts.status, from)))
    .returning({ id: payouts.id });
  return rows.map((row) => row.id);
}

export async function insertPayoutBatch(tx: Tx, row: NewPayoutBatch): Promise<void> {
  await tx.db.insert(tx.t.payoutBatches).values(row);
}

export async function getPayoutBatch(tx: Tx, id: string): Promise<PayoutBatch | undefined> {
  const [row] = await tx.db.select().from(tx.t.payoutBatches).where(eq(tx.t.payoutBatches.id, id));
  return row;
}

/** The latest batches first. */
export async function listPayoutBatches(tx: Tx, limit: number): Promise<PayoutBatch[]> {
  return tx.db.select().from(tx.t.payoutBatches).orderBy(desc(tx.t.payoutBatches.createdAt), desc(tx.t.payoutBatches.id)).limit(limit);
}

/** Stores the batch's SEPA file when it has none and is not sent; false when another was stored first. */
export async function setPayoutBatchFile(tx: Tx, id: string, file: string): Promise<boolean> {
  const { payoutBatches } = tx.t;
  const rows = await tx.db
    .update(payoutBatches)
    .set({ file })
    .where(and(eq(payoutBatches.id, id), isNull(payoutBatches.file), isNull(payoutBatches.sentAt)))
    .returning({ id: payoutBatches.id });
  return rows.length === 1;
}

/** Drops the file of a batch not yet sent: its payouts changed, the next export makes it again. */
export async function clearPayoutBatchFile(tx: Tx, id: string): Promise<void> {
  const { payoutBatches } = tx.t;
  await tx.db.update(payoutBatches).set({ file: null }).where(and(eq(payoutBatches.id, id), isNull(payoutBatches.sentAt)));
}

/** Marks the batch sent, once: false when it already was. */
export async function setPayoutBatchSent(tx: Tx, id: string, at: string): Promise<boolean> {
  const { payoutBatches } = tx.t;
  const rows = await tx.db.update(payoutBatches).set({ sentAt: at }).where(and(eq(payoutBatches.id, id), isNull(payoutBatches.sentAt))).returning({ id: payoutBatches.id });
  return rows.length === 1;
}
