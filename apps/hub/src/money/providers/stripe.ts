import Stripe from 'stripe';
import { HubError } from '../../errors';
import type { StripeConfig } from '../../config';
import type * as repo from '../../storage/repo';
import type { PaymentProvider, ProviderRefund } from './provider';
import { METADATA } from './stripe-metadata';

/** Stripe's signature tolerance: a notification signed longer ago than this is refused as stale. */
export const STRIPE_TOLERANCE_SECONDS = 300;
/** A call to Stripe's API gives up after this long; the caller answers provider_error and may retry. */
const STRIPE_TIMEOUT_MS = 15_000;
/** Refunds of one payment intent read back to find one already made under a key: far more than a payment ever gets. */
const REFUNDS_LISTED_MAX = 100;

export interface CheckoutSessionInput {
  payment: string;
  /** Euro cents; 0 with `open`: the payer chooses on Stripe's page. */
  amount: number;
  label: string;
  returnUrl: string;
  open?: OpenAmount;
}

/**
 * An amount the payer chooses on Stripe's page, as the original's refill
 * checkout: `unit` cents times an adjustable quantity in [minimum, maximum],
 * `initial` units proposed.
 */
export interface OpenAmount {
  unit: number;
  minimum: number;
  maximum: number;
  initial: number;
}

/**
 * The hub's side of Stripe, through the official library: Checkout Sessions,
 * verified notifications and refunds. Configured from the environment
 * (STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET, STRIPE_API_BASE for a stand-in).
 */
export class StripeProvider implements PaymentProvider {
  readonly name = 'stripe';
  private readonly client: Stripe;

  constructor(private readonly config: StripeConfig) {
    const base = config.apiBase;
    this.client = new Stripe(config.secretKey, {
      timeout: STRIPE_TIMEOUT_MS,
      // Retries are the caller's, with its own idempotency key: one attempt here.
      maxNetworkRetries: 0,
      telemetry: false,
      ...(base === null ? {} : { host: base.hostname, port: base.port || (base.protocol === 'http:' ? 80 : 443), protocol: base.protocol === 'http:' ? 'http' : 'https' }),
    });
  }

  get returnUrl(): string | null {
    return this.config.returnUrl;
  }

  /** A Checkout Session of `amount` euro cents; its client reference is the hub's payment id. */
  async createSession(input: CheckoutSessionInput): Promise<{ id: string; url: string }> {
    const session = await this.call(() =>
      this.client.checkout.sessions.create(
        {
          mode: 'payment',
          client_reference_id: input.payment,
          success_url: input.returnUrl,
          cancel_url: input.returnUrl,
          line_items: [lineItem(input)],
          metadata: { [METADATA.payment]: input.payment },
        },
        { idempotencyKey: `checkout:${input.payment}` },
      ),
    );
    if (session.url === null || session.url === undefined) throw new HubError('provider_error', `Stripe gave no URL for Checkout Session ${session.id}`, 502);
    return { id: session.id, url: session.url };
  }

  /**
   * The event of a notification whose signature verifies with STRIPE_WEBHOOK_SECRET,
   * signed at most 5 minutes before `receivedAtMs`. A forged or stale one is a
   * typed refusal, before anything is read from it.
   */
  verify(raw: Buffer, signature: string | undefined, receivedAtMs: number): Stripe.Event {
    if (signature === undefined || signature === '') throw new HubError('bad_signature', 'no Stripe-Signature header');
    try {
      return this.client.webhooks.constructEvent(raw, signature, this.config.webhookSecret, STRIPE_TOLERANCE_SECONDS, undefined, receivedAtMs);
    } catch (error) {
      if (!(error instanceof Stripe.errors.StripeSignatureVerificationError)) throw new HubError('bad_request', 'the notification is not a Stripe event');
      // The library tells a stale timestamp from a wrong signature only in its message.
      if (/tolerance/i.test(error.message)) throw new HubError('stale_notification', `the notification was signed more than ${STRIPE_TOLERANCE_SECONDS} s ago`);
      throw new HubError('bad_signature', 'the Stripe-Signature does not match this notification');
    }
  }

  /**
   * Pays `amount` of a payment intent back to its card. Idempotent over any delay:
   * a refund already made under `idempotencyKey` (found by its metadata) is
   * returned, not made again; Stripe's own idempotency key covers two calls at once.
   */
  async refund(payment: repo.Payment, amount: number, idempotencyKey: string): Promise<ProviderRefund> {
    const intent = payment.reference;
    if (intent === null) throw new Error(`payment ${payment.id} was never credited: nothing to refund`);
    const made = await this.call(() => this.client.refunds.list({ payment_intent: intent, limit: REFUNDS_LISTED_MAX }));
    const earlier = made.data.find((refund) => refund.metadata?.[METADATA.key] === idempotencyKey);
    if (earlier) return { id: earlier.id, amount: earlier.amount };
    const refund = await this.call(() =>
      this.client.refunds.create({ payment_intent: intent, amount, metadata: { [METADATA.payment]: payment.id, [METADATA.key]: idempotencyKey } }, { idempotencyKey }),
    );
    return { id: refund.id, amount: refund.amount };
  }

  /** A Checkout Session as Stripe holds it now: how the payer's return is checked when the notification is late. */
  async retrieveSession(id: string): Promise<Stripe.Checkout.Session> {
    return this.call(() => this.client.checkout.sessions.retrieve(id));
  }

  /** A transfer made on the federation's Stripe account (to a place's connected account), read from Stripe itself; null when Stripe has none of that id. */
  async retrieveTransfer(id: string): Promise<{ id: string; amount: number; currency: string } | null> {
    try {
      const transfer = await this.client.transfers.retrieve(id);
      return { id: transfer.id, amount: transfer.amount, currency: transfer.currency };
    } catch (error) {
      if (error instanceof Stripe.errors.StripeError && error.statusCode === 404) return null;
      return this.call(() => Promise.reject(error));
    }
  }

  /** A payment intent read from Stripe itself; null when Stripe has none of that id. */
  async retrieveIntent(id: string): Promise<Stripe.PaymentIntent | null> {
    try {
      return await this.client.paymentIntents.retrieve(id);
    } catch (error) {
      if (error instanceof Stripe.errors.StripeError && error.statusCode === 404) return null;
      return this.call(() => Promise.reject(error));
    }
  }

  /** Stripe's failures (refused, unreachable, timed out) as one typed error; nothing was done by the failed call. */
  private async call<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      if (error instanceof Stripe.errors.StripeError) throw new HubError('provider_error', `Stripe: ${error.message}`, 502);
      throw error;
    }
  }
}

function lineItem(input: CheckoutSessionInput): Stripe.Checkout.SessionCreateParams.LineItem {
  const open = input.open;
  if (open === undefined) return { quantity: 1, price_data: { currency: 'eur', unit_amount: input.amount, product_data: { name: input.label } } };
  return {
    quantity: open.initial,
    adjustable_quantity: { enabled: true, minimum: open.minimum, maximum: open.maximum },
    price_data: { currency: 'eur', unit_amount: open.unit, product_data: { name: input.label } },
  };
}
