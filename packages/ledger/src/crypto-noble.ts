import * as ed from '@noble/ed25519';
import { sha256 } from '@noble/hashes/sha2.js';
import { sha512 } from '@noble/hashes/sha2.js';
import type { CryptoProvider } from './crypto';

// @noble/ed25519 v3 ships without a hash: it must be given SHA-512 once.
ed.hashes.sha512 = sha512;

/** Portable implementation: pure JavaScript, runs in browsers and Electron renderers. */
export const nobleCrypto: CryptoProvider = {
  name: '@noble/ed25519',
  sha256: (data) => sha256(data),
  publicKey: (secretKey) => ed.getPublicKey(secretKey),
  sign: (secretKey, message) => ed.sign(message, secretKey),
  verify(publicKey, message, signature) {
    try {
      return ed.verify(signature, message, publicKey);
    } catch {
      return false;
    }
  },
};
