/** `/federation/`: a place's federations, and Lespass's federation creation (200, as the original). */
import type { FastifyInstance } from 'fastify';
import { iso } from '../clock';
import type { HubContext } from '../context';
import { write } from '../directory/common';
import * as repo from '../storage/repo';
import type { Caller } from './auth';
import { aliasedUuid, shownIds } from './aliases';
import { denied } from './auth';
import { compatNotFound, invalid, objectBody, route, text, uuid, type Fields } from './http';

export function federationRoutes(app: FastifyInstance, context: HubContext): void {
  route(app, context, 'GET', '/federation/', 'KP', async ({ caller }) => {
    const federations = (await repo.listFederations(context.storage.read)).filter((federation) => federation.places.includes(caller.place!.id));
    const shown = await shownIds(context.storage.read);
    return { status: 200, body: federations.map((federation) => federationShape(federation, shown)) };
  });
  route(app, context, 'POST', '/federation/', 'KW', async ({ caller, body }) => createFederation(context, caller, objectBody(body)));
}

/** Assets under the uuids clients know them by (the original's FED after an import). */
function federationShape(federation: repo.FederationWithMembers, shown: ReadonlyMap<string, string>) {
  return { uuid: federation.id, name: federation.name, description: federation.description, places: federation.places, assets: federation.assets.map((id) => shown.get(id) ?? id) };
}

/**
 * Gets or creates the federation of `asset` under `name`, and adds `place_added`.
 * The asset must be `place_origin`'s; unlike the original, the caller must be
 * `place_origin` (its key): a place cannot federate another's currency.
 */
async function createFederation(context: HubContext, caller: Caller, fields: Fields) {
  const origin = uuid(fields, 'place_origin');
  const added = uuid(fields, 'place_added');
  const assetId = await aliasedUuid(context.storage.read, fields, 'asset');
  const name = text(fields, 'name', { max: 100 });
  if (origin !== caller.place!.id) throw denied("Seul le lieu d'origine de l'asset peut le fédérer.");
  const federation = await write(context, `a federation named "${name}"`, async (tx) => {
    const asset = (await repo.getAssets(tx, [assetId])).get(assetId);
    if (!asset || asset.originWalletId !== caller.place!.walletId) throw invalid("L'asset doit appartenir au lieu d'origine.", 'asset');
    if (!(await repo.getPlace(tx, added))) throw compatNotFound('Lieu inconnu');
    let found = await repo.getFederationByName(tx, name);
    if (!found) {
      found = { id: context.newId(), name, description: '', createdAt: iso(context.clock.now()) };
      await repo.insertFederation(tx, found);
    }
    const members = (await repo.listFederations(tx)).find((federation) => federation.id === found.id)!;
    const places = [origin, added].filter((id) => !members.places.includes(id));
    if (places.length > 0) await repo.addFederationPlaces(tx, found.id, places);
    if (!members.assets.includes(asset.id)) await repo.addFederationAssets(tx, found.id, [asset.id]);
    return (await repo.listFederations(tx)).find((federation) => federation.id === found.id)!;
  });
  context.events.emit('directory', { place: null });
  return { status: 200, body: federationShape(federation, await shownIds(context.storage.read)) };
}
