/**
 * Requests a card holder signs with their wallet's Ed25519 key (the `wallet`
 * source of DESIGN.md's one path): a transfer to another user (`TRF`) and a
 * payment to a place (`QRS`, the wallet on a QR code). The signature covers
 * hash(body) as every signature of LEDGER.md; the nonce is the idempotency key.
 */
import { z } from 'zod';
import { WALLET_REQUEST_TTL_MS } from './limits';
import { Amount, Timestamp, Uuid } from './primitives';

export const WALLET_REQUEST_PURPOSE = 'fedow-wallet-request';

const Hex = (bytes: number) => z.string().regex(new RegExp(`^[0-9a-f]{${bytes * 2}}$`), `${bytes} bytes of lowercase hex`);

export const WalletRequestBody = z
  .strictObject({
    purpose: z.literal(WALLET_REQUEST_PURPOSE),
    v: z.literal(1),
    /** The wallet that pays, and signs. */
    wallet: Uuid,
    kind: z.enum(['TRF', 'QRS']),
    asset: Uuid,
    amount: Amount.refine((amount) => amount > 0, 'more than 0'),
    /** TRF: the receiving user's wallet. */
    to: Uuid.optional(),
    /** QRS: the place paid. */
    place: Uuid.optional(),
    /** 16 random bytes: a request is applied once. */
    nonce: Hex(16),
    /** At most WALLET_REQUEST_TTL_MS after it was made: a code shown on a phone is short-lived. */
    expires: Timestamp,
  })
  .refine((body) => (body.kind === 'TRF' ? body.to !== undefined && body.place === undefined : body.place !== undefined && body.to === undefined), {
    message: 'a TRF names `to`, a QRS names `place`',
  });
export type WalletRequestBody = z.infer<typeof WalletRequestBody>;

export const WalletRequest = z.strictObject({ body: WalletRequestBody, sig: Hex(64) });
export type WalletRequest = z.infer<typeof WalletRequest>;

/** A wallet's public key, registered once the holder is authenticated. */
export const WalletKeySet = z.strictObject({ publicKey: Hex(32) });

export { WALLET_REQUEST_TTL_MS };
