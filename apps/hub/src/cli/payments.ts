import { parseArgs } from 'node:util';
import { CheckoutCreate, RefundCreate, TopUpCreate } from '@fedow/protocol';
import { HubError } from '../errors';
import { createCheckout } from '../money/providers/checkout';
import { recordManualTopUp } from '../money/providers/manual';
import { fedAsset, type PaymentTarget } from '../money/providers/provider';
import { refundFed, type FedRefundResult } from '../money/refund';
import { CLI_OPERATOR } from '../money/source';
import { appliedOrThrow, type RequestOutcome } from '../money/submit';
import { type Io, print, UsageError, validate } from './io';
import { withContext } from './open';

export const TOPUP_USAGE =
  'fedow topup --card TAG | --wallet ID --amount CENTS [--reference R] [--asset ID] [--method transfer|cash|card] [--key K]  [--json]  (amounts in minor units: cents; FED by default, which needs --reference; --method transfer by default)';
export const REFUND_USAGE =
  'fedow refund --card TAG | --wallet ID --amount CENTS [--iban IBAN --holder NAME] [--key K]  [--json]  (FED in cents: back through Stripe when Stripe took it, else a payout request, which needs --iban and --holder)';
export const CHECKOUT_USAGE =
  'fedow checkout --card TAG | --wallet ID --amount CENTS [--return-url URL]  [--json]  (a Stripe payment link for FED; the card is credited when Stripe says it was paid)';

const SOURCE = { kind: 'operator', name: CLI_OPERATOR } as const;

/** A Stripe Checkout for a card or a wallet: the link its holder pays. */
export async function checkoutCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      card: { type: 'string' },
      wallet: { type: 'string' },
      amount: { type: 'string' },
      'return-url': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const amount = cents(values.amount);
  targetFlags(values, 'checkout');
  const body = validate(CheckoutCreate, { card: values.card, wallet: values.wallet, amount, returnUrl: values['return-url'] });
  const target: PaymentTarget = body.card !== undefined ? { card: body.card } : { wallet: body.wallet ?? '' };
  const checkout = await withContext(io, (context) => createCheckout(context, { target, amount: body.amount, returnUrl: body.returnUrl }));
  print(io, values.json, { ...checkout }, () => [`pay ${checkout.amount} cents at: ${checkout.url}`, `payment ${checkout.payment} (pending until Stripe says it was paid)`]);
  return 0;
}

/** A payment received outside the hub (a bank transfer, cash, a card at the desk), recorded with its reference. */
export async function topupCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      card: { type: 'string' },
      wallet: { type: 'string' },
      amount: { type: 'string' },
      reference: { type: 'string' },
      asset: { type: 'string' },
      method: { type: 'string', default: 'transfer' },
      key: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const amount = cents(values.amount);
  targetFlags(values, 'topup');
  const outcome = await withContext(io, async (context) => {
    const body = validate(TopUpCreate, { card: values.card, wallet: values.wallet, asset: values.asset ?? (await fedAsset(context)).id, amount, reference: values.reference, method: values.method });
    // A retried command with the same reference is answered, not applied again.
    const key = values.key ?? (body.reference === undefined ? context.newId() : `topup:${body.reference}`);
    const target: PaymentTarget = body.card !== undefined ? { card: body.card } : { wallet: body.wallet ?? '' };
    return appliedOrThrow(await recordManualTopUp(context, { source: SOURCE, idempotencyKey: key, target, amount: body.amount, asset: body.asset, reference: body.reference, method: body.method }));
  });
  print(io, values.json, { ...outcome }, () => describeTopUp(outcome));
  return 0;
}

/** FED paid back to its holder: a Stripe refund, or a payout request. */
export async function refundCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      card: { type: 'string' },
      wallet: { type: 'string' },
      amount: { type: 'string' },
      iban: { type: 'string' },
      holder: { type: 'string' },
      key: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const amount = cents(values.amount);
  targetFlags(values, 'refund');
  const body = validate(RefundCreate, { card: values.card, wallet: values.wallet, amount, iban: values.iban, holder: values.holder });
  const result = await withContext(io, async (context) => {
    const key = values.key ?? context.newId();
    const target: PaymentTarget = body.card !== undefined ? { card: body.card } : { wallet: body.wallet ?? '' };
    try {
      return await refundFed(context, { source: SOURCE, idempotencyKey: key, target, amount: body.amount, iban: body.iban, holder: body.holder });
    } catch (error) {
      // The refund is booked: the operator completes it by running the same command with this key.
      if (error instanceof HubError && error.code === 'provider_error') throw new HubError(error.code, `${error.message} (add --key ${key})`, error.status, error.details);
      throw error;
    }
  });
  print(io, values.json, refundJson(result), () => describeRefund(result));
  return 0;
}

function cents(text: string | undefined): number {
  if (text === undefined) throw new UsageError('--amount is required (in cents)');
  if (!/^\d{1,15}$/.test(text)) throw new UsageError(`--amount is a whole number of cents, got "${text}"`);
  return Number(text);
}

function targetFlags(values: { card?: string; wallet?: string }, command: string): void {
  if ((values.card === undefined) === (values.wallet === undefined)) throw new UsageError(`fedow ${command}: give exactly one of --card, --wallet`);
}

function describeTopUp(outcome: RequestOutcome): string[] {
  const refill = outcome.transfers.find((transfer) => transfer.action === 'REF');
  return [
    `${outcome.replayed ? 'already recorded' : 'topped up'}: +${refill?.amount ?? 0} to wallet ${refill?.receiver ?? '-'} (asset ${refill?.asset ?? '-'})`,
    `request ${outcome.request}`,
  ];
}

function refundJson(result: FedRefundResult): Record<string, unknown> {
  return result.via === 'payout' ? { via: 'payout', payout: result.payout } : { ...result.outcome, via: 'stripe', refunds: result.refunds };
}

function describeRefund(result: FedRefundResult): string[] {
  if (result.via === 'payout') {
    const { payout } = result;
    return [`payout requested: ${payout.amount} to ${payout.holder} (${payout.iban}), payout ${payout.id}`, 'nothing moves until its batch is sent'];
  }
  return [
    `${result.outcome.replayed ? 'already refunded' : 'refunded'} through Stripe (request ${result.outcome.request}):`,
    ...result.refunds.map((refund) => `  ${refund.amount} on ${refund.reference}: ${refund.refund}`),
  ];
}
