/** Compensation runs (issue 14.2): what places sold against currencies issued elsewhere, and the runs already booked. */
import { and, asc, eq, gte, lt, sql } from 'drizzle-orm';
import { inList } from './batch';
import type { Request } from './rows';
import type { Tx } from './types';

export interface SalesTotal {
  holder: string;
  asset: string;
  amount: number;
}

/**
 * Σ of the sales (SAL, QRS) received by each of `holders` in each of `assets`
 * with hub time in [from, to). Hub time, not till time: an offline sale synced
 * after a period closed counts in the period it reached the ledger, so it is
 * neither missed nor counted twice.
 */
export async function salesByHolder(tx: Tx, input: { holders: readonly string[]; assets: readonly string[]; from: string; to: string }): Promise<SalesTotal[]> {
  if (input.holders.length === 0 || input.assets.length === 0) return [];
  const { transfers } = tx.t;
  const rows = await tx.db
    .select({ holder: transfers.receiverWalletId, asset: transfers.assetId, amount: sql<number | string>`sum(${transfers.amount})` })
    .from(transfers)
    .where(
      and(
        inList(tx, transfers.action, ['SAL', 'QRS']),
        inList(tx, transfers.receiverWalletId, input.holders),
        inList(tx, transfers.assetId, input.assets),
        gte(transfers.at, input.from),
        lt(transfers.at, input.to),
      ),
    )
    .groupBy(transfers.receiverWalletId, transfers.assetId)
    .orderBy(asc(transfers.receiverWalletId), asc(transfers.assetId));
  // PostgreSQL returns sum(bigint) as text.
  return rows.map((row) => ({ holder: row.holder, asset: row.asset, amount: Number(row.amount) }));
}

/** The hub's compensation requests, oldest first (at most `limit`). */
export async function listCompensationRequests(tx: Tx, limit: number): Promise<Request[]> {
  const { requests } = tx.t;
  return tx.db
    .select()
    .from(requests)
    .where(and(eq(requests.source, 'hub'), eq(requests.kind, 'compensation')))
    .orderBy(asc(requests.receivedAt), asc(requests.id))
    .limit(limit);
}
