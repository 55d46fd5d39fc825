/**
 * How a part of the hub is declared: a fastify plugin with a name and the names
 * of the parts it needs before it, so fastify refuses to start a hub whose
 * order breaks one (FST_ERR_PLUGIN_DEPENDENCY_NOT_REGISTERED) instead of a
 * comment in app.ts saying the order.
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import type { HubConfig } from './config';
import type { HubContext } from './context';

/** A part of the hub: adds routes or background work, and stops it in `onClose`. */
export type HubPlugin = (app: FastifyInstance, context: HubContext, config: HubConfig) => Promise<void>;

/** What app.ts hands every part when it registers it. */
export interface HubPluginOptions {
  context: HubContext;
  config: HubConfig;
}

/** Every part's name: a dependency on a part that does not exist does not type-check. */
export type HubPluginName =
  | 'errors'
  | 'health'
  | 'admin-api'
  | 'payment-webhooks'
  | 'outgoing-webhooks'
  | 'compat-api'
  | 'sync'
  | 'presence-recorder'
  | 'sealer'
  | 'melt-sweep'
  | 'dashboard'
  | 'holder-page'
  | 'compensation-schedule'
  | 'time-schedule';

export interface HubPluginMeta {
  name: HubPluginName;
  /** Parts that must be registered before this one. */
  dependencies?: HubPluginName[];
  /** Decorations of the instance this part reads (app.ts adds `cryptoPool`). */
  decorators?: string[];
}

/**
 * `body` as a named fastify plugin, not encapsulated (fastify-plugin's
 * skip-override): its hooks are the hub's, as when app.ts called the parts one by one.
 */
export function declarePlugin(meta: HubPluginMeta, body: HubPlugin): FastifyPluginAsync<HubPluginOptions> {
  const plugin: FastifyPluginAsync<HubPluginOptions> = async (app, { context, config }) => body(app, context, config);
  return fp(plugin, {
    fastify: '5.x',
    name: meta.name,
    dependencies: meta.dependencies ?? [],
    decorators: { fastify: meta.decorators ?? [] },
  });
}
