/**
 * Federated euro out of the system (apps/hub/src/money/payouts.ts, deposit.ts):
 * payouts to card holders' bank accounts by SEPA batch, and places' bank deposits.
 */
import { z } from 'zod';
import { CardTag } from './admin';
import { NOTE_CHARS_MAX, PAYOUT_BATCH_PAYOUTS_MAX } from './limits';
import { Amount, Uuid } from './primitives';

/** What an IBAN may look like before its checksum is checked (spaces allowed; 34 characters at most, ISO 13616). */
export const IbanInput = z.string().trim().min(15).max(42);
/** An account holder's name: a SEPA `Nm` holds 70 characters. */
export const AccountHolder = z.string().trim().min(1).max(70);

export const PayoutStatus = z.enum(['requested', 'approved', 'paid', 'refused']);

/** A card holder's payout request, made on their behalf at the cash desk: a card (tag, number or QR code) or a wallet. */
export const PayoutCreate = z
  .strictObject({
    card: CardTag.optional(),
    wallet: Uuid.optional(),
    amount: Amount.refine((amount) => amount > 0, 'a payout is more than 0'),
    iban: IbanInput,
    holder: AccountHolder,
  })
  .refine((body) => (body.card === undefined) !== (body.wallet === undefined), 'name either a card or a wallet');
export type PayoutCreate = z.infer<typeof PayoutCreate>;

export const PayoutListQuery = z.strictObject({ status: PayoutStatus.optional() });
export const PayoutParams = z.strictObject({ id: Uuid });

export const Payout = z.strictObject({
  id: Uuid,
  wallet: Uuid,
  card: Uuid.nullable(),
  asset: Uuid,
  amount: z.number().int(),
  iban: z.string(),
  holder: z.string(),
  status: PayoutStatus,
  batch: Uuid.nullable(),
  requestedAt: z.string(),
  /** The request that booked it, once its batch was marked sent. */
  request: Uuid.nullable(),
});
export type Payout = z.infer<typeof Payout>;
export const PayoutList = z.strictObject({ payouts: z.array(Payout) });

/** Approve the requested payouts into a new batch: the listed ones, or all (the oldest first, up to the limit). */
export const PayoutBatchCreate = z.strictObject({ payouts: z.array(Uuid).min(1).max(PAYOUT_BATCH_PAYOUTS_MAX).optional() });

export const PayoutBatch = z.strictObject({
  id: Uuid,
  createdAt: z.string(),
  approvedBy: z.string(),
  /** The SEPA file was exported (and is kept: every export gives the same file). */
  exported: z.boolean(),
  sentAt: z.string().nullable(),
  /** Σ of its approved or paid payouts, in cents. */
  total: z.number().int(),
  payouts: z.array(Payout),
});
export type PayoutBatch = z.infer<typeof PayoutBatch>;
export const PayoutBatchList = z.strictObject({ batches: z.array(PayoutBatch.omit({ payouts: true }).extend({ count: z.number().int() })) });

/** A place's money deposited at the bank (`BNK`): it leaves the system. FED unless another asset is named. */
export const DepositCreate = z.strictObject({
  place: Uuid,
  amount: Amount.refine((amount) => amount > 0, 'a deposit is more than 0'),
  asset: Uuid.optional(),
  comment: z.string().trim().max(NOTE_CHARS_MAX).optional(),
});
export type DepositCreate = z.infer<typeof DepositCreate>;
