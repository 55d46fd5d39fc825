import Fastify, { type FastifyInstance } from 'fastify';
import { HTTP_BODY_BYTES_MAX } from '@fedow/protocol';
import type { HubConfig } from './config';
import { declarePlugin, type HubPluginOptions } from './plugin';
import type { FastifyPluginAsync } from 'fastify';
import { systemClock, systemTimers, type Clock, type Timers } from './clock';
import type { HubContext } from './context';
import { HubEmitter } from './events';
import { idSource } from './ids';
import { Presence } from './sync/presence';
import { CryptoPool } from './crypto/pool';
import { errorsPlugin } from './errors';
import { adminPlugin } from './admin/plugin';
import { compatPlugin } from './compat/plugin';
import { dashboardPlugin } from './dashboard/plugin';
import { healthPlugin } from './health/health';
import { compensationSchedulePlugin } from './money/compensation-schedule';
import { timeSchedulePlugin } from './money/time-schedule';
import { holderPlugin } from './holder/plugin';
import { meltSweepPlugin } from './money/melt-plugin';
import { sealerPlugin } from './sealer/plugin';
import { syncPlugin } from './sync/plugin';
import { presenceRecorderPlugin } from './sync/presence-recorder';
import { webhooksPlugin } from './webhooks/plugin';
import { notifyPlugin } from './notify/plugin';
import { bootstrapIdentity, type Identity } from './identity/bootstrap';
import { loadOrCreateHubKey } from './identity/key-file';
import { SignalRelay } from './signals/relay';
import { openStorage } from './storage';

/**
 * Fastify's https option when the hub serves TLS itself. The instance is typed as
 * the plain http one: what the plugins use of `app.server` (listen, `upgrade` for
 * the sync WebSocket, close) is the same on an https.Server.
 */
function httpsOption(config: HubConfig): { https?: { cert: Buffer; key: Buffer } } {
  return config.tls ? { https: { cert: config.tls.cert, key: config.tls.key } } : {};
}

export interface Hub {
  app: FastifyInstance;
  context: HubContext;
  identity: Identity;
  /** Stops background work, closes sockets and the database. */
  close(): Promise<void>;
}

export interface HubOptions {
  clock?: Clock;
  /** Background timers; the simulation's run on its virtual clock. */
  timers?: Timers;
  /** Crypto worker threads; default one per core, 0 runs the checks inline (the simulation). */
  cryptoWorkers?: number;
  /** SQLite: false keeps the WAL's checkpoints and syncs in the writer, SQLite's own way, instead of off the event loop (the simulation). */
  ioThreads?: boolean;
  /**
   * false leaves out the plugins that only answer HTTP requests (admin API,
   * Fedow-compatible API, dashboard, holder's page): the simulation's tills reach
   * the hub only through `/sync`, and those routes are three quarters of a start.
   */
  httpApis?: boolean;
}

/**
 * Builds the hub: storage and identity first, then the plugins of HUB_PLUGINS,
 * each named with the parts it needs (plugin.ts). Each plugin adds its routes
 * and registers what it must stop in `preClose` or `onClose`.
 */
export async function buildHub(config: HubConfig, options: HubOptions = {}): Promise<Hub> {
  const { context, identity, relay, close } = await openHubContext(config, options);
  // Shared by ingest (signatures) and the sealer (transfer hashes); closed
  // after preClose has stopped both.
  const pool = new CryptoPool(options.cryptoWorkers);
  try {
    const app = Fastify({
      ...httpsOption(config),
      logger: config.log === false ? false : { level: config.log },
      bodyLimit: HTTP_BODY_BYTES_MAX,
      // The hub is the only writer of ids: requests carry none of their own.
      genReqId: () => context.newId(),
    });
    context.events.on('internal-error', ({ where, error }) => app.log.error({ err: error }, `${where} failed`));
    app.addHook('onClose', close);
    app.decorate('cryptoPool', pool);
    app.addHook('onClose', () => pool.close());
    for (const plugin of HUB_PLUGINS) if (options.httpApis !== false || !HTTP_ONLY_PLUGINS.has(plugin)) await app.register(plugin, { context, config });
    await app.ready();
    // From now on, changes made by the CLI or another hub process reach this one's tills.
    await relay.listen();
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
): Promise<{ context: HubContext; identity: Identity; relay: SignalRelay; close(): Promise<void> }> {
  const clock = options.clock ?? systemClock;
  const storage = await openStorage(config.databaseUrl, { ioThreads: options.ioThreads ?? true });
  try {
    const key = loadOrCreateHubKey(config.keyPath);
    const newId = idSource(clock);
    const identity = await bootstrapIdentity(storage, key, clock, newId);
    // Loaded only when configured: the library is large, and every CLI command opens a context.
    const stripe = config.stripe === null ? null : new (await import('./money/providers/stripe')).StripeProvider(config.stripe);
    const context: HubContext = { presence: new Presence(), storage, key, genesis: identity.genesis, clock, timers: options.timers ?? systemTimers, newId, events: new HubEmitter(), instance: newId(), stripe, sealer: null };
    const relay = new SignalRelay(context);
    return {
      context,
      identity,
      relay,
      async close() {
        await relay.close();
        await storage.close();
      },
    };
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

type RegisteredPlugin = FastifyPluginAsync<HubPluginOptions>;

/**
 * The plugins, in load order: each declares the parts it needs (plugin.ts) and
 * fastify refuses an order that breaks one. What no dependency says is the
 * order of the `preClose` hooks, which run in this order: the outgoing
 * webhooks stop listening before sync closes the tills' sockets (a shutdown is
 * not every till going offline), sync stops ingesting before the sealer's
 * last block.
 */
const HUB_PLUGINS: RegisteredPlugin[] = [errorsPlugin, healthPlugin, adminPlugin, webhooksPlugin, notifyPlugin, compatPlugin, syncPlugin, presenceRecorderPlugin, sealerPlugin, declarePlugin({ name: 'melt-sweep' }, meltSweepPlugin), dashboardPlugin, holderPlugin, compensationSchedulePlugin, timeSchedulePlugin];

/** Routes and what serves them, nothing that moves money or talks to tills on its own. */
const HTTP_ONLY_PLUGINS: ReadonlySet<RegisteredPlugin> = new Set([adminPlugin, compatPlugin, dashboardPlugin, holderPlugin]);
