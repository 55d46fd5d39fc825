import { meltPreview, survivalCurve, transferDeltas, type SurvivalPoint } from '@fedow/ledger';
import type { MeltRule, TransferAction } from '@fedow/protocol';
import { iso } from '../clock';
import type { HubContext } from '../context';
import { requireAsset } from '../directory/common';
import * as repo from '../storage/repo';
import type { Tx } from '../storage/types';

/** What the dashboard and the API show about an asset's melting, from the real ledger. */

const DAY_MS = 86_400_000;
const MONTH_DAYS = 30;
export const PREVIEW_MONTHS = 12;

interface HolderMoves {
  /** The balance when the period starts: today's, less every movement since. */
  opening: number;
  moves: { at: string; delta: number; action: TransferAction }[];
}

/** Each card holder's balance in the asset over the period from `from`, with its movements in ledger order. */
async function holderMoves(tx: Tx, assetId: string, from: string): Promise<Map<string, HolderMoves>> {
  const category = (await requireAsset(tx, assetId)).category;
  const primary = (await repo.getPrimaryWallet(tx))!.id;
  const holders = new Map<string, HolderMoves>();
  for (const row of await repo.listHolderBalances(tx, assetId)) holders.set(row.walletId, { opening: row.value, moves: [] });
  const transfers = await repo.listAssetTransfersSince(tx, assetId, from);
  const kinds = await repo.getWallets(tx, [...new Set(transfers.flatMap((transfer) => [transfer.senderWalletId, transfer.receiverWalletId]))]);
  for (const transfer of transfers) {
    for (const { wallet, delta } of transferDeltas({ ...transfer, sender: transfer.senderWalletId, receiver: transfer.receiverWalletId }, category, primary)) {
      const kind = kinds.get(wallet)?.kind;
      if (kind !== 'user' && kind !== 'ephemeral') continue;
      const holder = holders.get(wallet) ?? { opening: 0, moves: [] };
      holder.opening -= delta;
      holder.moves.push({ at: transfer.at, delta, action: transfer.action });
      holders.set(wallet, holder);
    }
  }
  return holders;
}

function monthsBefore(at: string, months: number): string {
  return new Date(Date.parse(at) - months * MONTH_DAYS * DAY_MS).toISOString();
}

export interface MeltPreview {
  rule: MeltRule;
  from: string;
  to: string;
  /** What the rule would have taken over the period, in minor units. */
  taken: number;
  /** Card holders' balances it would have taken something from. */
  balances: number;
}

/** What `rule` would have taken over the last 12 months, had it been in force (melts really booked are left out). */
export async function previewMelt(context: HubContext, assetId: string, rule: MeltRule): Promise<MeltPreview> {
  const to = iso(context.clock.now());
  const from = monthsBefore(to, PREVIEW_MONTHS);
  let taken = 0;
  let balances = 0;
  for (const holder of (await holderMoves(context.storage.read, assetId, from)).values()) {
    const melted = meltPreview(rule, from, to, { opening: holder.opening, moves: holder.moves.filter((move) => move.action !== 'MLT') });
    taken += melted;
    if (melted > 0) balances++;
  }
  return { rule, from, to, taken, balances };
}

export interface MeltReport {
  asset: string;
  from: string;
  /** MLT revenue per month (`YYYY-MM` of hub time). */
  revenue: { period: string; amount: number; count: number }[];
  survival: SurvivalPoint[];
}

/** Melt revenue per month and the survival curve of the top-ups of the last `months` months. */
export async function meltReport(context: HubContext, assetId: string, months = PREVIEW_MONTHS): Promise<MeltReport> {
  const tx = context.storage.read;
  const now = iso(context.clock.now());
  const from = monthsBefore(now, months);
  const holders = await holderMoves(tx, assetId, from);
  const wallets = [...holders.values()].map((holder) => ({
    // What was held before the period is spent first (first in, first out), and is no top-up of the period.
    moves: [{ at: from, delta: Math.max(0, holder.opening), topUp: false }, ...holder.moves.map((move) => ({ at: move.at, delta: move.delta, topUp: move.action === 'REF' && move.delta > 0 }))],
  }));
  return { asset: assetId, from, revenue: await repo.meltRevenue(tx, assetId, from), survival: survivalCurve(wallets, now, months) };
}
