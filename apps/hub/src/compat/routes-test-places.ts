/**
 * The original's `GET /get_new_place_token_for_test/{b64url(json {"name"})}/`,
 * served only when FEDOW_COMPAT_TEST_PLACES=1 (the original: only in DEBUG).
 * LaBoutik's test install asks it for a fresh place and reads
 * `{"encoded_data": b64url(json.dumps({domain, uuid, temp_key}))}`, the string
 * the original's `places --create` prints, then pairs with the temp key.
 */
import { DEFAULT_OFFLINE_POLICY } from '@fedow/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { iso } from '../clock';
import type { HubContext } from '../context';
import { write } from '../directory/common';
import { userForEmail } from '../money/users';
import * as repo from '../storage/repo';
import { newApiKey } from './api-keys';
import { compatNotFound, invalid, route } from './http';
import { pythonJsonDumps } from './python';
import { b64urlPadded } from '../crypto/rsa';

const PLACE_NAME_CHARS_MAX = 100;

export function testPlaceRoutes(app: FastifyInstance, context: HubContext, enabled: boolean): void {
  route(app, context, 'GET', '/get_new_place_token_for_test/:encoded/', null, async ({ params, request }) => {
    // Off: the same 404 as any unknown path, so a production hub does not even reveal the route.
    if (!enabled) throw compatNotFound();
    const name = placeName(params.encoded!);
    return { status: 200, body: { encoded_data: await testPlace(context, name, hostOf(request)) } };
  });
}

/** The place name inside the path: base64url (padded or not) of a JSON object with a `name` string. */
function placeName(encoded: string): string {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch {
    throw invalid('base64url JSON {"name": …} attendu.', 'name');
  }
  const name = typeof decoded === 'object' && decoded !== null ? (decoded as { name?: unknown }).name : undefined;
  if (typeof name !== 'string' || name.trim() === '' || name.length > PLACE_NAME_CHARS_MAX) throw invalid(`Un nom de 1 à ${PLACE_NAME_CHARS_MAX} caractères est attendu.`, 'name');
  return name.trim();
}

/** The host LaBoutik reached the hub at: the domain it will pair with. */
function hostOf(request: FastifyRequest): string {
  return String(request.headers.host ?? 'localhost');
}

/** A place, its admin (a test address) and a one-use pairing key, in one transaction. */
async function testPlace(context: HubContext, name: string, domain: string): Promise<string> {
  const at = iso(context.clock.now());
  const issued = newApiKey();
  const place = { id: context.newId(), walletId: context.newId() };
  await write(context, `a place named "${name}"`, async (tx) => {
    if (await repo.getPlaceByName(tx, name)) throw invalid('Un lieu porte déjà ce nom.', 'name');
    const { user } = await userForEmail(context, tx, `admin-${place.id}@test.invalid`, at);
    await repo.insertWallets(tx, [{ id: place.walletId, kind: 'place', name, publicKey: null }]);
    await repo.insertPlace(tx, { id: place.id, name, description: '', walletId: place.walletId, enrollUnknownCards: false, offlinePolicy: JSON.stringify(DEFAULT_OFFLINE_POLICY), createdAt: at, adminUserId: user.id });
    await repo.upsertCompatPlace(tx, { placeId: place.id, lespassDomain: null });
    await repo.insertCompatApiKey(tx, { prefix: issued.prefix, hashedKey: issued.hashedKey, name: `temp_${name}:${user.email}`, kind: 'temp', placeId: place.id, userId: user.id, createdAt: at });
  });
  context.events.emit('directory', { place: place.id });
  return b64urlPadded(pythonJsonDumps({ domain, uuid: place.id, temp_key: issued.key }));
}
