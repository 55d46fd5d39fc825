/**
 * Federated euro in and out through a payment provider (apps/hub/src/money/providers):
 * a Stripe Checkout for a card or a wallet, and a FED refund that goes back through
 * the provider or becomes a SEPA payout request.
 */
import { z } from 'zod';
import { CardTag } from './admin';
import { RequestOutcome } from './money';
import { Amount, Uuid } from './primitives';

/** Where a payer is sent back after Stripe Checkout: an absolute http(s) URL. */
export const ReturnUrl = z.url({ protocol: /^https?$/ }).max(2048);

/** A Stripe Checkout for FED: a card (tag, number or QR code) or a user wallet receives `amount` cents once paid. */
export const CheckoutCreate = z
  .strictObject({
    card: CardTag.optional(),
    wallet: Uuid.optional(),
    amount: Amount.refine((amount) => amount >= 100, 'a Checkout is at least 100 cents'),
    /** Where Checkout sends the payer back; STRIPE_RETURN_URL when absent. */
    returnUrl: ReturnUrl.optional(),
  })
  .refine((body) => (body.card === undefined) !== (body.wallet === undefined), 'name either a card or a wallet');
export type CheckoutCreate = z.infer<typeof CheckoutCreate>;

/** A pending payment and the page its payer opens. */
export const Checkout = z.strictObject({
  payment: Uuid,
  session: z.string(),
  url: z.string(),
  amount: z.number().int(),
  status: z.literal('pending'),
});
export type Checkout = z.infer<typeof Checkout>;

/** FED paid back to a card's or a wallet's holder; iban and holder are needed when it becomes a payout. */
export const RefundCreate = z
  .strictObject({
    card: CardTag.optional(),
    wallet: Uuid.optional(),
    amount: Amount.refine((amount) => amount > 0, 'a refund is more than 0'),
    iban: z.string().trim().min(15).max(42).optional(),
    holder: z.string().trim().min(1).max(140).optional(),
  })
  .refine((body) => (body.card === undefined) !== (body.wallet === undefined), 'name either a card or a wallet');
export type RefundCreate = z.infer<typeof RefundCreate>;

/** One refund made by the provider: which payment it pays back, and how much. */
export const ProviderRefund = z.strictObject({ payment: Uuid, reference: z.string(), refund: z.string(), amount: z.number().int() });
export type ProviderRefund = z.infer<typeof ProviderRefund>;

/** A refund through the provider (201): the booked RFD and the provider's refunds. */
export const RefundOutcome = RequestOutcome.extend({ via: z.literal('stripe'), refunds: z.array(ProviderRefund) });
export type RefundOutcome = z.infer<typeof RefundOutcome>;

/** A refund that became a SEPA payout request (202): nothing moves until its batch is sent. */
export const PayoutRequested = z.strictObject({
  via: z.literal('payout'),
  payout: z.strictObject({ id: Uuid, wallet: Uuid, card: Uuid.nullable(), amount: z.number().int(), iban: z.string(), holder: z.string(), status: z.string(), requestedAt: z.string() }),
});
export type PayoutRequested = z.infer<typeof PayoutRequested>;

/** What the webhook endpoint answers Stripe: 200 once the event is handled, credited or not. */
export const WebhookAnswer = z.strictObject({
  received: z.literal(true),
  /** credited: a top-up was applied now; already: an earlier delivery did it; ignored: nothing to do; refused: a rule refused it (stored). */
  outcome: z.enum(['credited', 'already', 'ignored', 'refused']),
  request: Uuid.nullable(),
  reason: z.string().nullable(),
});
export type WebhookAnswer = z.infer<typeof WebhookAnswer>;

/** The dashboard's top-up of the card whose page is open: FED needs the payment's reference. */
export const CardTopUp = z.strictObject({
  asset: Uuid,
  amount: Amount.refine((amount) => amount > 0, 'a top-up is more than 0'),
  reference: z.string().trim().min(1).max(80).optional(),
  method: z.enum(['cash', 'card', 'transfer']),
});
export type CardTopUp = z.infer<typeof CardTopUp>;

/** The dashboard's refund of the card whose page is open: iban and holder when it becomes a payout. */
export const CardRefund = z.strictObject({
  amount: Amount.refine((amount) => amount > 0, 'a refund is more than 0'),
  iban: z.string().trim().min(15).max(42).optional(),
  holder: z.string().trim().min(1).max(140).optional(),
});
export type CardRefund = z.infer<typeof CardRefund>;

/** The dashboard's Stripe Checkout for the card whose page is open: euro cents. */
export const CardCheckout = z.strictObject({ amount: Amount.refine((amount) => amount >= 100, 'a Checkout is at least 100 cents') });
