import type { ProductCreate } from '@fedow/protocol';
import type { HubContext } from '../context';
import { HubError } from '../errors';
import * as repo from '../storage/repo';
import { notFound, requireAsset, requirePlace, write } from './common';

export type ProductView = repo.Product;

/** A till button: a label and a price in one asset the place accepts. */
export async function createProduct(context: HubContext, input: ProductCreate): Promise<ProductView> {
  const product = await write(context, 'product', async (tx): Promise<ProductView> => {
    const place = await requirePlace(tx, input.place);
    const asset = await requireAsset(tx, input.asset);
    const federated = await repo.federatedAssetIdsOfPlace(tx, place.id);
    // LEDGER.md "accepts": a product in an asset the place refuses could never be sold.
    const accepted = !asset.archived && (asset.originWalletId === place.walletId || asset.category === 'FED' || federated.has(asset.id));
    if (!accepted) throw new HubError('asset_not_accepted', `${place.name} does not accept ${asset.name}`);
    const row = { id: context.newId(), placeId: place.id, label: input.label, price: input.price, assetId: asset.id, category: input.category, position: input.position, archived: false };
    await repo.insertProducts(tx, [row]);
    return row;
  });
  context.events.emit('directory', { place: product.placeId });
  return product;
}

export async function listProducts(context: HubContext, place: string, options: { archived?: boolean } = {}): Promise<ProductView[]> {
  await requirePlace(context.storage.read, place);
  return repo.listProducts(context.storage.read, place, options);
}

export async function archiveProduct(context: HubContext, id: string): Promise<ProductView> {
  const product = await write(context, 'product', async (tx) => {
    const found = await repo.getProduct(tx, id);
    if (!found) throw notFound('product', id);
    await repo.updateProduct(tx, id, { archived: true });
    return { ...found, archived: true };
  });
  context.events.emit('directory', { place: product.placeId });
  return product;
}
