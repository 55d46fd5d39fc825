/**
 * Assets as the directory shows and archives them. Creating one writes its FST
 * transfer, so that lives on the money path (money/new-asset.ts).
 */
import type { AssetCategory } from '@fedow/protocol';
import type { HubContext } from '../context';
import { HubError } from '../errors';
import * as repo from '../storage/repo';
import { notFound, requireAsset, write } from './common';

export interface AssetView {
  id: string;
  name: string;
  currencyCode: string;
  category: AssetCategory;
  decimals: number;
  /** The origin wallet, and the place it belongs to (null for FED: the primary wallet). */
  originWallet: string;
  placeOrigin: string | null;
  archived: boolean;
  createdAt: string;
  membershipDays: number | null;
}

export async function listAssets(context: HubContext): Promise<AssetView[]> {
  const tx = context.storage.read;
  const placeByWallet = new Map((await repo.listPlaces(tx)).map((place) => [place.walletId, place.id]));
  return (await repo.listAssets(tx)).map((asset) => assetView(asset, placeByWallet.get(asset.originWalletId) ?? null));
}

/** Archived: no till accepts it any more; balances stay, and can still be refunded by the hub. */
export async function archiveAsset(context: HubContext, id: string): Promise<AssetView> {
  const view = await write(context, 'asset', async (tx) => {
    const asset = await requireAsset(tx, id);
    if (asset.category === 'FED') throw new HubError('bad_request', 'the FED asset cannot be archived: every place accepts it');
    if (!(await repo.setAssetArchived(tx, id, true))) throw notFound('asset', id);
    const place = await repo.getPlaceByWallet(tx, asset.originWalletId);
    return assetView({ ...asset, archived: true }, place?.id ?? null);
  });
  context.events.emit('directory', { place: null });
  return view;
}

export function assetView(asset: repo.Asset | (repo.NewAsset & { archived: boolean; membershipDays: number | null }), placeOrigin: string | null): AssetView {
  return {
    id: asset.id,
    name: asset.name,
    currencyCode: asset.currencyCode,
    category: asset.category,
    decimals: asset.decimals,
    originWallet: asset.originWalletId,
    placeOrigin,
    archived: asset.archived,
    createdAt: asset.createdAt,
    membershipDays: asset.membershipDays,
  };
}
