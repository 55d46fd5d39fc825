import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ApiError, PAIRING_FAILURE_WINDOW_MS, PAIRING_FAILURES_MAX, RequestOutcome, WalletRequest } from '@fedow/protocol';
import type { HubContext } from '../context';
import { HubError } from '../errors';
import { appliedOrThrow } from '../money/submit';
import { submitWalletRequest } from '../money/wallet-requests';
import { FailureLimiter } from './rate-limit';

/**
 * `POST /api/v1/wallet-requests`: public — the wallet's signature is the
 * authentication. Failed attempts count per address, as for pairing, so nobody
 * can try signatures or nonces at speed.
 */
export async function walletRequestRoutes(app: FastifyInstance, context: HubContext): Promise<void> {
  const limiter = new FailureLimiter(context.clock, PAIRING_FAILURES_MAX, PAIRING_FAILURE_WINDOW_MS);
  app.withTypeProvider<ZodTypeProvider>().post(
    '/api/v1/wallet-requests',
    {
      schema: {
        tags: ['money'],
        summary: 'A QR payment (QRS) signed by the paying wallet’s key, applied once per nonce; a transfer (TRF) is refused here (403): it goes through the card holder’s page and its e-mailed code',
        security: [],
        body: WalletRequest,
        response: { 200: RequestOutcome, 201: RequestOutcome, 401: ApiError, 403: ApiError, 409: ApiError, 410: ApiError, 422: ApiError, 429: ApiError },
      },
      onRequest: async (request) => {
        if (limiter.blocked(request.ip)) throw new HubError('rate_limited', 'too many refused requests: wait a minute');
      },
      onResponse: async (request, reply) => {
        if (reply.statusCode >= 400 && reply.statusCode !== 429) limiter.fail(request.ip);
      },
    },
    async (request, reply) => {
      const outcome = appliedOrThrow(await submitWalletRequest(context, request.body));
      return reply.status(outcome.replayed ? 200 : 201).send(outcome);
    },
  );
}
