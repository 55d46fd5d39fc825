/**
 * Paying at a till with the card holder's payment QR code (`QRS`): the till
 * scans the code (pay-token.ts), adds the sale and asks the hub over its
 * authenticated `/sync` connection; the hub answers once the QRS is committed
 * or refused. Online only: a code is never accepted offline, and never into debt.
 *
 * The till signs the sale as it signs its entries, so the stored request proves
 * which till asked for what, beside the wallet's own signature in the code.
 */
import { z } from 'zod';
import { RULE_CODES } from './codes';
import { Amount, Balance, Signature, Uuid } from './primitives';

export const QR_SALE_PURPOSE = 'fedow-till-qr-sale';
/** A scanned code is ~150 characters; anything far longer is not one. */
export const QR_CODE_CHARS_MAX = 256;

/**
 * Why the hub refuses a payment code before the ledger sees it; nothing is
 * stored. `code_forged`: the signature does not verify with the wallet's
 * registered key (a tampered code, or one signed by another key).
 */
export const QR_CODE_REFUSALS = ['code_unreadable', 'code_expired', 'code_used', 'code_forged', 'wallet_without_key', 'till_signature', 'till_not_active'] as const;
export type QrCodeRefusal = (typeof QR_CODE_REFUSALS)[number];

export const QR_SALE_REASONS = [...QR_CODE_REFUSALS, ...RULE_CODES] as const;
export type QrSaleReason = (typeof QR_SALE_REASONS)[number];

/** What the till signs (hash(body), as its entries). */
export function qrSaleBody(fields: { terminal: string; place: string; id: string; code: string; amount: number; asset: string | null }) {
  return { purpose: QR_SALE_PURPOSE, terminal: fields.terminal, place: fields.place, id: fields.id, code: fields.code, amount: fields.amount, asset: fields.asset } as const;
}

export const QrSale = z.strictObject({
  type: z.literal('qr-sale'),
  /** The till's id for this sale: a retry of the same sale gets the same answer. */
  id: Uuid,
  /** The scanned text, as the scanner typed it. */
  code: z.string().min(1).max(QR_CODE_CHARS_MAX),
  amount: Amount.refine((amount) => amount > 0, 'more than 0'),
  /** Null: the hub takes the first asset of the wallet, in TNF → TLF → FED order, that the place accepts and that covers the amount. */
  asset: Uuid.nullable(),
  sig: Signature,
});
export type QrSale = z.infer<typeof QrSale>;

export const QrSaleResult = z.strictObject({
  type: z.literal('qr-sale-result'),
  id: Uuid,
  status: z.enum(['applied', 'refused']),
  reason: z.enum(QR_SALE_REASONS).optional(),
  /** Words for the cashier, in English; the till translates by `reason`. */
  message: z.string().max(500).optional(),
  wallet: Uuid.optional(),
  asset: Uuid.optional(),
  /** Applied: the wallet's balance of `asset` after the payment. */
  balance: Balance.optional(),
  /** Refused for `insufficient_funds`: what is missing, in minor units of `asset`. */
  missing: Amount.optional(),
});
export type QrSaleResult = z.infer<typeof QrSaleResult>;
