/**
 * The original's bootstrap (reference/fedow-clients.md §2): the root key, a place
 * made by Lespass with its admin, the temp key handed to LaBoutik through the
 * admin's RSA key, and LaBoutik's form-encoded handshake.
 */
import { generateKeyPairSync } from 'node:crypto';
import { DEFAULT_OFFLINE_POLICY } from '@fedow/protocol';
import type { FastifyInstance } from 'fastify';
import type { HubContext } from '../context';
import { iso } from '../clock';
import { write } from '../directory/common';
import { handleStripeNotification } from '../money/providers/stripe-notifications';
import { userForEmail } from '../money/users';
import * as repo from '../storage/repo';
import type { Tx } from '../storage/types';
import { API_KEY_CHARS, hashApiKey, newApiKey } from './api-keys';
import { denied } from './auth';
import { invalid, objectBody, route, text, uuid, type Fields } from './http';
import { formAsPythonJson } from './python';
import { b64urlPadded, oaepEncrypt, PEM_CHARS_MAX, rsaPublicKey, verifyPss } from '../crypto/rsa';

export function bootstrapRoutes(app: FastifyInstance, context: HubContext): void {
  route(app, context, 'GET', '/helloworld/', null, async () => ({ status: 200, body: { message: 'Hello world!' } }));
  route(app, context, 'GET', '/helloworld_apikey/', 'K', async () => ({ status: 200, body: { message: 'Hello world!' } }));
  route(app, context, 'POST', '/helloworld_apikey/', 'KP', async () => ({ status: 200, body: { message: 'Hello world!' } }));
  route(app, context, 'GET', '/root_tibillet_handshake/', null, async ({ request }) => rootHandshake(context, request.ip));
  route(app, context, 'POST', '/place/', 'C', async ({ request, raw, body }) => createPlace(context, objectBody(body), raw ?? '', request.headers.signature));
  route(app, context, 'GET', '/place/link_cashless_to_place/', 'KW', async ({ caller }) => linkCashless(context, caller.place!, caller.wallet!));
  // The original's Stripe webhook path, for Stripe accounts set up for it: the same handler as /webhooks/stripe.
  app.post('/webhook_stripe/', async (request) => {
    const raw = Buffer.from(typeof request.body === 'string' ? request.body : '', 'utf8');
    const signature = request.headers['stripe-signature'];
    return handleStripeNotification(context, raw, typeof signature === 'string' ? signature : undefined);
  });
  route(app, context, 'POST', '/place/handshake/', 'K', async ({ caller, raw, body, request }) => handshake(context, caller.key!, objectBody(body), raw ?? '', request));
}

/** The first caller gets the key that creates places (the original's rule); later callers get 208. */
async function rootHandshake(context: HubContext, ip: string) {
  // Generated before the transaction: a 2048-bit key takes tens of milliseconds.
  const hubKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const issued = newApiKey();
  return context.storage.transaction(async (tx) => {
    if ((await repo.listCompatApiKeys(tx, 'root')).length > 0) return { status: 208, body: { 'already done': true } };
    const at = iso(context.clock.now());
    await repo.insertCompatApiKey(tx, { prefix: issued.prefix, hashedKey: issued.hashedKey, name: `billetterie_root_${ip}`, kind: 'root', createdAt: at });
    const primary = await repo.getPrimaryWallet(tx);
    // The original answers its primary wallet's public key; no client uses it, and the hub signs nothing with it.
    if (primary) await repo.insertWalletKey(tx, primary.id, hubKey, at);
    const pem = primary ? ((await repo.getWalletKey(tx, primary.id)) ?? hubKey) : hubKey;
    return { status: 201, body: { api_key: issued.key, fedow_pub_pem: pem } };
  });
}

function checkedPem(fields: Fields, name: string): string {
  const pem = text(fields, name, { max: PEM_CHARS_MAX });
  if (!rsaPublicKey(pem)) throw invalid('Clé publique RSA de 2048 bits au moins attendue.', name);
  return pem;
}

/** A user's wallet key: stored on first sight, and any other key later is refused (the original's "Invalid pub pem"). */
export async function bindWalletKey(tx: Tx, walletId: string, pem: string, at: string): Promise<void> {
  if (await repo.insertWalletKey(tx, walletId, pem, at)) return;
  if ((await repo.getWalletKey(tx, walletId)) !== pem) throw invalid('Invalid pub pem', 'public_pem');
}

async function createPlace(context: HubContext, fields: Fields, raw: string, signature: string | string[] | undefined) {
  const name = text(fields, 'place_name', { max: 100 });
  const domain = text(fields, 'place_domain', { max: 255 });
  const email = text(fields, 'admin_email', { max: 254 }).trim().toLowerCase();
  const pem = checkedPem(fields, 'admin_pub_pem');
  if (typeof signature !== 'string' || !verifyPss(pem, b64urlPadded(raw), signature)) throw denied('Signature invalide.');
  const at = iso(context.clock.now());
  const issued = newApiKey();
  const answer = await write(context, `a place named "${name}"`, async (tx) => {
    if (await repo.getPlaceByName(tx, name)) throw invalid('Un lieu porte déjà ce nom.', 'place_name');
    const { user } = await userForEmail(context, tx, email, at);
    await bindWalletKey(tx, user.walletId, pem, at);
    const place = { id: context.newId(), walletId: context.newId() };
    await repo.insertWallets(tx, [{ id: place.walletId, kind: 'place', name, publicKey: null }]);
    await repo.insertPlace(tx, { id: place.id, name, description: '', walletId: place.walletId, enrollUnknownCards: false, offlinePolicy: JSON.stringify(DEFAULT_OFFLINE_POLICY), createdAt: at, adminUserId: user.id });
    await repo.upsertCompatPlace(tx, { placeId: place.id, lespassDomain: domain });
    await repo.insertCompatApiKey(tx, { prefix: issued.prefix, hashedKey: issued.hashedKey, name: `lespass_${name}:${email}`, kind: 'place', placeId: place.id, userId: user.id, createdAt: at });
    return { uuid: place.id, name, dokos_id: null, wallet: place.walletId, lespass_domain: domain, key: issued.key };
  });
  context.events.emit('directory', { place: answer.uuid });
  return { status: 201, body: answer };
}

/** A one-use key for LaBoutik, encrypted for the place's admin (RSA-OAEP); the admin alone may ask. */
async function linkCashless(context: HubContext, place: repo.Place, wallet: string) {
  const read = context.storage.read;
  const admin = place.adminUserId === null ? undefined : (await repo.getUsers(read, [place.adminUserId])).get(place.adminUserId);
  if (!admin || admin.walletId !== wallet) throw denied("Seul l'administrateur du lieu peut lier une caisse.");
  const compat = await repo.getCompatPlace(read, place.id);
  if (compat?.cashlessUrl) return { status: 405, body: { detail: 'Une caisse est déjà liée à ce lieu.' } };
  const pem = (await repo.getWalletKey(read, wallet))!;
  const issued = newApiKey();
  await context.storage.transaction((tx) =>
    repo.insertCompatApiKey(tx, { prefix: issued.prefix, hashedKey: issued.hashedKey, name: `temp_${place.name}:${admin.email}`, kind: 'temp', placeId: place.id, userId: admin.id, createdAt: iso(context.clock.now()) }),
  );
  return { status: 201, body: { rsa_cypher_message: oaepEncrypt(pem, issued.key) } };
}

/**
 * LaBoutik's handshake: form-encoded, signed with the private half of the key it
 * sends, over the JSON the original rebuilds from the form. Spends the temp key
 * and answers the place's own key, as a JSON string of base64url JSON.
 */
async function handshake(context: HubContext, key: repo.CompatApiKey, fields: Fields, raw: string, request: { headers: Record<string, unknown> }) {
  if (key.kind !== 'temp') throw denied("Une clé temporaire (temp_) est attendue pour l'appairage.");
  const placeId = uuid(fields, 'fedow_place_uuid');
  if (placeId !== key.placeId) throw denied("Cette clé n'appartient pas à ce lieu.");
  const pem = checkedPem(fields, 'cashless_rsa_pub_key');
  const signature = request.headers.signature;
  if (typeof signature !== 'string' || !verifyPss(pem, b64urlPadded(formAsPythonJson(raw)), signature)) throw denied('Signature invalide.');
  const adminKey = text(fields, 'cashless_admin_apikey');
  if (adminKey.length !== API_KEY_CHARS) throw invalid(`Exactement ${API_KEY_CHARS} caractères attendus.`, 'cashless_admin_apikey');
  const at = iso(context.clock.now());
  const issued = newApiKey();
  const place = await context.storage.transaction(async (tx) => {
    if (!(await repo.revokeCompatApiKey(tx, key.prefix, at))) throw denied('Clé temporaire déjà utilisée.');
    const place = (await repo.getPlace(tx, placeId))!;
    const existing = await repo.getCompatPlace(tx, placeId);
    const dokos = typeof fields.dokos_id === 'string' && fields.dokos_id !== 'None' ? fields.dokos_id : null;
    await repo.upsertCompatPlace(tx, {
      placeId,
      lespassDomain: existing?.lespassDomain ?? null,
      cashlessRsaPubKey: pem,
      cashlessIp: typeof fields.cashless_ip === 'string' ? fields.cashless_ip : null,
      cashlessUrl: text(fields, 'cashless_url'),
      cashlessAdminApikeyHash: hashApiKey(adminKey),
      dokosId: dokos,
      handshakeAt: at,
    });
    const admin = key.userId === null ? undefined : (await repo.getUsers(tx, [key.userId])).get(key.userId);
    await repo.insertCompatApiKey(tx, { prefix: issued.prefix, hashedKey: issued.hashedKey, name: `${place.name}:${admin?.email ?? ''}`, kind: 'place', placeId, userId: key.userId, createdAt: at });
    return place;
  });
  const payload = JSON.stringify({ place_admin_apikey: issued.key, place_wallet_uuid: place.walletId });
  return { status: 202, body: b64urlPadded(payload) };
}
