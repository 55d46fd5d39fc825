import type Stripe from 'stripe';
import type { WebhookAnswer } from '@fedow/protocol';
import type { HubContext } from '../../context';
import { HubError } from '../../errors';
import * as repo from '../../storage/repo';
import type { Tx } from '../../storage/types';
import type { RequestOutcome } from '../submit';
import { openAmountAllowed, requireStripe } from './checkout';
import { creditFed, fedAsset, type PaymentTarget } from './provider';
import type { StripeProvider } from './stripe';
import { laboutikTerminalCard } from './laboutik-terminal';
import { METADATA } from './stripe-metadata';

/** The source of every credit a Stripe notification makes. */
const STRIPE_SOURCE = { kind: 'provider', provider: 'stripe' } as const;

/**
 * A notification at POST /webhooks/stripe: verified first (a forged or stale one
 * is refused before anything is read or stored), then credited once per payment
 * intent: the intent's id is both the request's idempotency key and the FED
 * payment reference, so a replayed event, or two deliveries at the same moment,
 * find the first one's request under the ledger lock and credit nothing more.
 */
export async function handleStripeNotification(context: HubContext, raw: Buffer, signature: string | undefined): Promise<WebhookAnswer> {
  const stripe = requireStripe(context);
  const event = stripe.verify(raw, signature, context.clock.now().getTime());
  switch (event.type) {
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded':
      return checkoutPaid(context, stripe, event.data.object);
    case 'payment_intent.succeeded':
      return terminalPaid(context, stripe, event.data.object);
    case 'terminal.reader.action_succeeded':
      return readerPaid(context, stripe, event.data.object);
    default:
      return ignored(`${event.type} is not an event this hub acts on`);
  }
}

/**
 * A Checkout Session paid: its pending payment is credited, and marked so in the
 * same transaction. Also called when a payer's return is checked before the
 * notification came (the compatible API's `retrieve_from_refill_checkout`): both
 * credit under the intent's key, so whichever comes second credits nothing.
 */
export async function checkoutPaid(context: HubContext, stripe: StripeProvider, session: Stripe.Checkout.Session): Promise<WebhookAnswer> {
  // Delayed payment methods complete the session unpaid; their async_payment_succeeded comes later.
  if (session.payment_status !== 'paid') return ignored(`the session is ${session.payment_status}, not paid yet`);
  const tx = context.storage.read;
  const payment = (await repo.getPaymentBySession(tx, stripe.name, session.id)) ?? (await paymentOfReference(tx, stripe, session));
  if (!payment) return ignored(`no payment of this hub has session ${session.id}`);
  const intent = typeof session.payment_intent === 'string' ? session.payment_intent : (session.payment_intent?.id ?? null);
  if (intent === null) return ignored('the session has no payment intent');
  const amount = amountPaid(session, payment);
  if (amount === null) {
    context.events.emit('internal-error', { where: 'stripe notification', error: new Error(`session ${session.id} paid ${session.amount_total} ${session.currency}, payment ${payment.id} asked ${payment.amount === 0 ? 'an open amount of' : payment.amount} eur`) });
    return ignored('the amount paid is not the amount asked: left for an operator');
  }
  const target = await paymentTarget(tx, payment);
  const outcome = await creditFed(context, stripe, {
    source: STRIPE_SOURCE,
    idempotencyKey: intent,
    target,
    amount,
    reference: intent,
    method: 'card',
    alsoWrite: async (write, applied) => {
      const credited = await repo.markPaymentCredited(write, { id: payment.id, reference: intent, walletId: receiverOf(applied), creditedAt: context.clock.now().toISOString(), requestId: applied.request, amount });
      // Only this notification credits a pending payment, under this intent's key: a second one is a bug.
      if (!credited) throw new Error(`payment ${payment.id} was no longer pending when intent ${intent} credited it`);
    },
  });
  return answer(outcome);
}

/**
 * A payment taken by a card terminal (Stripe Terminal) for FED: the receiver is in
 * the intent's metadata (`fedow_card` or `fedow_wallet`), or in LaBoutik's signed
 * `data` (money/providers/laboutik-terminal.ts). Intents without them (a Checkout's own
 * intent, anything else on the account) are not for this path.
 */
async function terminalPaid(context: HubContext, stripe: StripeProvider, intent: Stripe.PaymentIntent): Promise<WebhookAnswer> {
  const card = intent.metadata?.[METADATA.card];
  const wallet = intent.metadata?.[METADATA.wallet];
  const laboutik = card || wallet ? null : await laboutikTerminalCard(context.storage.read, intent.metadata);
  if (!card && !wallet && laboutik === null) return ignored(`the intent names no ${METADATA.card} or ${METADATA.wallet}, nor LaBoutik's signed data`);
  // Answered 200 so Stripe stops sending it: the payment is the operator's to refund from Stripe's dashboard.
  if (laboutik?.kind === 'refused') return { received: true, outcome: 'refused', request: null, reason: laboutik.reason };
  if (intent.currency !== 'eur' || intent.amount_received <= 0) return ignored(`the intent received ${intent.amount_received} ${intent.currency}, not euros`);
  const target: PaymentTarget = laboutik?.kind === 'card' ? { card: laboutik.tag } : card ? { card } : { wallet: wallet ?? '' };
  const fed = await fedAsset(context);
  try {
    const outcome = await creditFed(context, stripe, {
      source: STRIPE_SOURCE,
      idempotencyKey: intent.id,
      target,
      amount: intent.amount_received,
      reference: intent.id,
      method: 'card',
      alsoWrite: async (write, applied) => {
        const at = context.clock.now().toISOString();
        const cardId = applied.transfers.find((transfer) => transfer.action === 'REF')?.card ?? null;
        await repo.insertPayment(write, {
          id: context.newId(),
          provider: stripe.name,
          session: null,
          reference: intent.id,
          walletId: receiverOf(applied),
          cardId,
          assetId: fed.id,
          amount: intent.amount_received,
          status: 'credited',
          refunded: 0,
          createdAt: at,
          creditedAt: at,
          requestId: applied.request,
        });
      },
    });
    return answer(outcome);
  } catch (error) {
    // A card the hub does not know: answered so Stripe stops retrying; the money is refunded from Stripe's dashboard.
    if (error instanceof HubError && error.code === 'unknown_card') return { received: true, outcome: 'refused', request: null, reason: 'unknown_card' };
    throw error;
  }
}

/**
 * What the session paid, if it is what the payment asked: its amount, or for an
 * open-amount payment (stored with 0) any amount the open checkout allowed.
 */
function amountPaid(session: Stripe.Checkout.Session, payment: repo.Payment): number | null {
  const paid = session.amount_total;
  if (session.currency !== 'eur' || paid === null) return null;
  if (payment.amount === 0) return openAmountAllowed(paid) ? paid : null;
  return paid === payment.amount ? paid : null;
}

/**
 * The event the original Fedow took for LaBoutik's terminal: the reader's action
 * names the intent, read back from Stripe (the event's copy is not the intent),
 * then credited as `payment_intent.succeeded` would, under the same key.
 */
async function readerPaid(context: HubContext, stripe: StripeProvider, reader: Stripe.Terminal.Reader): Promise<WebhookAnswer> {
  const action = reader.action;
  const named = action?.type === 'process_payment_intent' ? action.process_payment_intent?.payment_intent : undefined;
  const id = typeof named === 'string' ? named : named?.id;
  if (action?.status !== 'succeeded' || !id) return ignored('the reader processed no payment intent');
  const intent = await stripe.retrieveIntent(id);
  if (intent === null || intent.status !== 'succeeded') return ignored(`the intent ${id} has not succeeded`);
  return terminalPaid(context, stripe, intent);
}

/** A session created before its id was stored (the hub stopped in between): found by its client reference. */
async function paymentOfReference(tx: Tx, stripe: StripeProvider, session: Stripe.Checkout.Session): Promise<repo.Payment | undefined> {
  const id = session.client_reference_id ?? session.metadata?.[METADATA.payment];
  if (!id || !/^[0-9a-f-]{36}$/.test(id)) return undefined;
  const payment = await repo.getPayment(tx, id);
  return payment && payment.provider === stripe.name && payment.session === null ? payment : undefined;
}

/** The card (by its tag) or wallet a pending payment credits, as stored when it was created. */
async function paymentTarget(tx: Tx, payment: repo.Payment): Promise<PaymentTarget> {
  if (payment.cardId === null) {
    if (payment.walletId === null) throw new Error(`payment ${payment.id} names neither a card nor a wallet`);
    return { wallet: payment.walletId };
  }
  const card = (await repo.getCards(tx, [payment.cardId])).get(payment.cardId);
  if (!card) throw new Error(`payment ${payment.id} names a card that does not exist`);
  return { card: card.firstTagId };
}

/** The wallet the top-up's REF credited. */
function receiverOf(outcome: RequestOutcome): string {
  const refill = outcome.transfers.find((transfer) => transfer.action === 'REF');
  if (!refill) throw new Error(`request ${outcome.request} was applied without a REF`);
  return refill.receiver;
}

function answer(outcome: RequestOutcome): WebhookAnswer {
  if (outcome.status === 'rejected') return { received: true, outcome: 'refused', request: outcome.request, reason: outcome.reason };
  return { received: true, outcome: outcome.replayed ? 'already' : 'credited', request: outcome.request, reason: null };
}

function ignored(reason: string): WebhookAnswer {
  return { received: true, outcome: 'ignored', request: null, reason };
}
