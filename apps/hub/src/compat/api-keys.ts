/**
 * The original's API keys (djangorestframework-api-key): `<prefix 8>.<secret 32>`,
 * 41 characters, sent as `Authorization: Api-Key <key>`, found by prefix and
 * checked against a stored hash. Keys made here are hashed with SHA-256; keys
 * imported from an existing Fedow keep the original's hasher string.
 */
import { createHash, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

export const API_KEY_CHARS = 41;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const KEY_SHAPE = /^([A-Za-z0-9]{8})\.([A-Za-z0-9]{32})$/;

export function newApiKey(): { key: string; prefix: string; hashedKey: string } {
  const prefix = randomText(8);
  const key = `${prefix}.${randomText(32)}`;
  return { key, prefix, hashedKey: hashApiKey(key) };
}

export function hashApiKey(key: string): string {
  return `sha256$${createHash('sha256').update(key).digest('hex')}`;
}

/** The prefix of a well-formed key, or null. */
export function apiKeyPrefix(key: string): string | null {
  return KEY_SHAPE.exec(key)?.[1] ?? null;
}

// PBKDF2 with Django's iteration counts costs ~0.5 s: a key checked once is
// remembered by its SHA-256 until the process ends (bounded).
const verified = new Map<string, string>();
const VERIFIED_MAX = 10_000;

/** Checks `key` against a stored hash: ours (`sha256$`), drf-api-key 3 (`sha512$$`) or Django's `pbkdf2_sha256$`. */
export function apiKeyMatches(key: string, hashedKey: string): boolean {
  const digest = createHash('sha256').update(key).digest('hex');
  if (hashedKey.startsWith('sha256$')) return same(`sha256$${digest}`, hashedKey);
  if (verified.get(digest) === hashedKey) return true;
  const ok = slowMatch(key, hashedKey);
  if (ok) {
    if (verified.size >= VERIFIED_MAX) verified.clear();
    verified.set(digest, hashedKey);
  }
  return ok;
}

function slowMatch(key: string, hashedKey: string): boolean {
  if (hashedKey.startsWith('sha512$$')) return same(`sha512$$${createHash('sha512').update(key).digest('hex')}`, hashedKey);
  const pbkdf2 = /^pbkdf2_sha256\$(\d+)\$([^$]+)\$([A-Za-z0-9+/=]+)$/.exec(hashedKey);
  if (pbkdf2) {
    const iterations = Number(pbkdf2[1]);
    if (iterations < 1 || iterations > 5_000_000) return false;
    const derived = pbkdf2Sync(key, pbkdf2[2]!, iterations, 32, 'sha256').toString('base64');
    return same(derived, pbkdf2[3]!);
  }
  return false;
}

function same(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function randomText(length: number): string {
  const bytes = randomBytes(length * 2);
  let text = '';
  // 62 symbols: bytes ≥ 248 are skipped so every symbol is equally likely.
  for (const byte of bytes) {
    if (byte < 248) text += ALPHABET[byte % 62];
    if (text.length === length) return text;
  }
  return text + randomText(length - text.length);
}
