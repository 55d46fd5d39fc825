import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { AuditPage, AuditQuery, CorrectionCreate, NewToken, RequestOutcome, TokenCreate, TokenList, TokenParams, TokenView } from '@fedow/protocol';
import type { HubContext } from '../context';
import { correct } from '../money/correction';
import { appliedOrThrow } from '../money/submit';
import { auditPage } from '../operators/audit';
import { createToken, listTokens, revokeToken, rotateToken } from '../operators/tokens';
import { ADMIN_ROLES, idempotencyKey, operatorSource } from './auth';
import { IdempotencyHeaders } from './money-routes';
import { errors } from './openapi';

/** Operator tokens (admin only), corrections (admin only) and the audit of every request (every role). */
export async function operatorRoutes(app: FastifyInstance, context: HubContext): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const admin = { roles: ADMIN_ROLES };

  api.get('/api/v1/tokens', { schema: { tags: ['operators'], summary: 'List operator tokens: name, role, created, revoked (never the secrets)', response: { 200: TokenList } }, config: admin }, async () => ({
    tokens: await listTokens(context),
  }));

  api.post(
    '/api/v1/tokens',
    { schema: { tags: ['operators'], summary: 'Create a named token with a role; its secret is in this answer only', body: TokenCreate, response: { 201: NewToken, ...errors(409) } }, config: admin },
    async (request, reply) => reply.status(201).send(await createToken(context, request.body)),
  );

  api.post(
    '/api/v1/tokens/:name/revoke',
    { schema: { tags: ['operators'], summary: 'Revoke the active token of that name (never the last admin token)', params: TokenParams, response: { 200: TokenView, ...errors(404, 409) } }, config: admin },
    async (request) => revokeToken(context, request.params.name),
  );

  api.post(
    '/api/v1/tokens/:name/rotate',
    { schema: { tags: ['operators'], summary: 'A new secret for the same name and role; the old secret is revoked', params: TokenParams, response: { 201: NewToken, ...errors(404) } }, config: admin },
    async (request, reply) => reply.status(201).send(await rotateToken(context, request.params.name)),
  );

  api.post(
    '/api/v1/corrections',
    {
      schema: {
        tags: ['money'],
        summary: 'Correct a wallet (COR): credit from, or debit to, the primary wallet, with a reason',
        headers: IdempotencyHeaders,
        body: CorrectionCreate,
        response: { 200: RequestOutcome, 201: RequestOutcome, ...errors(404, 409, 422) },
      },
      config: admin,
    },
    async (request, reply) => {
      const key = idempotencyKey(request);
      const outcome = appliedOrThrow(await correct(context, { ...request.body, source: operatorSource(request), idempotencyKey: key }));
      return reply.status(outcome.replayed ? 200 : 201).send(outcome);
    },
  );

  api.get(
    '/api/v1/requests',
    { schema: { tags: ['operators'], summary: 'Audit: every request with its source, actor, outcome and transfers, newest first', querystring: AuditQuery, response: { 200: AuditPage } } },
    async (request) => auditPage(context, request.query),
  );
}
