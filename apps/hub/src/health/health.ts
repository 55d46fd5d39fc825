import { sql } from 'drizzle-orm';
import type { HubPlugin } from '../plugin';
import { Metrics } from './metrics';

/** `/healthz`: the process answers and the database does too. `/metrics`: Prometheus text. */
export const healthPlugin: HubPlugin = async (app, context) => {
  const metrics = new Metrics(context);
  app.get('/healthz', async (_request, reply) => {
    try {
      await context.storage.read.all(sql`select 1 as ok`);
      return { ok: true, database: context.storage.label, hub: context.key.publicKey };
    } catch (error) {
      return reply.status(503).send({ ok: false, error: { code: 'database_unreachable', message: String(error) } });
    }
  });
  app.get('/metrics', async (_request, reply) => {
    reply.type('text/plain; version=0.0.4');
    const online = context.presence.online();
    return metrics.render({ connectedTills: online.length, lag: online.map((till) => ({ terminal: till.terminal, entries: till.lagEntries })) });
  });
};
