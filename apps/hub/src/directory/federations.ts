import type { FederationCreate } from '@fedow/protocol';
import type { HubContext } from '../context';
import { HubError } from '../errors';
import * as repo from '../storage/repo';
import type { Tx } from '../storage/types';
import { notFound, now, requireAsset, requirePlace, write } from './common';

export interface FederationView {
  id: string;
  name: string;
  description: string;
  createdAt: string;
  places: string[];
  assets: string[];
}

/** Places of a federation accept each other's assets that the federation holds (LEDGER.md). */
export async function createFederation(context: HubContext, input: FederationCreate): Promise<FederationView> {
  const createdAt = now(context);
  const view = await write(context, `a federation named "${input.name}"`, async (tx): Promise<FederationView> => {
    if (await repo.getFederationByName(tx, input.name)) throw new HubError('conflict', `a federation named "${input.name}" already exists`);
    const id = context.newId();
    await repo.insertFederation(tx, { id, name: input.name, description: input.description, createdAt });
    return { id, name: input.name, description: input.description, createdAt, places: [], assets: [] };
  });
  context.events.emit('directory', { place: null });
  return view;
}

export type MembershipChange =
  | { federation: string; asset: string; add: boolean }
  | { federation: string; place: string; add: boolean };

/** Adds or removes a place or an asset; adding a member twice is a 409 that says so, removing a non-member a 404. */
export async function changeFederation(context: HubContext, change: MembershipChange): Promise<FederationView> {
  const view = await write(context, 'federation member', async (tx) => {
    const federation = await repo.getFederation(tx, change.federation);
    if (!federation) throw notFound('federation', change.federation);
    if ('asset' in change) await changeAsset(tx, federation.id, change.asset, change.add);
    else await changePlace(tx, federation.id, change.place, change.add);
    return federationView(tx, federation.id);
  });
  context.events.emit('directory', { place: 'place' in change ? change.place : null });
  return view;
}

async function changeAsset(tx: Tx, federation: string, assetId: string, add: boolean): Promise<void> {
  if (add) {
    const asset = await requireAsset(tx, assetId);
    // LEDGER.md: every place accepts FED; a federation adds nothing to it.
    if (asset.category === 'FED') throw new HubError('conflict', `${asset.name} (FED) is federated by nature: every place accepts it`);
    if ((await repo.listFederations(tx)).some((one) => one.id === federation && one.assets.includes(assetId))) {
      throw new HubError('conflict', `${asset.name} is already in this federation`);
    }
    await repo.addFederationAssets(tx, federation, [assetId]);
  } else if (!(await repo.removeFederationAsset(tx, federation, assetId))) {
    throw new HubError('not_found', `asset ${assetId} is not in federation ${federation}`);
  }
}

async function changePlace(tx: Tx, federation: string, placeId: string, add: boolean): Promise<void> {
  if (add) {
    const place = await requirePlace(tx, placeId);
    if ((await repo.listFederations(tx)).some((one) => one.id === federation && one.places.includes(placeId))) {
      throw new HubError('conflict', `${place.name} is already in this federation`);
    }
    await repo.addFederationPlaces(tx, federation, [placeId]);
  } else if (!(await repo.removeFederationPlace(tx, federation, placeId))) {
    throw new HubError('not_found', `place ${placeId} is not in federation ${federation}`);
  }
}

async function federationView(tx: Tx, id: string): Promise<FederationView> {
  const found = (await repo.listFederations(tx)).find((federation) => federation.id === id);
  if (!found) throw notFound('federation', id);
  return found;
}

export async function listFederations(context: HubContext): Promise<FederationView[]> {
  return repo.listFederations(context.storage.read);
}
