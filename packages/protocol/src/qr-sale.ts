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
import { QR_SALE_REASONS } from './codes';
import { Amount, Balance, Signature, Uuid } from './primitives';
import { QR_CODE_CHARS_MAX } from './limits';

export const QR_SALE_PURPOSE = 'fedow-till-qr-sale';


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
