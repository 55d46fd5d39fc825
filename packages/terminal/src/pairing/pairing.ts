import { join } from 'node:path';
import type { CryptoProvider } from '@fedow/ledger';
import { LABEL_CHARS_MAX, PairRequest, PairResponse, describeIssues } from '@fedow/protocol';
import type { Identity, Journal } from '../store/journal';
import { loadOrCreateKeyFile, type KeyFileOptions, type KeyFileResult } from './keys';

/**
 * Pairing a till with a hub (SYNC.md, "Pairing a till"): one HTTP call with the
 * operator's code and this till's public key; the answer becomes the journal's
 * identity. The private key never leaves the till.
 *
 * Decisions the spec leaves open, taken here:
 * - `Identity.hubUrl` is the hub's base HTTP(S) address as the operator typed it
 *   (without a trailing slash); the sync URL is derived from it (`syncUrl`).
 * - A till whose journal already holds entries refuses to pair again before it
 *   spends the code: its chain belongs to the terminal it was paired as.
 * - Every failure is a typed result; only a programmer error throws.
 */

export const KEY_FILE_NAME = 'till.key';
export const DATABASE_FILE_NAME = 'till.db';
/** A hub that has not answered in this long is treated as unreachable. */
export const PAIRING_TIMEOUT_MS = 15_000;

export type PairingErrorCode =
  | 'bad_request' // 400: the hub refused our body (a bug, or a code of the wrong shape)
  | 'unknown_code' // 404
  | 'expired_code' // 410: expired or already used
  | 'rate_limited' // 429
  | 'network' // no answer: DNS, refused, timeout, TLS
  | 'bad_response' // the hub answered something that is not a pairing response
  | 'identity_rejected' // the answer does not fit this till (genesis, key)
  | 'already_paired';

export type PairResult =
  | { ok: true; identity: Identity }
  | { ok: false; code: PairingErrorCode; message: string; retryAfterMs?: number };

export interface PairOptions {
  hubUrl: string;
  code: string;
  /** The till's name as operators see it ("Bar 1"). */
  name: string;
  /** Software and version, as in `hello.agent`. */
  agent: string;
  journal: Journal;
  /** This till's public key, lowercase hex (from keys.ts). */
  publicKey: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/** Loads the till's key from the data directory, creating it on first start. */
export function ensureTillKey(dataDirectory: string, crypto: CryptoProvider, options: KeyFileOptions = {}): KeyFileResult {
  return loadOrCreateKeyFile(join(dataDirectory, KEY_FILE_NAME), crypto, options);
}

/** `http://hub:8442/` → `http://hub:8442`; refuses what is not an http(s) URL. */
export function normaliseHubUrl(hubUrl: string): { ok: true; url: string } | { ok: false; message: string } {
  let url: URL;
  try {
    url = new URL(hubUrl.trim());
  } catch {
    return { ok: false, message: `"${hubUrl}" is not a URL` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, message: `the hub address must start with http:// or https://` };
  return { ok: true, url: `${url.origin}${url.pathname.replace(/\/+$/, '')}` };
}

/** The WebSocket address of `/sync` for a hub base URL (`http` → `ws`, `https` → `wss`). */
export function syncUrl(hubUrl: string): string {
  const url = new URL(hubUrl);
  if (url.protocol === 'ws:' || url.protocol === 'wss:') return url.href;
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/sync`;
  return url.href;
}

export async function pairTill(options: PairOptions): Promise<PairResult> {
  const base = normaliseHubUrl(options.hubUrl);
  if (!base.ok) return { ok: false, code: 'bad_request', message: base.message };
  const request = PairRequest.safeParse({ code: options.code, publicKey: options.publicKey, name: options.name.slice(0, LABEL_CHARS_MAX), agent: options.agent });
  if (!request.success) return { ok: false, code: 'bad_request', message: describeIssues(request.error.issues) };
  const head = options.journal.head();
  if (head && head.seq > 0) {
    return { ok: false, code: 'already_paired', message: `this till already holds ${head.seq} entries of terminal ${options.journal.identity()?.terminal}` };
  }
  const answer = await post(`${base.url}/api/v1/terminals/pair`, request.data, options.fetch ?? fetch, options.timeoutMs ?? PAIRING_TIMEOUT_MS);
  if (!answer.ok) return answer;
  const parsed = PairResponse.safeParse(answer.body);
  if (!parsed.success) return { ok: false, code: 'bad_response', message: describeIssues(parsed.error.issues) };
  const identity: Identity = {
    terminal: parsed.data.terminal,
    publicKey: options.publicKey,
    place: parsed.data.place,
    placeName: parsed.data.placeName,
    hubPublicKey: parsed.data.hub,
    hubUrl: base.url,
    genesis: parsed.data.genesis,
  };
  const stored = options.journal.setIdentity(identity);
  if (!stored.ok) return { ok: false, code: stored.code === 'already_paired' ? 'already_paired' : 'identity_rejected', message: stored.message };
  return { ok: true, identity };
}

type PostResult = { ok: true; body: unknown } | { ok: false; code: PairingErrorCode; message: string; retryAfterMs?: number };

async function post(url: string, body: unknown, fetcher: typeof fetch, timeoutMs: number): Promise<PostResult> {
  let response: Response;
  try {
    response = await fetcher(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    return { ok: false, code: 'network', message: `cannot reach ${url}: ${describeError(error)}` };
  }
  const text = await response.text().catch(() => '');
  if (response.status === 201 || response.status === 200) {
    try {
      return { ok: true, body: JSON.parse(text) };
    } catch {
      return { ok: false, code: 'bad_response', message: 'the hub answered with something that is not JSON' };
    }
  }
  const message = hubMessage(text) ?? `HTTP ${response.status}`;
  switch (response.status) {
    case 400:
      return { ok: false, code: 'bad_request', message };
    case 404:
      return { ok: false, code: 'unknown_code', message };
    case 410:
      return { ok: false, code: 'expired_code', message };
    case 429: {
      const retryAfterMs = retryAfter(response.headers.get('retry-after'));
      return { ok: false, code: 'rate_limited', message, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
    }
    default:
      return { ok: false, code: response.status >= 500 ? 'network' : 'bad_response', message };
  }
}

/** The `{error: {message}}` of the hub's HTTP errors, if that is what it sent. */
function hubMessage(text: string): string | undefined {
  try {
    const json: unknown = JSON.parse(text);
    if (typeof json === 'object' && json !== null && 'error' in json) {
      const error = json.error;
      if (typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string') return error.message;
    }
  } catch {
    // not JSON: fall back to the status
  }
  return undefined;
}

function retryAfter(header: string | null): number | undefined {
  if (header === null) return undefined;
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}
