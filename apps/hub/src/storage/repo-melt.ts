/** Melting currency: policy versions, and the balances a sweep looks at. */
import { and, asc, eq, gt, gte, inArray, isNull, lt, sql, type SQL } from 'drizzle-orm';
import { selectRows } from './fast-select';
import type { MeltPolicyRow, Transfer } from './rows';
import type { WalletKind } from './schema-values';
import type { Tx } from './types';

export async function insertMeltPolicy(tx: Tx, row: MeltPolicyRow): Promise<void> {
  await tx.db.insert(tx.t.meltPolicies).values(row);
}

/** Every version of every asset's policy, in the order they were set (`fedow verify` replays melts with them). */
export async function listMeltPolicies(tx: Tx, assetId?: string): Promise<MeltPolicyRow[]> {
  const { meltPolicies } = tx.t;
  if (tx.sqlite && assetId === undefined) return selectRows(tx.sqlite, meltPolicies, 'order by "since" asc, "id" asc', []);
  const query = tx.db.select().from(meltPolicies);
  return (assetId === undefined ? query : query.where(eq(meltPolicies.assetId, assetId))).orderBy(asc(meltPolicies.since), asc(meltPolicies.id));
}

export interface MeltCandidate {
  walletId: string;
  kind: WalletKind;
  value: number;
  activeAt: string | null;
  melted: number;
}

/**
 * Where a sweep's page starts: after this balance, in the order of the
 * `balances_asset_inactive` index. Balances never active come first (by wallet),
 * then those last active before the threshold (by time, then wallet).
 */
export interface MeltCursor {
  activeAt: string | null;
  walletId: string;
}

export const MELT_CURSOR_START: MeltCursor = { activeAt: null, walletId: '' };

/**
 * The next page of positive balances of card holders (user and card wallets)
 * in one asset, last active before `activeBefore` or never, after `after`: the
 * sweep's pages, each read by one index range (no sort of the asset's balances).
 */
export async function listMeltCandidates(tx: Tx, assetId: string, activeBefore: string, after: MeltCursor, limit: number): Promise<MeltCandidate[]> {
  const { balances } = tx.t;
  if (after.activeAt !== null) {
    const resume = sql`(${balances.activeAt}, ${balances.walletId}) > (${after.activeAt}, ${after.walletId})`;
    return candidates(tx, assetId, and(lt(balances.activeAt, activeBefore), resume)!, [asc(balances.activeAt), asc(balances.walletId)], limit);
  }
  const never = await candidates(tx, assetId, and(isNull(balances.activeAt), gt(balances.walletId, after.walletId))!, [asc(balances.walletId)], limit);
  if (never.length === limit) return never;
  const since = await candidates(tx, assetId, lt(balances.activeAt, activeBefore), [asc(balances.activeAt), asc(balances.walletId)], limit - never.length);
  return [...never, ...since];
}

/**
 * Plain SQL rather than the query builder: a sweep reads every inactive balance,
 * and mapping its rows through the builder cost about as much as reading them.
 */
async function candidates(tx: Tx, assetId: string, range: SQL, order: SQL[], limit: number): Promise<MeltCandidate[]> {
  const { balances, wallets } = tx.t;
  const rows = await tx.all<{ wallet_id: string; kind: WalletKind; value: number | string; active_at: string | null; melted: number | string }>(sql`
    select ${balances.walletId}, ${wallets.kind}, ${balances.value}, ${balances.activeAt}, ${balances.melted}
    from ${balances} inner join ${wallets} on ${wallets.id} = ${balances.walletId}
    where ${balances.assetId} = ${assetId} and ${range} and ${balances.value} > 0 and ${wallets.kind} in ('user', 'ephemeral')
    order by ${sql.join(order, sql`, `)} limit ${limit}`);
  return rows.map((row) => ({ walletId: row.wallet_id, kind: row.kind, value: Number(row.value), activeAt: row.active_at, melted: Number(row.melted) }));
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
