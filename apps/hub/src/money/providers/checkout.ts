import type { Checkout } from '@fedow/protocol';
import { iso } from '../../clock';
import type { HubContext } from '../../context';
import { findCard } from '../../directory/cards';
import { HubError } from '../../errors';
import * as repo from '../../storage/repo';
import { fedAsset, type PaymentTarget } from './provider';
import type { OpenAmount, StripeProvider } from './stripe';

export interface CheckoutRequest {
  target: PaymentTarget;
  /** Euro cents; ignored when the amount is `open`. */
  amount: number;
  /** The payer chooses the amount on Stripe's page (OPEN_REFILL); the payment is stored with amount 0 until paid. */
  open?: OpenAmount;
  /** Where Stripe sends the payer back; STRIPE_RETURN_URL when absent. */
  returnUrl?: string;
  /** The payment's id, when the caller must name it before (a return URL that carries it). */
  id?: string;
}

/**
 * The refill checkout whose amount Lespass leaves to the payer, as the original:
 * 1 € units, 5 € to 500 €, 10 € proposed (docs/DECISIONS.md).
 */
export const OPEN_REFILL: OpenAmount = { unit: 100, minimum: 5, maximum: 500, initial: 10 };

/** Whether `paid` cents is an amount an open checkout could have taken. */
export function openAmountAllowed(paid: number, open: OpenAmount = OPEN_REFILL): boolean {
  return Number.isSafeInteger(paid) && paid % open.unit === 0 && paid >= open.unit * open.minimum && paid <= open.unit * open.maximum;
}

/** The hub's Stripe, or the typed refusal of a hub without it. */
export function requireStripe(context: HubContext): StripeProvider {
  if (context.stripe === null) throw new HubError('provider_not_configured', 'Stripe is not configured on this hub: set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET');
  return context.stripe;
}

/**
 * A Stripe Checkout for FED: a `pending` payment is stored first (so the
 * notification always finds it, even if the hub stops between the two calls),
 * then Stripe's session is asked for with the payment's id as client reference.
 * Nothing is credited here: only `checkout.session.completed` does. Called by the
 * cash desk (POST /api/v1/checkouts), later by the card holder's own page.
 */
export async function createCheckout(context: HubContext, input: CheckoutRequest): Promise<Checkout> {
  const stripe = requireStripe(context);
  const returnUrl = input.returnUrl ?? stripe.returnUrl;
  if (returnUrl === null) throw new HubError('bad_request', 'name a returnUrl, or set STRIPE_RETURN_URL on the hub');
  const receiver = await checkoutReceiver(context, input.target);
  const fed = await fedAsset(context);
  const id = input.id ?? context.newId();
  const amount = input.open === undefined ? input.amount : 0;
  await context.storage.transaction((tx) =>
    repo.insertPayment(tx, {
      id,
      provider: stripe.name,
      session: null,
      reference: null,
      walletId: receiver.wallet,
      cardId: receiver.card,
      assetId: fed.id,
      amount,
      status: 'pending',
      refunded: 0,
      createdAt: iso(context.clock.now()),
      creditedAt: null,
      requestId: null,
    }),
  );
  const session = await stripe.createSession({ payment: id, amount, label: `${fed.name} (Fedow)`, returnUrl, ...(input.open === undefined ? {} : { open: input.open }) });
  await context.storage.transaction((tx) => repo.setPaymentSession(tx, id, session.id));
  return { payment: id, session: session.id, url: session.url, amount, status: 'pending' };
}

/** A card that exists and is not lost, or a user or ephemeral wallet: refused now rather than after the payer paid. */
async function checkoutReceiver(context: HubContext, target: PaymentTarget): Promise<{ card: string | null; wallet: string | null }> {
  const tx = context.storage.read;
  if (target.card !== undefined) {
    const card = await findCard(tx, target.card);
    if (card.lostAt !== null) throw new HubError('card_lost', `card ${card.firstTagId} was declared lost`);
    return { card: card.id, wallet: null };
  }
  const wallet = (await repo.getWallets(tx, [target.wallet])).get(target.wallet);
  if (!wallet) throw new HubError('unknown_wallet', `unknown wallet ${target.wallet}`, 404);
  if (wallet.kind !== 'user' && wallet.kind !== 'ephemeral') throw new HubError('wrong_wallet_kind', 'only a user or a card’s wallet receives a top-up');
  return { card: null, wallet: wallet.id };
}
