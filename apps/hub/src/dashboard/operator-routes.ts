import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AuditQuery, CorrectionCreate, TokenCreate, TokenParams } from '@fedow/protocol';
import { ADMIN_ROLES } from '../admin/auth';
import { correct } from '../money/correction';
import { appliedOrThrow } from '../money/submit';
import { auditPage } from '../operators/audit';
import { createToken, listTokens, revokeToken, rotateToken } from '../operators/tokens';
import { dashboardOperator, type Dashboard } from './access';

/** The page draws a key when it shows the form: a retried submit books nothing twice. */
const DashboardCorrection = CorrectionCreate.extend({ key: z.string().min(1).max(255) });

/**
 * The dashboard's tokens page (admin), audit page (every role) and corrections
 * (admin): the same services as the admin API, each write under the signed-in
 * token's role and name.
 */
export async function operatorRoutes(app: FastifyInstance, dashboard: Dashboard): Promise<void> {
  const { context } = dashboard;
  const api = app.withTypeProvider<ZodTypeProvider>();
  const admin = (request: Parameters<typeof dashboardOperator>[1]) => dashboardOperator(dashboard, request, ADMIN_ROLES);

  api.get('/dashboard/api/tokens', async (request) => {
    await admin(request);
    return { tokens: await listTokens(context) };
  });
  api.post('/dashboard/api/tokens', { schema: { body: TokenCreate } }, async (request, reply) => {
    await admin(request);
    return reply.status(201).send(await createToken(context, request.body));
  });
  api.post('/dashboard/api/tokens/:name/revoke', { schema: { params: TokenParams } }, async (request) => {
    await admin(request);
    return revokeToken(context, request.params.name);
  });
  api.post('/dashboard/api/tokens/:name/rotate', { schema: { params: TokenParams } }, async (request, reply) => {
    await admin(request);
    return reply.status(201).send(await rotateToken(context, request.params.name));
  });

  api.get('/dashboard/api/requests', { schema: { querystring: AuditQuery } }, async (request) => auditPage(context, request.query));

  api.post('/dashboard/api/corrections', { schema: { body: DashboardCorrection } }, async (request, reply) => {
    const { key, ...body } = request.body;
    const outcome = appliedOrThrow(await correct(context, { ...body, source: await admin(request), idempotencyKey: key }));
    dashboard.stream.changed(['alerts', 'money']);
    return reply.status(outcome.replayed ? 200 : 201).send(outcome);
  });
}
