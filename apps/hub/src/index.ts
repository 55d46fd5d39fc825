export { buildHub, openHubContext, type Hub, type HubOptions } from './app';
export { configFromEnv, type HubConfig } from './config';
export type { HubContext } from './context';
export type { Clock } from './clock';
export { HubError } from './errors';
export { verifyChain } from './verify/verify-chain';
