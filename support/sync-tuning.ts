import type { SyncTuning } from '@fedow/terminal';

/**
 * Small numbers for tests: the sync logic is the same, reconnection is quicker.
 * A module of its own so that a till child process does not load the hub.
 */
export const FAST_SYNC: Partial<SyncTuning> = { heartbeatMs: 1_000, silenceMsMax: 3_000, reconnectMsMin: 20, reconnectMsMax: 200 };
