import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  ApiError,
  WebhookDelivery,
  WebhookDeliveryList,
  WebhookDeliveryListQuery,
  WebhookDeliveryParams,
  WebhookEndpoint,
  WebhookEndpointCreate,
  WebhookEndpointCreated,
  WebhookEndpointList,
  WebhookEndpointListQuery,
  WebhookEndpointParams,
  WebhookSecret,
} from '@fedow/protocol';
import type { HubContext } from '../context';
import { addEndpoint, endpointSecret, listDeliveries, listEndpoints, removeEndpoint, replayDelivery } from '../notify/endpoints';
import { ADMIN_ROLES } from './auth';

/**
 * Outgoing webhooks: endpoints subscribed to the hub's events (per place or for
 * the whole hub) and their deliveries. Reading is every operator's; adding,
 * removing, replaying and reading a secret are the admin's.
 */
export async function webhookRoutes(app: FastifyInstance, context: HubContext): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/api/v1/webhooks',
    { schema: { tags: ['webhooks'], summary: 'Webhook endpoints with their deliveries per status (removed ones with ?removed=true)', querystring: WebhookEndpointListQuery, response: { 200: WebhookEndpointList } } },
    async (request) => ({ endpoints: await listEndpoints(context, { place: request.query.place, includeRemoved: request.query.removed === 'true' }) }),
  );

  api.post(
    '/api/v1/webhooks',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Subscribe a URL to events, of one place or the whole hub; the answer carries the signing secret (whsec_…)',
        body: WebhookEndpointCreate,
        response: { 201: WebhookEndpointCreated, 404: ApiError },
      },
    },
    async (request, reply) => {
      const created = await addEndpoint(context, { ...request.body, createdBy: request.operator!.name });
      return reply.status(201).send(created);
    },
  );

  api.delete(
    '/api/v1/webhooks/:id',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Remove an endpoint: nothing more is sent to it, its pending deliveries are given up',
        params: WebhookEndpointParams,
        response: { 200: WebhookEndpoint, 404: ApiError, 409: ApiError },
      },
    },
    async (request) => removeEndpoint(context, request.params.id),
  );

  api.get(
    '/api/v1/webhooks/:id/secret',
    {
      schema: { tags: ['webhooks'], summary: 'The signing secret of an endpoint', params: WebhookEndpointParams, response: { 200: WebhookSecret, 404: ApiError } },
      config: { roles: ADMIN_ROLES },
    },
    async (request) => ({ secret: await endpointSecret(context, request.params.id) }),
  );

  api.get(
    '/api/v1/webhook-deliveries',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Deliveries, newest first, with their attempts; by endpoint, place or status; page with ?before=<seq>',
        querystring: WebhookDeliveryListQuery,
        response: { 200: WebhookDeliveryList, 404: ApiError },
      },
    },
    async (request) => {
      const { endpoint, place, status, before, limit } = request.query;
      return { deliveries: await listDeliveries(context, { endpoint, place, statuses: status ? [status] : undefined, beforeSeq: before, limit }) };
    },
  );

  api.post(
    '/api/v1/webhook-deliveries/:id/replay',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Send a delivered or dead-lettered message again, at the end of its endpoint’s queue, with the same webhook-id',
        params: WebhookDeliveryParams,
        response: { 201: WebhookDelivery, 404: ApiError, 409: ApiError },
      },
    },
    async (request, reply) => reply.status(201).send(await replayDelivery(context, request.params.id)),
  );
}
