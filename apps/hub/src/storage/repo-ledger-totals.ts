/** Sums over the ledger, grouped in SQL: money per asset, action and wallet kind, debts, activity per minute. */
import { and, asc, count, eq, gte, lt, sql } from 'drizzle-orm';
import type { Transfer } from './rows';
import type { WalletKind } from './schema-values';
import type { Tx } from './types';

/** Σ balances per asset (conservation checks). */
export async function sumBalancesByAsset(tx: Tx): Promise<Map<string, number>> {
  const { balances } = tx.t;
  const rows = await tx.db
    .select({ assetId: balances.assetId, total: sql<number>`sum(${balances.value})`.mapWith(Number) })
    .from(balances)
    .groupBy(balances.assetId);
  return new Map(rows.map((row) => [row.assetId, row.total]));
}

/** Σ amount and count of transfers per (asset, action). */
export interface ActionTotal {
  assetId: string;
  action: Transfer['action'];
  total: number;
  /** The part of `total` received by the primary wallet: a COR to it debits its sender (LEDGER.md). */
  toPrimary: number;
  transfers: number;
}

export async function sumTransfersByAction(tx: Tx, primaryWalletId: string): Promise<ActionTotal[]> {
  const { transfers } = tx.t;
  // Grouped by columns only: PostgreSQL would not match a parameterised CASE in the
  // select list with the same CASE in GROUP BY (the placeholders differ).
  return tx.db
    .select({
      assetId: transfers.assetId,
      action: transfers.action,
      total: sql<number>`coalesce(sum(${transfers.amount}), 0)`.mapWith(Number),
      toPrimary: sql<number>`coalesce(sum(case when ${transfers.receiverWalletId} = ${primaryWalletId} then ${transfers.amount} else 0 end), 0)`.mapWith(Number),
      transfers: count(),
    })
    .from(transfers)
    .groupBy(transfers.assetId, transfers.action);
}

/** Σ positive and Σ negative balances per (asset, wallet kind). */
export interface KindTotal {
  assetId: string;
  kind: WalletKind;
  positive: number;
  negative: number;
}

export async function sumBalancesByKind(tx: Tx): Promise<KindTotal[]> {
  const { balances, wallets } = tx.t;
  return tx.db
    .select({
      assetId: balances.assetId,
      kind: wallets.kind,
      positive: sql<number>`coalesce(sum(case when ${balances.value} > 0 then ${balances.value} else 0 end), 0)`.mapWith(Number),
      negative: sql<number>`coalesce(sum(case when ${balances.value} < 0 then ${balances.value} else 0 end), 0)`.mapWith(Number),
    })
    .from(balances)
    .innerJoin(wallets, eq(wallets.id, balances.walletId))
    .groupBy(balances.assetId, wallets.kind);
}

/** Every non-zero balance of a place wallet. */
export async function listPlaceBalances(tx: Tx): Promise<{ placeId: string; assetId: string; value: number }[]> {
  const { balances, places } = tx.t;
  return tx.db
    .select({ placeId: places.id, assetId: balances.assetId, value: balances.value })
    .from(balances)
    .innerJoin(places, eq(places.walletId, balances.walletId))
    .where(sql`${balances.value} <> 0`);
}

/** Negative balances (debts), the deepest first. */
export async function listDebts(tx: Tx, limit: number): Promise<{ walletId: string; assetId: string; value: number }[]> {
  const { balances } = tx.t;
  return tx.db
    .select({ walletId: balances.walletId, assetId: balances.assetId, value: balances.value })
    .from(balances)
    .where(lt(balances.value, 0))
    .orderBy(asc(balances.value))
    .limit(limit);
}

/**
 * Transfers per minute since `sinceIso` (FST excluded: bookkeeping, not activity).
 * Times are stored as RFC 3339 text, so the first 16 characters are the minute.
 */
export async function countTransfersPerMinute(tx: Tx, sinceIso: string): Promise<{ minute: string; transfers: number }[]> {
  const { transfers } = tx.t;
  const minute = sql<string>`substr(${transfers.at}, 1, 16)`;
  return tx.db
    .select({ minute, transfers: count() })
    .from(transfers)
    .where(and(gte(transfers.at, sinceIso), sql`${transfers.action} <> 'FST'`))
    .groupBy(minute)
    .orderBy(asc(minute));
}

/** How many transfers of one action the ledger holds (`fedow verify` counts compensations with it). */
export async function countTransfersOfAction(tx: Tx, action: Transfer['action']): Promise<number> {
  const { transfers } = tx.t;
  const [row] = await tx.db.select({ n: sql<number | string>`count(*)` }).from(transfers).where(eq(transfers.action, action));
  return Number(row?.n ?? 0);
}
