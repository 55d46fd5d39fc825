/**
 * A stand-in for Stripe's API, on a local port: these machines have no network, so
 * the official `stripe` library is pointed here (STRIPE_API_BASE) and this server
 * answers the few endpoints the hub calls, in Stripe's shapes: Checkout Sessions,
 * and refunds (created under an Idempotency-Key, listed by payment intent). Events
 * are signed with a test secret exactly as Stripe signs them, through the
 * library's own `generateTestHeaderString`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';

export const STAND_IN_SECRET_KEY = 'sk_test_stand_in';
export const STAND_IN_WEBHOOK_SECRET = 'whsec_stand_in_test_secret';

export interface StandInSession {
  id: string;
  object: 'checkout.session';
  client_reference_id: string | null;
  amount_total: number;
  currency: string;
  payment_status: 'unpaid' | 'paid';
  payment_intent: string | null;
  metadata: Record<string, string>;
  url: string;
  mode: string;
  success_url: string;
  /** An adjustable quantity's bounds and unit price, when the payer chooses the amount. */
  adjustable: { minimum: number; maximum: number; unit: number } | null;
}

export interface StandInRefund {
  id: string;
  object: 'refund';
  amount: number;
  payment_intent: string;
  metadata: Record<string, string>;
  status: 'succeeded';
  currency: 'eur';
}

export class StripeStandIn {
  readonly sessions = new Map<string, StandInSession>();
  readonly refunds: StandInRefund[] = [];
  /** Every call received: method, path and the form fields sent. */
  readonly calls: { method: string; path: string; form: Record<string, string>; idempotencyKey: string | null }[] = [];
  /** Transfers to connected accounts, as the federation's account made them (`addTransfer`). */
  readonly transfers = new Map<string, { id: string; object: 'transfer'; amount: number; currency: string; destination: string; created: number }>();
  /** Payment intents taken by card terminals, read back by id (`addIntent`). */
  readonly intents = new Map<string, unknown>();
  /** The next this-many refund creations answer 500, as Stripe does when it fails. */
  failRefunds = 0;
  private readonly answered = new Map<string, unknown>();
  private readonly server: Server;
  private counter = 0;

  constructor() {
    this.server = createServer((request, response) => void this.route(request, response));
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /**
   * The payer paid a session: it becomes `paid` with a fresh payment intent. With
   * `quantity`, the payer first chose that many units on an adjustable line, which
   * Stripe's page keeps within its bounds.
   */
  pay(sessionId: string, quantity?: number): StandInSession {
    const session = this.sessions.get(sessionId);
    if (!session) throw new Error(`the stand-in has no session ${sessionId}`);
    if (quantity !== undefined) {
      const line = session.adjustable;
      if (line === null) throw new Error(`session ${sessionId} has no adjustable quantity`);
      if (quantity < line.minimum || quantity > line.maximum) throw new Error(`Stripe's page allows ${line.minimum} to ${line.maximum}, not ${quantity}`);
      session.amount_total = line.unit * quantity;
    }
    session.payment_status = 'paid';
    session.payment_intent = this.id('pi');
    return session;
  }

  /** A payment intent a card terminal took, as Stripe stores it. */
  addIntent(intent: { id: string }): void {
    this.intents.set(intent.id, intent);
  }

  /** A transfer the federation made to a place's account (a payout of its FED sales). */
  addTransfer(amount: number, destination = 'acct_standin_place'): { id: string; object: 'transfer'; amount: number; currency: string; destination: string; created: number } {
    const transfer = { id: this.id('tr'), object: 'transfer' as const, amount, currency: 'eur', destination, created: 1_760_000_000 };
    this.transfers.set(transfer.id, transfer);
    return transfer;
  }

  private id(prefix: string): string {
    this.counter += 1;
    return `${prefix}_standin${String(this.counter).padStart(6, '0')}`;
  }

  private async route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const url = new URL(request.url ?? '/', 'http://stand-in');
    const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
    const key = typeof request.headers['idempotency-key'] === 'string' ? request.headers['idempotency-key'] : null;
    this.calls.push({ method: request.method ?? '', path: url.pathname, form, idempotencyKey: key });
    if (request.headers.authorization !== `Bearer ${STAND_IN_SECRET_KEY}`) return send(response, 401, stripeError('invalid_request_error', 'Invalid API Key provided'));
    if (key !== null && this.answered.has(key)) return send(response, 200, this.answered.get(key));
    if (request.method === 'POST' && url.pathname === '/v1/checkout/sessions') return this.remember(key, response, this.createSession(form));
    const session = /^\/v1\/checkout\/sessions\/([\w-]+)$/.exec(url.pathname);
    if (request.method === 'GET' && session) return this.found(response, this.sessions.get(session[1]!));
    const intent = /^\/v1\/payment_intents\/([\w-]+)$/.exec(url.pathname);
    if (request.method === 'GET' && intent) return this.found(response, this.intents.get(intent[1]!));
    const transfer = /^\/v1\/transfers\/([\w-]+)$/.exec(url.pathname);
    if (request.method === 'GET' && transfer) return this.found(response, this.transfers.get(transfer[1]!));
    if (request.method === 'GET' && url.pathname === '/v1/refunds') {
      const intent = url.searchParams.get('payment_intent');
      return send(response, 200, { object: 'list', url: '/v1/refunds', has_more: false, data: this.refunds.filter((refund) => refund.payment_intent === intent).reverse() });
    }
    if (request.method === 'POST' && url.pathname === '/v1/refunds') {
      if (this.failRefunds > 0) {
        this.failRefunds -= 1;
        return send(response, 500, stripeError('api_error', 'The stand-in failed this refund on purpose'));
      }
      return this.remember(key, response, this.createRefund(form));
    }
    return send(response, 404, stripeError('invalid_request_error', `Unrecognized request URL (${request.method}: ${url.pathname})`));
  }

  private found(response: ServerResponse, object: unknown): void {
    if (object === undefined) return send(response, 404, stripeError('invalid_request_error', 'No such object'));
    send(response, 200, object);
  }

  private remember(key: string | null, response: ServerResponse, body: unknown): void {
    if (key !== null) this.answered.set(key, body);
    send(response, 200, body);
  }

  private createSession(form: Record<string, string>): StandInSession {
    const id = this.id('cs_test');
    const unit = Number(form['line_items[0][price_data][unit_amount]']);
    const quantity = Number(form['line_items[0][quantity]'] ?? '1');
    const adjustable = form['line_items[0][adjustable_quantity][enabled]'] === 'true' ? { minimum: Number(form['line_items[0][adjustable_quantity][minimum]']), maximum: Number(form['line_items[0][adjustable_quantity][maximum]']), unit } : null;
    const session: StandInSession = {
      id,
      object: 'checkout.session',
      client_reference_id: form.client_reference_id ?? null,
      amount_total: unit * quantity,
      currency: form['line_items[0][price_data][currency]'] ?? '',
      payment_status: 'unpaid',
      payment_intent: null,
      metadata: metadataOf(form),
      url: `https://checkout.stripe.com/c/pay/${id}`,
      mode: form.mode ?? '',
      success_url: form.success_url ?? '',
      adjustable,
    };
    this.sessions.set(id, session);
    return session;
  }

  private createRefund(form: Record<string, string>): StandInRefund {
    const refund: StandInRefund = { id: this.id('re'), object: 'refund', amount: Number(form.amount), payment_intent: form.payment_intent ?? '', metadata: metadataOf(form), status: 'succeeded', currency: 'eur' };
    this.refunds.push(refund);
    return refund;
  }
}

/** An event as Stripe sends it: the JSON text and its Stripe-Signature header, signed at `timestampSeconds`. */
export function signedEvent(type: string, object: unknown, timestampSeconds: number, secret = STAND_IN_WEBHOOK_SECRET): { payload: string; signature: string } {
  const payload = JSON.stringify({ id: `evt_${type.replace(/\W/g, '_')}_${timestampSeconds}`, object: 'event', api_version: '2025-01-27', created: timestampSeconds, type, data: { object }, livemode: false, pending_webhooks: 1, request: null });
  return { payload, signature: signedPayload(payload, timestampSeconds, secret) };
}

export function signedPayload(payload: string, timestampSeconds: number, secret = STAND_IN_WEBHOOK_SECRET): string {
  return new Stripe(STAND_IN_SECRET_KEY).webhooks.generateTestHeaderString({ payload, secret, timestamp: timestampSeconds });
}

function metadataOf(form: Record<string, string>): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(form)) {
    const match = /^metadata\[(.+)\]$/.exec(name);
    if (match?.[1]) metadata[match[1]] = value;
  }
  return metadata;
}

function stripeError(type: string, message: string): unknown {
  return { error: { type, message } };
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json', 'request-id': 'req_standin' });
  response.end(JSON.stringify(body));
}
