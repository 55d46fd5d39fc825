import { HEARTBEAT_MS, RECONNECT_JITTER_RATIO, RECONNECT_MS_MAX, RECONNECT_MS_MIN, SILENCE_MS_MAX } from '@fedow/protocol';

/**
 * The sync client's clocks: its timers (injected so tests and the simulation
 * drive time), its tuning, and the reconnection backoff — a pure function of
 * the attempt and a random draw. Apart from the client so its parts (connection.ts)
 * use the backoff without importing the client that assembles them.
 */

export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  // Safe: only handles returned by setTimeout above are passed back.
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface SyncTuning {
  heartbeatMs: number;
  silenceMsMax: number;
  reconnectMsMin: number;
  reconnectMsMax: number;
  jitterRatio: number;
}

export const DEFAULT_SYNC_TUNING: SyncTuning = {
  heartbeatMs: HEARTBEAT_MS,
  silenceMsMax: SILENCE_MS_MAX,
  reconnectMsMin: RECONNECT_MS_MIN,
  reconnectMsMax: RECONNECT_MS_MAX,
  jitterRatio: RECONNECT_JITTER_RATIO,
};

/** Delay before reconnection attempt `attempt` (0-based), jittered by `random` ∈ [0, 1). */
export function backoffDelay(attempt: number, random: number, tuning: Pick<SyncTuning, 'reconnectMsMin' | 'reconnectMsMax' | 'jitterRatio'> = DEFAULT_SYNC_TUNING): number {
  if (!Number.isInteger(attempt) || attempt < 0) throw new RangeError('attempt is a non-negative integer');
  if (!(random >= 0 && random < 1)) throw new RangeError('random is in [0, 1)');
  // 2^attempt overflows nothing before the cap: stop doubling once there.
  const doublings = Math.min(attempt, 32);
  const base = Math.min(tuning.reconnectMsMax, tuning.reconnectMsMin * 2 ** doublings);
  return Math.round(base * (1 + tuning.jitterRatio * (2 * random - 1)));
}
