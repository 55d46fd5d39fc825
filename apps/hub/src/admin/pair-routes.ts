import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ApiError, PAIRING_FAILURE_WINDOW_MS, PAIRING_FAILURES_MAX, PairRequest, PairResponse } from '@fedow/protocol';
import type { HubContext } from '../context';
import { HubError } from '../errors';
import { pairTerminal } from '../directory/terminals';
import { FailureLimiter } from './rate-limit';

/**
 * `POST /api/v1/terminals/pair`: public (the till has only its code). Every failed
 * attempt — bad body, unknown, expired or used code, known key — counts against the
 * address; past PAIRING_FAILURES_MAX in the window, 429 before anything is read.
 */
export async function pairRoutes(app: FastifyInstance, context: HubContext): Promise<void> {
  const limiter = new FailureLimiter(context.clock, PAIRING_FAILURES_MAX, PAIRING_FAILURE_WINDOW_MS);
  app.withTypeProvider<ZodTypeProvider>().post(
    '/api/v1/terminals/pair',
    {
      schema: {
        tags: ['terminals'],
        summary: 'A till claims its pairing code with its public key',
        security: [],
        body: PairRequest,
        response: { 201: PairResponse, 400: ApiError, 404: ApiError, 409: ApiError, 410: ApiError, 429: ApiError },
      },
      onRequest: async (request) => {
        if (limiter.blocked(request.ip)) throw new HubError('rate_limited', 'too many failed pairing attempts: wait a minute');
      },
      onResponse: async (request, reply) => {
        if (reply.statusCode >= 400 && reply.statusCode !== 429) limiter.fail(request.ip);
      },
    },
    async (request, reply) => reply.status(201).send(await pairTerminal(context, request.body)),
  );
}
