import { declarePlugin } from '../plugin';
import { recordEvents } from '../outbox/events';
import { leadership } from '../sealer/leader';
import { Deliverer } from './deliverer';

/**
 * Advisory lock key of the webhook deliverer: one per database, like the
 * sealer ("fedow" in ASCII + 0x57, away from open-postgres.ts's and the sealer's).
 */
export const PG_LOCK_WEBHOOKS = 0x6665646f7757;

/**
 * Outgoing webhooks: the deliverer, and the one event that is not a database
 * change — a till's connection dropping (`terminal.offline`), written in a
 * transaction of its own. Loaded before the sync endpoint so its preClose runs
 * first: tills dropped by the hub's own shutdown are not announced offline.
 */
export const notifyPlugin = declarePlugin({ name: 'outgoing-webhooks' }, async (app, context, config) => {
  const deliverer = new Deliverer(context, config.webhooks, leadership(context.storage, PG_LOCK_WEBHOOKS), (error) =>
    context.events.emit('internal-error', { where: 'webhook deliverer', error }),
  );
  context.events.on('ingest-load', ({ busy }) => deliverer.pacer.ingestLoad(busy));
  const writes = new Set<Promise<void>>();
  let closing = false;
  context.events.on('terminal', ({ terminal, change }) => {
    if (change !== 'disconnected' || closing) return;
    const at = context.clock.now().toISOString();
    const write = context.storage
      .transaction((tx) => recordEvents(tx, [{ type: 'terminal.offline', data: { terminal, at } }], at))
      .catch((error: unknown) => {
        context.events.emit('internal-error', { where: 'terminal.offline event', error });
      })
      .finally(() => writes.delete(write));
    writes.add(write);
  });
  deliverer.start();
  app.addHook('preClose', async () => {
    closing = true;
    await deliverer.stop();
    await Promise.all(writes);
  });
});
