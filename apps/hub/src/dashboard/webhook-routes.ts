import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { WebhookDeliveryListQuery, WebhookDeliveryParams } from '@fedow/protocol';
import { listDeliveries, listEndpoints, replayDelivery } from '../notify/endpoints';
import { dashboardOperator, type Dashboard } from './access';
import type { WebhooksPage } from './views';

/** Deliveries the screen shows at once: the latest. */
const DELIVERIES_SHOWN_MAX = 100;

/** The webhooks screen (admin): endpoints, the latest deliveries with their attempts, and a replay. */
export async function webhookApiRoutes(app: FastifyInstance, dashboard: Dashboard): Promise<void> {
  const { context } = dashboard;
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get('/dashboard/api/webhooks', { schema: { querystring: WebhookDeliveryListQuery.pick({ endpoint: true, status: true }) } }, async (request): Promise<WebhooksPage> => {
    await dashboardOperator(dashboard, request, ['admin']);
    const { endpoint, status } = request.query;
    return {
      endpoints: await listEndpoints(context, { includeRemoved: false }),
      deliveries: await listDeliveries(context, { endpoint, statuses: status ? [status] : undefined, limit: DELIVERIES_SHOWN_MAX }),
    };
  });

  api.post('/dashboard/api/webhook-deliveries/:id/replay', { schema: { params: WebhookDeliveryParams } }, async (request, reply) => {
    await dashboardOperator(dashboard, request, ['admin']);
    return reply.status(201).send(await replayDelivery(context, request.params.id));
  });
}
