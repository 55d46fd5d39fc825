/**
 * The payment QR code's text, made from a signed token (pay-token.ts has the
 * schema and the reader). Apart because it needs no schema library: the card
 * holder's page bundles this file alone and stays small on a festival's network.
 */
import type { PayToken } from './pay-token';

export const PAY_TOKEN_PURPOSE = 'fedow-pay-token';
export const PAY_TOKEN_PREFIX = 'FEDOWPAY1.';

export const TOKEN_BYTES = 16 + 16 + 8 + 64;

/** The text of the QR code. */
export function encodePayToken(token: PayToken): string {
  const bytes = new Uint8Array(TOKEN_BYTES);
  bytes.set(hexToBytes(token.body.wallet.replace(/-/g, '')), 0);
  bytes.set(hexToBytes(token.body.nonce), 16);
  new DataView(bytes.buffer).setBigUint64(32, BigInt(Date.parse(token.body.expires)));
  bytes.set(hexToBytes(token.sig), 40);
  return PAY_TOKEN_PREFIX + toBase64Url(bytes);
}

export function hexToBytes(hex: string): Uint8Array {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

export const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

export function toBase64Url(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const chunk = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const chars = i + 1 >= bytes.length ? 2 : i + 2 >= bytes.length ? 3 : 4;
    for (let c = 0; c < chars; c++) text += ALPHABET[(chunk >> (18 - 6 * c)) & 63];
  }
  return text;
}

