/**
 * A new asset and its FST transfer, in one transaction (LEDGER.md: exactly one FST
 * per asset). The FST is a movement, so the asset is created here on the money
 * path rather than in the directory, which only edits rows that move no money.
 */
import type { AssetCreate } from '@fedow/protocol';
import type { HubContext } from '../context';
import { assetView, type AssetView } from '../directory/assets';
import { now, requirePlace, write } from '../directory/common';
import { HubError } from '../errors';
import * as repo from '../storage/repo';
import { recordFirst } from './first';
import { CLI_OPERATOR, type Source } from './source';

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
