import { timingSafeEqual } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import { HubError } from '../errors';
import { declarePlugin } from '../plugin';
import { Metrics } from './metrics';

/**
 * `/healthz` (liveness: the process answers and the database does too), `/readyz`
 * (readiness: the database answers; while the hub closes, Fastify answers every
 * request 503, so a load balancer stops sending new tills), `/metrics` (Prometheus
 * text, behind METRICS_TOKEN when it is set).
 */
export const healthPlugin = declarePlugin({ name: 'health', dependencies: ['errors'] }, async (app, context, config) => {
  const metrics = new Metrics(context);
  const database = async () => {
    try {
      await context.storage.read.all(sql`select 1 as ok`);
      return null;
    } catch (error) {
      return { code: 'database_unreachable', message: String(error) };
    }
  };
  app.get('/healthz', async (_request, reply) => {
    const error = await database();
    if (error) return reply.status(503).send({ ok: false, error });
    return { ok: true, database: context.storage.label, hub: context.key.publicKey };
  });
  app.get('/readyz', async (_request, reply) => {
    const error = await database();
    if (error) return reply.status(503).send({ ok: false, error });
    return { ok: true };
  });
  app.get('/metrics', async (request, reply) => {
    if (config.metricsToken !== null && !bearerIs(request, config.metricsToken)) {
      throw new HubError('unauthorized', 'metrics need Authorization: Bearer <METRICS_TOKEN>');
    }
    reply.type('text/plain; version=0.0.4');
    const online = context.presence.online();
    return metrics.render({ connectedTills: online.length, lag: online.map((till) => ({ terminal: till.terminal, entries: till.lagEntries })) });
  });
});

/** Compares in constant time: the metrics token is a secret like any other. */
function bearerIs(request: FastifyRequest, token: string): boolean {
  const given = Buffer.from(/^Bearer +(\S+)$/i.exec(request.headers.authorization ?? '')?.[1] ?? '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
