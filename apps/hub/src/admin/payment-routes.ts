import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ApiError, Checkout, CheckoutCreate, PayoutRequested, RefundCreate, RefundOutcome } from '@fedow/protocol';
import type { HubContext } from '../context';
import { createCheckout } from '../money/providers/checkout';
import type { PaymentTarget } from '../money/providers/provider';
import { refundFed } from '../money/refund';
import { CASHDESK_ROLES, idempotencyKey, operatorSource } from './auth';
import { IdempotencyHeaders } from './money-routes';

/** FED in through Stripe Checkout, and back out through Stripe or a SEPA payout. */
export async function paymentRoutes(app: FastifyInstance, context: HubContext): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.post(
    '/api/v1/checkouts',
    {
      schema: {
        tags: ['money'],
        summary: 'Start a Stripe Checkout that tops up a card or a wallet with FED once paid',
        body: CheckoutCreate,
        response: { 201: Checkout, 400: ApiError, 403: ApiError, 404: ApiError, 422: ApiError, 502: ApiError, 503: ApiError },
      },
      config: { roles: CASHDESK_ROLES },
    },
    async (request, reply) => {
      const { amount, returnUrl } = request.body;
      return reply.status(201).send(await createCheckout(context, { target: targetOf(request.body), amount, returnUrl }));
    },
  );
  api.post(
    '/api/v1/refunds',
    {
      schema: {
        tags: ['money'],
        summary: 'Pay FED back to its holder: through Stripe when Stripe took it, else as a SEPA payout request (202)',
        headers: IdempotencyHeaders,
        body: RefundCreate,
        response: {
          200: RefundOutcome,
          201: RefundOutcome,
          202: PayoutRequested,
          400: ApiError,
          403: ApiError,
          404: ApiError,
          409: ApiError,
          422: ApiError,
          502: ApiError,
          503: ApiError,
        },
      },
      config: { roles: CASHDESK_ROLES },
    },
    async (request, reply) => {
      const key = idempotencyKey(request);
      const { amount, iban, holder } = request.body;
      const result = await refundFed(context, { source: operatorSource(request), idempotencyKey: key, target: targetOf(request.body), amount, iban, holder });
      if (result.via === 'payout') {
        const { payout } = result;
        return reply.status(202).send({
          via: 'payout',
          payout: { id: payout.id, wallet: payout.walletId, card: payout.cardId, amount: payout.amount, iban: payout.iban, holder: payout.holder, status: payout.status, requestedAt: payout.requestedAt },
        });
      }
      return reply.status(result.outcome.replayed ? 200 : 201).send({ ...result.outcome, via: 'stripe', refunds: result.refunds });
    },
  );
}

/** The schemas' refine guarantees exactly one of card and wallet. */
export function targetOf(body: { card?: string; wallet?: string }): PaymentTarget {
  return body.card !== undefined ? { card: body.card } : { wallet: body.wallet ?? '' };
}
