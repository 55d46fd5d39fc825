import { Ingest } from '../ingest/ingest';
import { VerifyPool } from '../ingest/verify-pool';
import type { HubPlugin } from '../plugin';
import { SyncServer } from './server';

/** The sync endpoint and the ingest behind it. */
export const syncPlugin: HubPlugin = async (app, context) => {
  const pool = new VerifyPool();
  const ingest = new Ingest(context, pool);
  const server = new SyncServer(context, ingest);
  await server.start(app.server);
  app.decorate('sync', server);
  app.addHook('preClose', async () => {
    await server.close();
  });
  app.addHook('onClose', async () => {
    await pool.close();
  });
};

declare module 'fastify' {
  interface FastifyInstance {
    sync: SyncServer;
  }
}
