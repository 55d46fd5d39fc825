import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApiError, IdParams, RequestOutcome, TopUpCreate, WalletKeySet } from '@fedow/protocol';
import type { HubContext } from '../context';
import { appliedOrThrow } from '../money/submit';
import { topUp } from '../money/topup';
import { registerWalletKey } from '../money/wallet-requests';
import { answer, errors } from './openapi';
import { CASHDESK_ROLES, idempotencyKey, operatorSource } from './auth';

/** Documented on every POST that moves money; `idempotencyKey()` gives the refusal its words. */
export const IdempotencyHeaders = z.looseObject({
  'idempotency-key': z.string().min(1).max(255).optional().describe('Any unique string; a retry with the same key is applied once and answered the same way. Required.'),
});

/** Requests that move money, by operators: each an entry on the one path (money/submit.ts). */
export async function moneyRoutes(app: FastifyInstance, context: HubContext): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.put(
    '/api/v1/wallets/:id/key',
    {
      schema: {
        tags: ['money'],
        summary: 'Register the Ed25519 public key a user wallet signs its requests with (the card holder’s page does it at sign-in)',
        params: IdParams,
        body: WalletKeySet,
        response: { 200: answer('{wallet, publicKey}'), ...errors(404, 409, 422) },
      },
    },
    async (request) => registerWalletKey(context, request.params.id, request.body.publicKey),
  );
  api.post(
    '/api/v1/topups',
    {
      schema: {
        tags: ['money'],
        summary: 'Top up a card or a wallet (FED needs the payment reference)',
        headers: IdempotencyHeaders,
        body: TopUpCreate,
        response: { 200: RequestOutcome, 201: RequestOutcome, 400: ApiError, 403: ApiError, 404: ApiError, 409: ApiError, 422: ApiError },
      },
      config: { roles: CASHDESK_ROLES },
    },
    async (request, reply) => {
      const key = idempotencyKey(request);
      const outcome = appliedOrThrow(await topUp(context, { ...request.body, source: operatorSource(request), idempotencyKey: key }));
      return reply.status(outcome.replayed ? 200 : 201).send(outcome);
    },
  );
}

