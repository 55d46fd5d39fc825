import { and, asc, eq } from 'drizzle-orm';
import { inList } from './batch';
import type { NewPayout, Payout } from './rows';
import type { PayoutStatus } from './schema-values';
import type { Tx } from './types';

/** Payouts: FED paid back by SEPA transfer, requested, approved in batches, paid. */

export async function insertPayout(tx: Tx, row: NewPayout): Promise<void> {
  await tx.db.insert(tx.t.payouts).values(row);
}

export async function listPayouts(tx: Tx, filter: { wallet?: string; statuses?: readonly PayoutStatus[]; batch?: string } = {}): Promise<Payout[]> {
  const { payouts } = tx.t;
  const conditions = [
    filter.wallet === undefined ? undefined : eq(payouts.walletId, filter.wallet),
    filter.batch === undefined ? undefined : eq(payouts.batchId, filter.batch),
    filter.statuses === undefined ? undefined : inList(tx, payouts.status, [...filter.statuses]),
  ].filter((condition) => condition !== undefined);
  return tx.db
    .select()
    .from(payouts)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(asc(payouts.requestedAt), asc(payouts.id));
}
