/**
 * The original's RSA recipe (reference/fedow-clients.md §1, §6.4): PSS with
 * MGF1-SHA-256, SHA-256 and the maximum salt (emLen − 34: 222 bytes at 2048 bits),
 * signatures in base64url with `=` padding; public keys in SPKI PEM of at most 512
 * characters and at least 2048 bits.
 */
import { constants, createPublicKey, publicEncrypt, verify, type KeyObject } from 'node:crypto';

/** The original's column limit for `public_pem` and `cashless_rsa_pub_key`. */
export const PEM_CHARS_MAX = 512;
export const RSA_BITS_MIN = 2048;
/** A signature of a 4096-bit key in padded base64 is 684 characters; anything longer is not one. */
const SIGNATURE_CHARS_MAX = 1_024;

const keys = new Map<string, KeyObject>();
const KEY_CACHE_MAX = 10_000;

/** The key, or null when the PEM is not an RSA public key the original would accept. */
export function rsaPublicKey(pem: string): KeyObject | null {
  const cached = keys.get(pem);
  if (cached) return cached;
  if (pem.length > PEM_CHARS_MAX) return null;
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    return null;
  }
  if (key.asymmetricKeyType !== 'rsa' || (key.asymmetricKeyDetails?.modulusLength ?? 0) < RSA_BITS_MIN) return null;
  // A bounded cache: parsing a PEM costs more than verifying a signature.
  if (keys.size >= KEY_CACHE_MAX) keys.clear();
  keys.set(pem, key);
  return key;
}

/** The salt the original's signers use: the largest the modulus allows. */
export function maxSaltBytes(key: KeyObject): number {
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  return Math.ceil((bits - 1) / 8) - 32 - 2;
}

/** base64url of UTF-8 bytes, padded, as Python's `urlsafe_b64encode`. */
export function b64urlPadded(bytes: Buffer | string): string {
  const buffer = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  const text = buffer.toString('base64url');
  return text + '='.repeat((4 - (text.length % 4)) % 4);
}

/**
 * True when `signature` (base64url, padded or not) signs `message` under `pem`
 * with the maximum salt; false for anything malformed, never a throw.
 */
export function verifyPss(pem: string, message: string, signature: string): boolean {
  const key = rsaPublicKey(pem);
  if (!key || signature.length === 0 || signature.length > SIGNATURE_CHARS_MAX || !/^[A-Za-z0-9_-]+={0,2}$/.test(signature)) return false;
  try {
    return verify('sha256', Buffer.from(message, 'utf8'), { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: maxSaltBytes(key) }, Buffer.from(signature, 'base64url'));
  } catch {
    return false;
  }
}

/** RSA-OAEP (MGF1-SHA-256, SHA-256, no label), base64url padded: how `link_cashless_to_place` hands the temp key to the admin. */
export function oaepEncrypt(pem: string, text: string): string {
  const key = rsaPublicKey(pem);
  if (!key) throw new Error('oaepEncrypt: not an RSA public key');
  return b64urlPadded(publicEncrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, Buffer.from(text, 'utf8')));
}
