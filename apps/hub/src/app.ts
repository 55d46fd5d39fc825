import Fastify, { type FastifyInstance } from 'fastify';
import { HTTP_BODY_BYTES_MAX } from '@fedow/protocol';
import type { HubConfig } from './config';
import type { HubPlugin } from './plugin';
import { HubEmitter, newUuid, Presence, systemClock, type Clock, type HubContext } from './context';
import { CryptoPool } from './crypto/pool';
import { installErrorHandler } from './errors';
import { adminPlugin } from './admin/plugin';
import { dashboardPlugin } from './dashboard/plugin';
import { healthPlugin } from './health/health';
import { sealerPlugin } from './sealer/plugin';
import { syncPlugin } from './sync/plugin';
import { presenceRecorderPlugin } from './sync/presence-recorder';
import { webhooksPlugin } from './webhooks/plugin';
import { bootstrapIdentity, type Identity } from './identity/bootstrap';
import { loadOrCreateHubKey } from './identity/key-file';
import { openStorage } from './storage';

export interface Hub {
  app: FastifyInstance;
  context: HubContext;
  identity: Identity;
  /** Stops background work, closes sockets and the database. */
  close(): Promise<void>;
}

export interface HubOptions {
  clock?: Clock;
}

/**
 * Builds the hub: storage and identity first, then the plugins in a fixed order
 * (errors → health → pairing and admin API → payment webhooks → sync → sealer → dashboard). Each
 * plugin adds its routes and registers what it must stop in `onClose`.
 */
export async function buildHub(config: HubConfig, options: HubOptions = {}): Promise<Hub> {
  const { context, identity, close } = await openHubContext(config, options);
  // Shared by ingest (signatures) and the sealer (transfer hashes); closed
  // after preClose has stopped both.
  const pool = new CryptoPool();
  try {
    const app = Fastify({
      logger: config.log === false ? false : { level: config.log },
      bodyLimit: HTTP_BODY_BYTES_MAX,
      // The hub is the only writer of ids: requests carry none of their own.
      genReqId: () => context.newId(),
    });
    installErrorHandler(app);
    context.events.on('internal-error', ({ where, error }) => app.log.error({ err: error }, `${where} failed`));
    app.addHook('onClose', close);
    app.decorate('cryptoPool', pool);
    app.addHook('onClose', () => pool.close());
    for (const plugin of HUB_PLUGINS) await plugin(app, context, config);
    await app.ready();
    return { app, context, identity, close: () => app.close() };
  } catch (error) {
    await pool.close();
    await close();
    throw error;
  }
}

/**
 * Storage, key and identity without the HTTP server: what the CLI works on (the
 * same database, the same key, the same domain services as the admin API).
 */
export async function openHubContext(
  config: HubConfig,
  options: HubOptions = {},
): Promise<{ context: HubContext; identity: Identity; close(): Promise<void> }> {
  const clock = options.clock ?? systemClock;
  const storage = await openStorage(config.databaseUrl);
  try {
    const key = loadOrCreateHubKey(config.keyPath);
    const newId = () => newUuid(clock);
    const identity = await bootstrapIdentity(storage, key, clock, newId);
    // Loaded only when configured: the library is large, and every CLI command opens a context.
    const stripe = config.stripe === null ? null : new (await import('./money/providers/stripe')).StripeProvider(config.stripe);
    const context: HubContext = { presence: new Presence(), storage, key, genesis: identity.genesis, clock, newId, events: new HubEmitter(), stripe };
    return { context, identity, close: () => storage.close() };
  } catch (error) {
    await storage.close();
    throw error;
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    cryptoPool: CryptoPool;
  }
}

/** The plugins, in load order. */
const HUB_PLUGINS: HubPlugin[] = [healthPlugin, adminPlugin, webhooksPlugin, syncPlugin, presenceRecorderPlugin, sealerPlugin, dashboardPlugin];
