/** Melting currency: policy versions, and the balances a sweep looks at. */
import { and, asc, eq, gt, gte, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { MeltPolicyRow, Transfer } from './rows';
import type { Tx } from './types';

export async function insertMeltPolicy(tx: Tx, row: MeltPolicyRow): Promise<void> {
  await tx.db.insert(tx.t.meltPolicies).values(row);
}

/** Every version of every asset's policy, in the order they were set (`fedow verify` replays melts with them). */
export async function listMeltPolicies(tx: Tx, assetId?: string): Promise<MeltPolicyRow[]> {
  const { meltPolicies } = tx.t;
  const query = tx.db.select().from(meltPolicies);
  return (assetId === undefined ? query : query.where(eq(meltPolicies.assetId, assetId))).orderBy(asc(meltPolicies.since), asc(meltPolicies.id));
}

export interface MeltCandidate {
  walletId: string;
  value: number;
  activeAt: string | null;
  melted: number;
}

/**
 * Positive balances of card holders (user and card wallets) in one asset whose
 * last activity is before `activeBefore` (or unknown), after `afterWallet`, in
 * wallet order: the sweep's pages.
 */
export async function listMeltCandidates(tx: Tx, assetId: string, activeBefore: string, afterWallet: string, limit: number): Promise<MeltCandidate[]> {
  const { balances, wallets } = tx.t;
  return tx.db
    .select({ walletId: balances.walletId, value: balances.value, activeAt: balances.activeAt, melted: balances.melted })
    .from(balances)
    .innerJoin(wallets, eq(wallets.id, balances.walletId))
    .where(
      and(
        eq(balances.assetId, assetId),
        gt(balances.walletId, afterWallet),
        gt(balances.value, 0),
        or(isNull(balances.activeAt), lt(balances.activeAt, activeBefore)),
        inArray(wallets.kind, ['user', 'ephemeral']),
      ),
    )
    .orderBy(asc(balances.walletId))
    .limit(limit);
}

/** MLT revenue of one asset per period (`YYYY-MM` of the transfer's hub time) since `from`. */
export async function meltRevenue(tx: Tx, assetId: string, from: string): Promise<{ period: string; amount: number; count: number }[]> {
  const { transfers } = tx.t;
  const period = sql<string>`substr(${transfers.at}, 1, 7)`;
  const rows = await tx.db
    .select({ period, amount: sql<number | string>`sum(${transfers.amount})`, count: sql<number | string>`count(*)` })
    .from(transfers)
    .where(and(eq(transfers.assetId, assetId), eq(transfers.action, 'MLT'), gte(transfers.at, from)))
    .groupBy(period)
    .orderBy(period);
  return rows.map((row) => ({ period: row.period, amount: Number(row.amount), count: Number(row.count) }));
}

/** Every transfer of one asset from `from` (hub time), in ledger order. */
export async function listAssetTransfersSince(tx: Tx, assetId: string, from: string): Promise<Transfer[]> {
  const { transfers } = tx.t;
  return tx.db.select().from(transfers).where(and(eq(transfers.assetId, assetId), gte(transfers.at, from))).orderBy(asc(transfers.seq));
}

/** Card holders' balances (user and card wallets) in one asset. */
export async function listHolderBalances(tx: Tx, assetId: string): Promise<{ walletId: string; value: number }[]> {
  const { balances, wallets } = tx.t;
  return tx.db
    .select({ walletId: balances.walletId, value: balances.value })
    .from(balances)
    .innerJoin(wallets, eq(wallets.id, balances.walletId))
    .where(and(eq(balances.assetId, assetId), inArray(wallets.kind, ['user', 'ephemeral'])));
}
