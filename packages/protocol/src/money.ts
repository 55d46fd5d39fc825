/**
 * The admin API's requests that move money (apps/hub/src/money): top-ups, and the
 * answer every one of them gets. Each POST that moves money carries an
 * `Idempotency-Key` header: a retry is applied once and answered the same way.
 */
import { z } from 'zod';
import { LABEL_CHARS_MAX } from './limits';
import { Amount, Uuid, UuidInput } from './primitives';
import { CardTag } from './admin';

/** A payment reference: a bank transfer's, a cash-desk receipt's, a provider's id. */
export const PaymentReference = z.string().trim().min(1).max(LABEL_CHARS_MAX);

/** How the money of a top-up was taken. */
export const PaymentMethod = z.enum(['cash', 'card', 'transfer']);
export type PaymentMethod = z.infer<typeof PaymentMethod>;

/**
 * A top-up at the cash desk or recorded by an operator: a card (tag, number or QR
 * code) or a wallet receives `amount` of `asset`. FED needs the payment's reference.
 */
export const TopUpCreate = z
  .strictObject({
    card: CardTag.optional(),
    wallet: UuidInput.optional(),
    asset: UuidInput,
    amount: Amount.refine((amount) => amount > 0, 'a top-up is more than 0'),
    reference: PaymentReference.optional(),
    method: PaymentMethod.default('cash'),
  })
  .refine((body) => (body.card === undefined) !== (body.wallet === undefined), 'name either a card or a wallet');
export type TopUpCreate = z.infer<typeof TopUpCreate>;

/** What every request that moves money is answered: applied (201), or refused by a rule (422). */
export const RequestOutcome = z.strictObject({
  request: Uuid,
  status: z.enum(['applied', 'rejected']),
  reason: z.string().nullable(),
  message: z.string().nullable(),
  transfers: z.array(
    z.strictObject({ id: Uuid, action: z.string(), sender: Uuid, receiver: Uuid, asset: Uuid, amount: z.number().int(), card: Uuid.nullable() }),
  ),
  replayed: z.boolean(),
});
