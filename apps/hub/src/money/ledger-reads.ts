/**
 * The ledger as stored, read-only, for the admin API: a wallet with its balances
 * (shown melted for card holders), transfers and blocks page by page.
 */
import type { BlockPageQuery, PageQuery } from '@fedow/protocol';
import { iso } from '../clock';
import type { HubContext } from '../context';
import { currentMelts, shownBalances } from './melt-policies';
import * as repo from '../storage/repo';
import { notFound } from '../directory/common';

export interface WalletView {
  id: string;
  kind: repo.Wallet['kind'];
  name: string | null;
  balances: Record<string, number>;
}

export async function showWallet(context: HubContext, id: string): Promise<WalletView> {
  const tx = context.storage.read;
  const wallet = (await repo.getWallets(tx, [id])).get(id);
  if (!wallet) throw notFound('wallet', id);
  const rows = await repo.loadWalletBalances(tx, [id]);
  // A card holder's balances are shown melted (DECISIONS.md, "Melting currency"); places' never melt.
  const holder = wallet.kind === 'user' || wallet.kind === 'ephemeral';
  const balances = shownBalances(rows, holder ? await currentMelts(tx) : new Map(), iso(context.clock.now())).balances;
  return { id: wallet.id, kind: wallet.kind, name: wallet.name, balances };
}

/** Transfers with seq > after, in commit order. */
export async function listTransfers(context: HubContext, page: PageQuery): Promise<repo.Transfer[]> {
  return repo.listTransfersAfter(context.storage.read, page.after, page.limit);
}

/** Blocks after a height, or from the genesis block (height 0) without one. */
export async function listBlocks(context: HubContext, page: BlockPageQuery): Promise<repo.Block[]> {
  return repo.listBlocksAfter(context.storage.read, page.after ?? -1, page.limit);
}
