import { canonicalize } from './canonical';
import { fromHex, toHex } from './hex';

/**
 * The primitives the ledger needs. Two implementations give identical bytes:
 * `nobleCrypto` (portable: browser, kiosk renderer) and `nodeCrypto` (fast: hub).
 * Keys are raw 32-byte Ed25519 seeds and public keys.
 */
export interface CryptoProvider {
  readonly name: string;
  sha256(data: Uint8Array): Uint8Array;
  publicKey(secretKey: Uint8Array): Uint8Array;
  sign(secretKey: Uint8Array, message: Uint8Array): Uint8Array;
  /** A malformed signature or key is `false`, never an exception. */
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
  /**
   * hex(sha256(utf8(text))) in one call, where the implementation has one:
   * node:crypto's took half the time of encoding, hashing and hex in three.
   */
  sha256Hex?(text: string): string;
}

const utf8 = new TextEncoder();

/** hash(x) = hex(sha256(utf8(JCS(x)))) */
export function hashBody(crypto: CryptoProvider, body: unknown): string {
  return hashText(crypto, canonicalize(body));
}

/** hex(sha256(utf8(text))): the hash of a body whose JCS text is already written. */
export function hashText(crypto: CryptoProvider, text: string): string {
  return crypto.sha256Hex ? crypto.sha256Hex(text) : toHex(crypto.sha256(utf8.encode(text)));
}

/** sign(key, x) = hex(ed25519(key, bytes(hash(x)))) */
export function signHash(crypto: CryptoProvider, secretKey: Uint8Array, hash: string): string {
  return toHex(crypto.sign(secretKey, fromHex(hash)));
}

export function signBody(crypto: CryptoProvider, secretKey: Uint8Array, body: unknown): { hash: string; sig: string } {
  const hash = hashBody(crypto, body);
  return { hash, sig: signHash(crypto, secretKey, hash) };
}

export function verifyHash(crypto: CryptoProvider, publicKeyHex: string, hash: string, sigHex: string): boolean {
  if (!/^[0-9a-f]{64}$/.test(publicKeyHex) || !/^[0-9a-f]{64}$/.test(hash) || !/^[0-9a-f]{128}$/.test(sigHex)) return false;
  return crypto.verify(fromHex(publicKeyHex), fromHex(hash), fromHex(sigHex));
}

/** Recomputes the hash of `body` and checks both it and the signature. */
export function verifySigned(
  crypto: CryptoProvider,
  publicKeyHex: string,
  signed: { body: unknown; hash: string; sig: string },
): 'ok' | 'bad_hash' | 'bad_signature' {
  let hash: string;
  try {
    hash = hashBody(crypto, signed.body);
  } catch {
    return 'bad_hash';
  }
  if (hash !== signed.hash) return 'bad_hash';
  return verifyHash(crypto, publicKeyHex, hash, signed.sig) ? 'ok' : 'bad_signature';
}

export function publicKeyHex(crypto: CryptoProvider, secretKey: Uint8Array): string {
  return toHex(crypto.publicKey(secretKey));
}
