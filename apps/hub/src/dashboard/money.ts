import { iso } from '../clock';
import type { HubContext } from '../context';
import * as repo from '../storage/repo';
import type { Tx } from '../storage/types';
import type { AssetInfo, MoneyAsset, MoneyReport } from './views';

/** The chart's window: the last hour, one bar a minute. */
export const CHART_MINUTES = 60;

export function assetInfo(asset: repo.Asset): AssetInfo {
  return { id: asset.id, name: asset.name, code: asset.currencyCode, category: asset.category, decimals: asset.decimals, archived: asset.archived };
}

/**
 * Money per asset and per place, from aggregates (never a walk over every row), and
 * the conservation check of LEDGER.md invariant 1 as DECISIONS.md reads it:
 * Σ balances = Σ (CRE + SUB) − Σ (RFD of local assets, RFD to the primary wallet, BNK) ± COR.
 */
export async function moneyReport(context: HubContext): Promise<MoneyReport> {
  const tx = context.storage.read;
  const now = context.clock.now();
  const assets = await repo.listAssets(tx);
  const primary = await repo.getPrimaryWallet(tx);
  const actions = primary ? await repo.sumTransfersByAction(tx, primary.id) : [];
  const kinds = await repo.sumBalancesByKind(tx);
  return {
    assets: assets.map((asset) => assetMoney(asset, actions, kinds)),
    places: await placeTotals(tx),
    perMinute: await perMinute(tx, now),
    now: iso(now),
  };
}

export function assetMoney(asset: repo.Asset, actions: readonly repo.ActionTotal[], kinds: readonly repo.KindTotal[]): MoneyAsset {
  let created = 0;
  let destroyed = 0;
  let corrections = 0;
  for (const row of actions) {
    if (row.assetId !== asset.id) continue;
    if (row.action === 'CRE' || row.action === 'SUB') created += row.total;
    else if (row.action === 'BNK') destroyed += row.total;
    // FED refunded at a till is paid back to the place in euros: it stays in the
    // system; FED paid back to its holder (to the primary wallet) leaves it.
    else if (row.action === 'RFD') destroyed += asset.category === 'FED' ? row.toPrimary : row.total;
    else if (row.action === 'COR') corrections += row.total - 2 * row.toPrimary;
    // A compensated FED claim is paid by the federation's bank: it leaves (deltas.ts).
    else if (row.action === 'CMP' && asset.category === 'FED') destroyed += row.toPrimary;
  }
  let userWallets = 0;
  let debt = 0;
  let places = 0;
  for (const row of kinds) {
    if (row.assetId !== asset.id) continue;
    if (row.kind === 'user' || row.kind === 'ephemeral') {
      userWallets += row.positive;
      debt += row.negative;
    } else {
      places += row.positive + row.negative;
    }
  }
  const balances = userWallets + debt + places;
  const expected = created - destroyed + corrections;
  return { asset: assetInfo(asset), created, userWallets, places, destroyed, debt, corrections, balances, expected, ok: balances === expected };
}

async function placeTotals(tx: Tx): Promise<MoneyReport['places']> {
  const places = await repo.listPlaces(tx);
  const totals = new Map<string, Record<string, number>>(places.map((place) => [place.id, {}]));
  for (const row of await repo.listPlaceBalances(tx)) {
    const place = totals.get(row.placeId);
    if (place) place[row.assetId] = row.value;
  }
  return places.map((place) => ({ id: place.id, name: place.name, totals: totals.get(place.id) ?? {} }));
}

/** 60 buckets ending with the current minute; minutes without transfers are 0. */
async function perMinute(tx: Tx, now: Date): Promise<MoneyReport['perMinute']> {
  const first = Math.floor(now.getTime() / 60_000) - (CHART_MINUTES - 1);
  const since = iso(new Date(first * 60_000));
  const counts = new Map((await repo.countTransfersPerMinute(tx, since)).map((row) => [row.minute, row.transfers]));
  return Array.from({ length: CHART_MINUTES }, (_, index) => {
    const minute = iso(new Date((first + index) * 60_000)).slice(0, 16);
    return { minute, transfers: counts.get(minute) ?? 0 };
  });
}
