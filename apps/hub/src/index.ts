export { buildHub, openHubContext, type Hub, type HubOptions } from './app';
export { configFromEnv, type HubConfig } from './config';
export type { HubContext } from './context';
export type { Clock } from './clock';
export { HubError } from './errors';
export { verifyChain } from './verify/verify-chain';

/*
 * For programs that drive a hub in-process from outside apps/hub: the start script,
 * the demo seed, the benchmarks and the worlds of support/. They import these names
 * here, never the hub's folders, so that the hub can rearrange its rooms behind them.
 */
export { openStorage, repo, type Storage } from './storage';
export type { NewTransfer } from './storage/rows';
export { iso } from './clock';
export { hashToken, newOperatorToken } from './identity/bootstrap';
export { createAsset } from './money/new-asset';
export { importCards, showCard, type CardView } from './directory/cards';
export { changeFederation, createFederation } from './directory/federations';
export { createPlace, listPlaces } from './directory/places';
export { createProduct } from './directory/products';
export { createPairingCode } from './directory/terminals';
export { recordFirst } from './money/first';
export { compensate } from './money/compensation';
export { monthPeriod } from './money/compensation-schedule';
export { setMeltPolicy } from './money/melt';
export { sweepMelts } from './money/melt-sweep';
export { newWebhookSecret } from './notify/signature';
export { pythonJsonDumps } from './compat/python';
export { b64urlPadded, verifyPss } from './crypto/rsa';
export { PG_LOCK_SEALER } from './sealer/leader';
export { sealNow } from './sealer/plugin';
export { transferRecord } from './sealer/records';
export { sealNextBlock } from './sealer/seal-block';
export type { VerifyResult } from './verify/types';
