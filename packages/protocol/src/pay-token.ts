/**
 * The payment QR code a card holder's page shows ("wallet on QR code"): the
 * holder's wallet, a nonce and an expiry, signed with the wallet's Ed25519 key.
 * It names no amount and no place: the till that scans it adds both and signs
 * the sale itself, so the code only says "this wallet agrees to pay, once, in
 * the next minute".
 *
 * On screen it is text a USB QR scanner types like a keyboard, so it is kept
 * short and within the characters every scanner layout types alike: a prefix
 * and base64url of 104 bytes (wallet 16, nonce 16, expiry as milliseconds 8,
 * signature 64). The signature covers hash(body) of the JSON body decoded from
 * those bytes, as every signature of LEDGER.md.
 */
import { z } from 'zod';
import { ALPHABET, PAY_TOKEN_PREFIX, PAY_TOKEN_PURPOSE, TOKEN_BYTES } from './pay-token-text';
import { Timestamp, Uuid } from './primitives';

export { encodePayToken, PAY_TOKEN_PREFIX, PAY_TOKEN_PURPOSE } from './pay-token-text';

const Hex = (bytes: number) => z.string().regex(new RegExp(`^[0-9a-f]{${bytes * 2}}$`), `${bytes} bytes of lowercase hex`);

export const PayTokenBody = z.strictObject({
  purpose: z.literal(PAY_TOKEN_PURPOSE),
  v: z.literal(1),
  wallet: Uuid,
  nonce: Hex(16),
  expires: Timestamp,
});
export type PayTokenBody = z.infer<typeof PayTokenBody>;

export const PayToken = z.strictObject({ body: PayTokenBody, sig: Hex(64) });
export type PayToken = z.infer<typeof PayToken>;

export type DecodedPayToken = { ok: true; token: PayToken } | { ok: false; reason: string };

/** Reads a scanned text back into the token; anything else is refused with a reason. */
export function decodePayToken(text: string): DecodedPayToken {
  const trimmed = text.trim();
  if (!trimmed.startsWith(PAY_TOKEN_PREFIX)) return { ok: false, reason: 'not a Fedow payment code' };
  const bytes = fromBase64Url(trimmed.slice(PAY_TOKEN_PREFIX.length));
  if (!bytes || bytes.length !== TOKEN_BYTES) return { ok: false, reason: 'a damaged payment code: scan it again' };
  const expiresMs = new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(32);
  if (expiresMs > BigInt(8.64e15)) return { ok: false, reason: 'a damaged payment code: scan it again' };
  const wallet = bytesToHex(bytes.subarray(0, 16));
  const parsed = PayToken.safeParse({
    body: {
      purpose: PAY_TOKEN_PURPOSE,
      v: 1,
      wallet: `${wallet.slice(0, 8)}-${wallet.slice(8, 12)}-${wallet.slice(12, 16)}-${wallet.slice(16, 20)}-${wallet.slice(20)}`,
      nonce: bytesToHex(bytes.subarray(16, 32)),
      expires: new Date(Number(expiresMs)).toISOString(),
    },
    sig: bytesToHex(bytes.subarray(40)),
  });
  return parsed.success ? { ok: true, token: parsed.data } : { ok: false, reason: 'a damaged payment code: scan it again' };
}

function bytesToHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

function fromBase64Url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null;
  const bytes: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const char of text) {
    buffer = (buffer << 6) | ALPHABET.indexOf(char);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((buffer >> bits) & 0xff);
    }
  }
  return new Uint8Array(bytes);
}
