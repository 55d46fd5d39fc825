import { DEFAULT_OFFLINE_POLICY, OfflinePolicy, type PlaceCreate } from '@fedow/protocol';
import type { HubContext } from '../context';
import { HubError } from '../errors';
import * as repo from '../storage/repo';
import { userForEmail } from '../money/users';
import { now, write } from './common';

export interface PlaceView {
  id: string;
  name: string;
  description: string;
  wallet: string;
  /** The administrator's e-mail (a user of the hub), or null for places made without one. */
  adminEmail: string | null;
  enrollUnknownCards: boolean;
  offlinePolicy: OfflinePolicy;
  createdAt: string;
}

/**
 * A place, its wallet, and its administrator: the user with that e-mail (lower-cased),
 * created with a user wallet when new, shared when the same person runs several places.
 */
export async function createPlace(context: HubContext, input: PlaceCreate): Promise<PlaceView> {
  const createdAt = now(context);
  const email = input.email.trim().toLowerCase();
  const view = await write(context, `a place named "${input.name}"`, async (tx): Promise<PlaceView> => {
    if (await repo.getPlaceByName(tx, input.name)) throw new HubError('conflict', `a place named "${input.name}" already exists`);
    const { user: admin } = await userForEmail(context, tx, email, createdAt);
    const id = context.newId();
    const wallet = context.newId();
    await repo.insertWallets(tx, [{ id: wallet, kind: 'place', name: input.name, publicKey: null }]);
    await repo.insertPlace(tx, {
      id,
      name: input.name,
      description: input.description,
      walletId: wallet,
      enrollUnknownCards: input.enrollUnknownCards,
      offlinePolicy: JSON.stringify(DEFAULT_OFFLINE_POLICY),
      createdAt,
      adminUserId: admin.id,
    });
    return {
      id,
      name: input.name,
      description: input.description,
      wallet,
      adminEmail: email,
      enrollUnknownCards: input.enrollUnknownCards,
      offlinePolicy: DEFAULT_OFFLINE_POLICY,
      createdAt,
    };
  });
  context.events.emit('directory', { place: view.id });
  return view;
}

export async function listPlaces(context: HubContext): Promise<PlaceView[]> {
  const tx = context.storage.read;
  const places = await repo.listPlaces(tx);
  const admins = await repo.getUsers(tx, places.flatMap((place) => (place.adminUserId === null ? [] : [place.adminUserId])));
  return places.map((place) => placeView(place, place.adminUserId === null ? null : (admins.get(place.adminUserId)?.email ?? null)));
}

export function placeView(place: repo.Place, adminEmail: string | null): PlaceView {
  return {
    id: place.id,
    name: place.name,
    description: place.description,
    wallet: place.walletId,
    adminEmail,
    enrollUnknownCards: place.enrollUnknownCards,
    offlinePolicy: OfflinePolicy.parse(JSON.parse(place.offlinePolicy)),
    createdAt: place.createdAt,
  };
}
