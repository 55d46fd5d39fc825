import { decideFedPayout } from '@fedow/ledger';
import type { ProviderRefund } from '@fedow/protocol';
import type { HubContext } from '../context';
import { findCard } from '../directory/cards';
import { HubError } from '../errors';
import * as repo from '../storage/repo';
import { requestPayout } from './payout-request';
import { requireStripe } from './providers/checkout';
import type { PaymentTarget } from './providers/provider';
import { sourceColumns, type Source } from './source';
import { appliedOrThrow, submitRequest, type RequestOutcome } from './submit';

export interface FedRefund {
  source: Source;
  idempotencyKey: string;
  target: PaymentTarget;
  /** Euro cents. */
  amount: number;
  /** Needed when the refund becomes a SEPA payout. */
  iban?: string;
  holder?: string;
}

export type FedRefundResult = { via: 'stripe'; outcome: RequestOutcome; refunds: ProviderRefund[] } | { via: 'payout'; payout: repo.Payout };

/** A part of a refund: how much goes back on one payment. */
export interface RefundPart {
  payment: string;
  amount: number;
}

const REFUND_KIND = 'refund';

/**
 * FED paid back to its holder. When Stripe payments of the wallet still hold the
 * whole amount, it goes back through Stripe's refund API; otherwise (bank
 * transfers, cash, or more than Stripe took) it becomes a SEPA payout request.
 *
 * Order, for Stripe: the `RFD` is booked first (with `payments.refunded`, in one
 * transaction, under the ledger lock: the balance cannot be spent at a till in
 * between), then Stripe is asked, one refund per payment with the key
 * `<request id>:<payment id>`. A retry with the same Idempotency-Key finds the
 * booked request, books nothing more, and asks Stripe again with the same keys:
 * a refund Stripe already made is found by its metadata and not made twice, so a
 * call that failed or timed out is completed by the retry.
 */
export async function refundFed(context: HubContext, input: FedRefund): Promise<FedRefundResult> {
  const { source, actor } = sourceColumns(input.source);
  const earlier = await repo.getRequestByKey(context.storage.read, source, actor, input.idempotencyKey);
  if (earlier?.kind === REFUND_KIND) {
    const outcome = await submitRefund(context, input, (JSON.parse(earlier.body) as { wallet: string; card: string | null }), partsOf(earlier.body));
    return { via: 'stripe', outcome, refunds: await sendRefunds(context, outcome.request, partsOf(earlier.body)) };
  }
  const holder = await holderOf(context, input.target);
  const refundable = context.stripe === null ? [] : await repo.listRefundablePayments(context.storage.read, context.stripe.name, holder.wallet);
  const parts = planRefund(refundable, input.amount);
  if (parts === null) {
    if (input.iban === undefined || input.holder === undefined) {
      throw new HubError('bad_request', 'this FED cannot go back through Stripe (not paid by Stripe, or already refunded): a payout needs iban and holder');
    }
    return { via: 'payout', payout: await requestPayout(context, { wallet: holder.wallet, card: holder.card, amount: input.amount, iban: input.iban, holder: input.holder, source: input.source, idempotencyKey: input.idempotencyKey }) };
  }
  const outcome = await submitRefund(context, input, holder, parts);
  return { via: 'stripe', outcome, refunds: await sendRefunds(context, outcome.request, parts) };
}

/**
 * The payments a refund goes back on, newest first, or null when their
 * refundable rest is less than the amount: then the refund is one payout.
 */
export function planRefund(payments: readonly { id: string; amount: number; refunded: number }[], amount: number): RefundPart[] | null {
  const parts: RefundPart[] = [];
  let left = amount;
  for (const payment of payments) {
    if (left === 0) break;
    const part = Math.min(payment.amount - payment.refunded, left);
    if (part > 0) parts.push({ payment: payment.id, amount: part });
    left -= part;
  }
  return left === 0 ? parts : null;
}

/** The RFD and the payments' refunded amounts, in one request; a retry is answered from the stored one. */
async function submitRefund(context: HubContext, input: FedRefund, holder: { wallet: string; card: string | null }, parts: RefundPart[]): Promise<RequestOutcome> {
  const outcome = await submitRequest(context, {
    source: input.source,
    idempotencyKey: input.idempotencyKey,
    kind: REFUND_KIND,
    body: { wallet: holder.wallet, card: holder.card, amount: input.amount, via: 'stripe', payments: parts.map((part) => `${part.payment}:${part.amount}`) },
    needs: { wallets: [holder.wallet] },
    decide: (state, decision, request) =>
      decideFedPayout(state, { wallet: holder.wallet, card: holder.card, amount: input.amount, request, meta: { via: 'stripe', payments: parts.map((part) => part.payment) } }, decision),
    alsoWrite: async (tx) => {
      for (const part of parts) {
        if (!(await repo.addPaymentRefunded(tx, part.payment, part.amount))) {
          throw new HubError('conflict', `payment ${part.payment} was refunded by another request meanwhile: ask again with a new Idempotency-Key`);
        }
      }
    },
  });
  return appliedOrThrow(outcome);
}

/** Asks Stripe for each part's refund; a failure leaves the booked refund to a retry with the same key. */
async function sendRefunds(context: HubContext, request: string, parts: RefundPart[]): Promise<ProviderRefund[]> {
  const stripe = requireStripe(context);
  const sent: ProviderRefund[] = [];
  for (const part of parts) {
    const payment = await repo.getPayment(context.storage.read, part.payment);
    if (!payment || payment.reference === null) throw new Error(`refund ${request} names payment ${part.payment}, which has no payment intent`);
    try {
      const refund = await stripe.refund(payment, part.amount, `${request}:${payment.id}`);
      sent.push({ payment: payment.id, reference: payment.reference, refund: refund.id, amount: refund.amount });
    } catch (error) {
      if (!(error instanceof HubError)) throw error;
      throw new HubError('provider_error', `the refund is booked (request ${request}) but Stripe did not take it: ${error.message}. Retry with the same Idempotency-Key.`, 502, { request });
    }
  }
  return sent;
}

function partsOf(body: string): RefundPart[] {
  const payments = (JSON.parse(body) as { payments?: unknown }).payments;
  if (!Array.isArray(payments)) throw new Error('a stored refund request has no payments');
  return payments.map((text) => {
    const [payment, amount] = String(text).split(':');
    return { payment: payment ?? '', amount: Number(amount) };
  });
}

/** The wallet a refund leaves, and the card named on its RFD. */
async function holderOf(context: HubContext, target: PaymentTarget): Promise<{ wallet: string; card: string | null }> {
  const tx = context.storage.read;
  if (target.card !== undefined) {
    const card = await findCard(tx, target.card);
    const user = card.userId === null ? undefined : (await repo.getUsers(tx, [card.userId])).get(card.userId);
    const wallet = user?.walletId ?? card.ephemeralWalletId;
    if (wallet === null) throw new HubError('nothing_to_refund', `card ${card.firstTagId} has never held money`);
    return { wallet, card: card.id };
  }
  const wallet = (await repo.getWallets(tx, [target.wallet])).get(target.wallet);
  if (!wallet) throw new HubError('unknown_wallet', `unknown wallet ${target.wallet}`, 404);
  // A place's FED goes back by a bank deposit (BNK), never as a holder's refund.
  if (wallet.kind !== 'user' && wallet.kind !== 'ephemeral') throw new HubError('wrong_wallet_kind', `a ${wallet.kind} wallet is not a holder's: nothing to refund`);
  return { wallet: wallet.id, card: null };
}
