import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { configFromEnv } from '../src/config';
import type { HubContext } from '../src/context';
import { errorsPlugin } from '../src/errors';
import { HubEmitter } from '../src/events';
import { healthPlugin } from '../src/health/health';
import { presenceRecorderPlugin } from '../src/sync/presence-recorder';
import { syncPlugin } from '../src/sync/plugin';

/**
 * The hub's parts declare what they need (plugin.ts); fastify checks it before a
 * part's body runs, so these parts never touch the context: an empty object
 * stands in for it.
 */
const options = { context: {} as HubContext, config: configFromEnv({}, { databaseUrl: 'sqlite::memory:', log: false }) };

describe('the order of the hub plugins', () => {
  it('refuses a part registered before one it depends on', async () => {
    const app = Fastify({ logger: false });
    await expect(app.register(presenceRecorderPlugin, options)).rejects.toMatchObject({ code: 'FST_ERR_PLUGIN_DEPENDENCY_NOT_REGISTERED', message: expect.stringContaining("'sync'") });
  });

  it('refuses a route part before the error handler', async () => {
    const app = Fastify({ logger: false });
    await expect(app.register(healthPlugin, options)).rejects.toMatchObject({ code: 'FST_ERR_PLUGIN_DEPENDENCY_NOT_REGISTERED', message: expect.stringContaining("'errors'") });
    // In order, the health part's body runs: it subscribes to the events (its routes, not called here, read the rest).
    const started = { ...options, context: { events: new HubEmitter() } as unknown as HubContext };
    const ordered = Fastify({ logger: false });
    await ordered.register(errorsPlugin, started);
    await ordered.register(healthPlugin, started);
    await ordered.ready();
    expect(ordered.hasRoute({ method: 'GET', url: '/healthz' })).toBe(true);
    await ordered.close();
  });

  it('refuses the sync endpoint without the crypto pool it verifies signatures on', async () => {
    const app = Fastify({ logger: false });
    await expect(app.register(syncPlugin, options)).rejects.toMatchObject({ code: 'FST_ERR_PLUGIN_NOT_PRESENT_IN_INSTANCE', message: expect.stringContaining('cryptoPool') });
  });
});
