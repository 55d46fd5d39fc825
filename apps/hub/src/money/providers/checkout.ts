import type { Checkout } from '@fedow/protocol';
import { iso, type HubContext } from '../../context';
import { findCard } from '../../directory/cards';
import { HubError } from '../../errors';
import * as repo from '../../storage/repo';
import { fedAsset, type PaymentTarget } from './provider';
import type { StripeProvider } from './stripe';

export interface CheckoutRequest {
  target: PaymentTarget;
  /** Euro cents. */
  amount: number;
  /** Where Stripe sends the payer back; STRIPE_RETURN_URL when absent. */
  returnUrl?: string;
  /** The payment's id, when the caller must name it before (a return URL that carries it). */
  id?: string;
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
  await context.storage.transaction((tx) =>
    repo.insertPayment(tx, {
      id,
      provider: stripe.name,
      session: null,
      reference: null,
      walletId: receiver.wallet,
      cardId: receiver.card,
      assetId: fed.id,
      amount: input.amount,
      status: 'pending',
      refunded: 0,
      createdAt: iso(context.clock.now()),
      creditedAt: null,
      requestId: null,
    }),
  );
  const session = await stripe.createSession({ payment: id, amount: input.amount, label: `${fed.name} (Fedow)`, returnUrl });
  await context.storage.transaction((tx) => repo.setPaymentSession(tx, id, session.id));
  return { payment: id, session: session.id, url: session.url, amount: input.amount, status: 'pending' };
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
