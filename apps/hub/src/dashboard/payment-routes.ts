import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { CardCheckout, CardParams, CardRefund, CardTopUp } from '@fedow/protocol';
import { CASHDESK_ROLES, idempotencyKey } from '../admin/auth';
import { IdempotencyHeaders } from '../admin/money-routes';
import { createCheckout } from '../money/providers/checkout';
import { recordManualTopUp } from '../money/providers/manual';
import { refundFed } from '../money/refund';
import { appliedOrThrow } from '../money/submit';
import { dashboardOperator, type Dashboard } from './access';
import { cardPage } from './ledger-views';
import type { CardRefunded } from './views';

/** The card page's money actions, recorded under the signed-in operator's name. */
export async function paymentActions(app: FastifyInstance, dashboard: Dashboard): Promise<void> {
  const { context } = dashboard;
  const api = app.withTypeProvider<ZodTypeProvider>();
  // A payment taken at the desk or received by transfer, with its reference (required for FED by the ledger).
  api.post('/dashboard/api/cards/:tag/topup', { schema: { params: CardParams, headers: IdempotencyHeaders, body: CardTopUp } }, async (request) => {
    const source = await dashboardOperator(dashboard, request, CASHDESK_ROLES);
    const { asset, amount, reference, method } = request.body;
    appliedOrThrow(await recordManualTopUp(context, { source, idempotencyKey: idempotencyKey(request), target: { card: request.params.tag }, asset, amount, reference, method }));
    return cardPage(context, request.params.tag);
  });
  // FED back to the card's holder: through Stripe when Stripe took it, else a payout request.
  api.post('/dashboard/api/cards/:tag/refund', { schema: { params: CardParams, headers: IdempotencyHeaders, body: CardRefund } }, async (request): Promise<CardRefunded> => {
    const source = await dashboardOperator(dashboard, request, CASHDESK_ROLES);
    const { amount, iban, holder } = request.body;
    const result = await refundFed(context, { source, idempotencyKey: idempotencyKey(request), target: { card: request.params.tag }, amount, iban, holder });
    return { via: result.via, amount, page: await cardPage(context, request.params.tag) };
  });
  // A Checkout the card holder pays on their phone: its URL, shown as a link.
  api.post('/dashboard/api/cards/:tag/checkout', { schema: { params: CardParams, body: CardCheckout } }, async (request, reply) => {
    await dashboardOperator(dashboard, request, CASHDESK_ROLES);
    return reply.status(201).send(await createCheckout(context, { target: { card: request.params.tag }, amount: request.body.amount }));
  });
}
