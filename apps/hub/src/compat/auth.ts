/**
 * The original's permission classes, rebuilt (reference/fedow-http-api.md, "Signing
 * canonicalisation"; fedow-original.md §3):
 * - K: a place's key (a temp key included: the handshake's own); KO: a place's
 *   key, never a temp key; C: the root key;
 * - KP: a place's key plus LaBoutik's signature with the place's cashless key —
 *   over the key itself on GET, over base64url of the raw body on POST; a Lespass
 *   place (lespass_domain set, no cashless key) passes with its key alone;
 * - W: `Wallet`, `Date` and the wallet key's signature — over
 *   `"{wallet}:{isoformat(Date)}"` on GET, over the body on POST; KW: W plus KO.
 * Every refusal is a 403 `{"detail": …}` and changes nothing.
 */
import type { FastifyRequest } from 'fastify';
import type { HubContext } from '../context';
import { HubError } from '../errors';
import * as repo from '../storage/repo';
import { apiKeyMatches, apiKeyPrefix } from './api-keys';
import { pythonIsoformat } from './python';
import { b64urlPadded, verifyPss } from '../crypto/rsa';

export type Scheme = 'K' | 'KO' | 'KP' | 'KW' | 'W' | 'C';

export interface Caller {
  key: repo.CompatApiKey | null;
  /** The place the key acts for (null for the root key and under W). */
  place: repo.Place | null;
  compatPlace: repo.CompatPlace | null;
  /** The wallet that signed (W, KW), by its stored id. */
  wallet: string | null;
}

export function denied(detail: string): HubError {
  return new HubError('forbidden', detail, 403);
}

const NO_CREDENTIALS = "Informations d'authentification non fournies.";

/** The caller under `scheme`, or a 403. `rawBody` is the body's bytes as received (POST), null on GET. */
export async function authenticate(context: HubContext, request: FastifyRequest, scheme: Scheme, rawBody: string | null): Promise<Caller> {
  const caller: Caller = { key: null, place: null, compatPlace: null, wallet: null };
  if (scheme !== 'W') await checkKey(context, request, scheme, caller);
  if (scheme === 'KP') checkPlaceSignature(request, caller, rawBody);
  if (scheme === 'W' || scheme === 'KW') caller.wallet = await checkWallet(context, request, rawBody);
  return caller;
}

async function checkKey(context: HubContext, request: FastifyRequest, scheme: Scheme, caller: Caller): Promise<void> {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Api-Key (\S+)$/.exec(header.trim()) : null;
  if (!match) throw denied(NO_CREDENTIALS);
  const key = match[1]!;
  const prefix = apiKeyPrefix(key);
  const found = prefix === null ? undefined : await repo.getCompatApiKeyWithPlace(context.storage.read, prefix);
  const row = found?.key;
  if (!found || !row || row.revokedAt !== null || !apiKeyMatches(key, row.hashedKey)) throw denied('Clé API invalide.');
  if (scheme === 'C' ? row.kind !== 'root' : row.kind === 'root' || (row.kind === 'temp' && scheme !== 'K')) {
    throw denied("Vous n'avez pas la permission d'effectuer cette action.");
  }
  caller.key = row;
  if (row.placeId !== null) {
    caller.place = found.place;
    caller.compatPlace = found.compatPlace;
    if (!caller.place) throw denied('Clé API invalide.');
  }
}

function checkPlaceSignature(request: FastifyRequest, caller: Caller, rawBody: string | null): void {
  const pem = caller.compatPlace?.cashlessRsaPubKey ?? null;
  if (pem === null) {
    // The original's rule for Lespass places (FD commit 4654a44): the key alone.
    if (caller.compatPlace?.lespassDomain) return;
    throw denied("Ce lieu n'a pas de clé de caisse : signature impossible à vérifier.");
  }
  const signature = headerText(request, 'signature');
  if (signature === null) throw denied('Signature manquante.');
  const key = request.headers.authorization!.trim().slice('Api-Key '.length);
  const message = request.method === 'GET' ? key : b64urlPadded(rawBody ?? '');
  if (!verifyPss(pem, message, signature)) throw denied('Signature invalide.');
}

async function checkWallet(context: HubContext, request: FastifyRequest, rawBody: string | null): Promise<string> {
  const walletHeader = headerText(request, 'wallet');
  if (walletHeader === null || walletHeader === '') throw denied('En-tête Wallet manquant.');
  const date = headerText(request, 'date');
  if (date === null) throw denied('En-tête Date manquant.');
  // The original answers a 500 here (fromisoformat raises); a refusal is what it means.
  const isoDate = pythonIsoformat(date);
  if (isoDate === null) throw denied('En-tête Date invalide : une date ISO 8601 est attendue.');
  const signature = headerText(request, 'signature');
  if (signature === null) throw denied('Signature manquante.');
  const walletId = walletHeader.toLowerCase();
  const pem = /^[0-9a-f-]{36}$/.test(walletId) ? await repo.getWalletKey(context.storage.read, walletId) : undefined;
  if (pem === undefined) throw denied('Wallet inconnu.');
  const message = request.method === 'GET' ? `${walletId}:${isoDate}` : b64urlPadded(rawBody ?? '');
  if (!verifyPss(pem, message, signature)) throw denied('Signature invalide.');
  return walletId;
}

function headerText(request: FastifyRequest, name: string): string | null {
  const value = request.headers[name];
  return typeof value === 'string' ? value : null;
}
