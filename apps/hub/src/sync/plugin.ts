import { Ingest } from '../ingest/ingest';
import { declarePlugin } from '../plugin';
import { SyncServer } from './server';

/** The sync endpoint and the ingest behind it. */
export const syncPlugin = declarePlugin({ name: 'sync', decorators: ['cryptoPool'] }, async (app, context) => {
  const ingest = new Ingest(context, app.cryptoPool);
  const server = new SyncServer(context, ingest);
  await server.start(app.server);
  app.decorate('sync', server);
  app.addHook('preClose', async () => {
    await server.close();
  });
});

declare module 'fastify' {
  interface FastifyInstance {
    /** The simulation (test/sim/world.ts) hands its in-memory sockets to the server through this. */
    sync: SyncServer;
  }
}
