import type { AssetCategory, AssetCreate } from '@fedow/protocol';
import type { HubContext } from '../context';
import { HubError } from '../errors';
import { recordFirst } from '../money/first';
import { CLI_OPERATOR, type Source } from '../money/source';
import * as repo from '../storage/repo';
import { notFound, now, requireAsset, requirePlace, write } from './common';

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

const DEFAULT_MEMBERSHIP_DAYS = 365;

/** An asset issued by a place, with its FST transfer in the same transaction (LEDGER.md). */
export async function createAsset(context: HubContext, input: AssetCreate, source: Source = { kind: 'operator', name: CLI_OPERATOR }): Promise<AssetView> {
  if (input.category === 'FED') {
    throw new HubError('conflict', 'the hub has exactly one FED asset, created at first start: use it, or create a TLF asset');
  }
  if (input.membershipDays !== undefined && input.category !== 'SUB') {
    throw new HubError('bad_request', 'membership days apply to SUB assets only');
  }
  if (input.category === 'BDG' && input.decimals !== undefined && input.decimals !== 0) {
    throw new HubError('bad_request', 'a BDG asset counts passages: its decimals are 0');
  }
  const createdAt = now(context);
  const view = await write(context, `an asset named "${input.name}" for this place`, async (tx): Promise<AssetView> => {
    const place = await requirePlace(tx, input.placeOrigin);
    if (await repo.getAssetByOriginAndName(tx, place.walletId, input.name)) {
      throw new HubError('conflict', `${place.name} already has an asset named "${input.name}"`);
    }
    // A cashier reads amounts by their code: two assets of one place under one code would be confused.
    const sameCode = (await repo.listAssets(tx)).find((asset) => asset.originWalletId === place.walletId && asset.currencyCode === input.currencyCode);
    if (sameCode) throw new HubError('conflict', `${place.name} already has an asset with the currency code ${input.currencyCode} ("${sameCode.name}")`);
    const row = {
      id: context.newId(),
      name: input.name,
      currencyCode: input.currencyCode,
      category: input.category,
      decimals: input.decimals ?? (input.category === 'BDG' ? 0 : 2),
      originWalletId: place.walletId,
      archived: false,
      createdAt,
      membershipDays: input.category === 'SUB' ? (input.membershipDays ?? DEFAULT_MEMBERSHIP_DAYS) : null,
    };
    await repo.insertAsset(tx, row);
    await recordFirst(tx, { at: createdAt, newId: context.newId }, source, row);
    return assetView(row, place.id);
  });
  context.events.emit('directory', { place: view.placeOrigin });
  return view;
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

function assetView(asset: repo.Asset | (repo.NewAsset & { archived: boolean; membershipDays: number | null }), placeOrigin: string | null): AssetView {
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
