import type { FastifyInstance } from 'fastify';
import type { HubConfig } from './config';
import type { HubContext } from './context';

/** A part of the hub: adds routes or background work, and stops it in `onClose`. */
export type HubPlugin = (app: FastifyInstance, context: HubContext, config: HubConfig) => Promise<void>;
