import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { CardParams, CardTopUp } from '@fedow/protocol';
import { CASHDESK_ROLES, idempotencyKey } from '../admin/auth';
import { IdempotencyHeaders } from '../admin/money-routes';
import { recordManualTopUp } from '../money/providers/manual';
import { appliedOrThrow } from '../money/submit';
import { dashboardOperator, type Dashboard } from './access';
import { cardPage } from './ledger-views';

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
}
