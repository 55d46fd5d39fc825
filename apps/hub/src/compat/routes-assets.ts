/** `/asset/…`: assets a place accepts, assets created with the client's uuid and date, archives and totals. */
import type { FastifyInstance } from 'fastify';
import { iso } from '../clock';
import type { HubContext } from '../context';
import { write } from '../directory/common';
import { recordFirst } from '../money/first';
import * as repo from '../storage/repo';
import { compatNotFound, invalid, objectBody, optionalText, route, text, uuid, type Fields } from './http';
import { aliasedUuid, resolveAlias } from './aliases';
import { denied } from './auth';
import { acceptedAssets, assetShape, loadDirectory, transactionShapes } from './shapes';

const TOKEN_CATEGORIES = ['TLF', 'TNF', 'TIM', 'FID'];
const MEMBERSHIP_CATEGORIES = ['SUB', 'BDG'];
const ANY_LOCAL = [...TOKEN_CATEGORIES, ...MEMBERSHIP_CATEGORIES];
const DEPOSITS_MAX = 1_000;

export function assetRoutes(app: FastifyInstance, context: HubContext): void {
  route(app, context, 'GET', '/asset/', 'KP', async ({ caller }) => accepted(context, caller.place!));
  route(app, context, 'GET', '/asset/get_accepted_assets/', 'KO', async ({ caller }) => accepted(context, caller.place!));
  route(app, context, 'POST', '/asset/', 'KP', async ({ caller, body }) => createAsset(context, caller.place!, objectBody(body), ANY_LOCAL));
  route(app, context, 'POST', '/asset/create_token_asset/', 'KO', async ({ caller, body }) => createAsset(context, caller.place!, objectBody(body), TOKEN_CATEGORIES));
  route(app, context, 'POST', '/asset/create_membership_asset/', 'KO', async ({ caller, body }) => createAsset(context, caller.place!, objectBody(body), MEMBERSHIP_CATEGORIES));
  route(app, context, 'GET', '/asset/:id/', 'KP', async ({ params }) => retrieve(context, params.id!, true));
  route(app, context, 'GET', '/asset/:id/retrieve_membership_asset/', 'KO', async ({ params }) => retrieve(context, params.id!, false));
  route(app, context, 'GET', '/asset/:id/archive_asset/', 'KO', async ({ caller, params }) => archive(context, caller.place!, params.id!));
  route(app, context, 'GET', '/asset/:id/retrieve_bank_deposits/', 'KO', async ({ caller, params }) => bankDeposits(context, caller.place!, params.id!));
  route(app, context, 'GET', '/asset/:id/retrieve_total_by_place/', 'KO', async ({ caller, params }) => totals(context, caller.place!, params.id!, false));
  route(app, context, 'GET', '/asset/:id/total_by_place_with_uuid/', 'KO', async ({ caller, params }) => totals(context, caller.place!, params.id!, true));
}

async function accepted(context: HubContext, place: repo.Place) {
  const read = context.storage.read;
  const directory = await loadDirectory(read);
  const ids = await acceptedAssets(read, directory, place);
  return { status: 200, body: [...ids].map((id) => assetShape(directory.assets.get(id)!, directory)) };
}

async function findAsset(context: HubContext, id: string): Promise<repo.Asset> {
  const assetId = await resolveAlias(context.storage.read, uuid({ id }, 'id'));
  const asset = (await repo.getAssets(context.storage.read, [assetId])).get(assetId);
  if (!asset) throw compatNotFound();
  return asset;
}

/** `created_at` as the client dated it (LaBoutik backdates to its first sale), as RFC 3339 UTC. */
function createdAt(fields: Fields, now: string): string {
  const value = optionalText(fields, 'created_at');
  if (value === null) return now;
  const ms = Date.parse(value.replace(' ', 'T'));
  if (Number.isNaN(ms)) throw invalid('Format de date invalide.', 'created_at');
  return new Date(ms).toISOString();
}

/**
 * An asset of the calling place, with the client's uuid and date, and its FST
 * (an `api` request). The same uuid asked again by its place answers the asset
 * (LaBoutik's get-or-create); FED is the hub's own, never created here.
 */
async function createAsset(context: HubContext, place: repo.Place, fields: Fields, categories: string[]) {
  const category = text(fields, 'category');
  if (!categories.includes(category)) throw invalid(category === 'SUB' || category === 'BDG' ? 'not a token asset' : 'not a sub asset', 'category');
  const name = text(fields, 'name', { max: 100 });
  const code = text(fields, 'currency_code', { max: 3 }).toUpperCase();
  const id = fields.uuid === undefined || fields.uuid === null ? context.newId() : await aliasedUuid(context.storage.read, fields, 'uuid');
  const now = iso(context.clock.now());
  const row = {
    id,
    name,
    currencyCode: code,
    category: category as repo.Asset['category'],
    decimals: category === 'BDG' ? 0 : 2,
    originWalletId: place.walletId,
    archived: false,
    createdAt: createdAt(fields, now),
    membershipDays: category === 'SUB' ? 365 : null,
  };
  const asset = await write(context, `an asset named "${name}"`, async (tx) => {
    const existing = (await repo.getAssets(tx, [id])).get(id);
    if (existing) {
      if (existing.originWalletId !== place.walletId) throw invalid('Un asset avec cet uuid existe déjà.', 'uuid');
      return existing;
    }
    const sameName = await repo.getAssetByOriginAndName(tx, place.walletId, name);
    if (sameName) throw invalid('Un asset de ce lieu porte déjà ce nom.', 'name');
    await repo.insertAsset(tx, row);
    await recordFirst(tx, { at: now, newId: context.newId }, { kind: 'api', place: place.id }, row);
    return row;
  });
  context.events.emit('directory', { place: place.id });
  return { status: 201, body: assetShape(asset, await loadDirectory(context.storage.read)) };
}

async function retrieve(context: HubContext, id: string, withTotals: boolean) {
  const asset = await findAsset(context, id);
  const read = context.storage.read;
  const directory = await loadDirectory(read);
  const shape = assetShape(asset, directory);
  if (!withTotals) return { status: 200, body: shape };
  const byPlace = await placeTotals(context, asset);
  const inPlaces = [...byPlace.values()].reduce((sum, value) => sum + value, 0);
  const total = (await repo.sumBalancesByAsset(read)).get(asset.id) ?? 0;
  return { status: 200, body: { ...shape, total_token_value: total, total_in_place: inPlaces, total_in_wallet_not_place: total - inPlaces } };
}

/** Balances of the asset held by places' wallets, by place id. */
async function placeTotals(context: HubContext, asset: repo.Asset): Promise<Map<string, number>> {
  const read = context.storage.read;
  const places = await repo.listPlaces(read);
  const balances = await repo.loadWalletBalances(read, places.map((place) => place.walletId));
  const totals = new Map<string, number>();
  for (const place of places) {
    const value = balances.find((row) => row.walletId === place.walletId && row.assetId === asset.id)?.value ?? 0;
    totals.set(place.id, value);
  }
  return totals;
}

async function archive(context: HubContext, place: repo.Place, id: string) {
  const asset = await findAsset(context, id);
  if (asset.originWalletId !== place.walletId || asset.category === 'FED') throw denied('FORBIDDEN');
  await context.storage.transaction((tx) => repo.setAssetArchived(tx, asset.id, true));
  context.events.emit('directory', { place: place.id });
  return { status: 200, body: 'ARCHIVED' };
}

async function bankDeposits(context: HubContext, place: repo.Place, id: string) {
  const asset = await findAsset(context, id);
  const read = context.storage.read;
  const deposits = await repo.listAssetTransfersByAction(read, asset.id, 'BNK', DEPOSITS_MAX);
  // A place other than the asset's origin sees only its own deposits.
  const visible = asset.originWalletId === place.walletId ? deposits : deposits.filter((transfer) => transfer.senderWalletId === place.walletId);
  return { status: 200, body: await transactionShapes(read, await loadDirectory(read), visible) };
}

/** Both answers are JSON-encoded strings, as the original's (its clients `json.loads` them). */
async function totals(context: HubContext, place: repo.Place, id: string, withUuid: boolean) {
  const asset = await findAsset(context, id);
  const read = context.storage.read;
  const directory = await loadDirectory(read);
  const own = asset.originWalletId === place.walletId;
  const byPlace = [...(await placeTotals(context, asset)).entries()].filter(([placeId]) => own || placeId === place.id);
  const total_by_place = withUuid
    ? byPlace.map(([placeId, value]) => ({ place_name: directory.places.get(placeId)!.name, wallet_uuid: directory.places.get(placeId)!.walletId, total_value: value }))
    : Object.fromEntries(byPlace.map(([placeId, value]) => [directory.places.get(placeId)!.name, value]));
  return { status: 200, body: JSON.stringify({ total_by_place, serialized_asset: assetShape(asset, directory) }) };
}
