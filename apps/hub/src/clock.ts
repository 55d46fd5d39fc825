/**
 * The hub's time, at the bottom of its imports: every room reads the time through
 * one seam, so tests and the simulation set it and the ledger never reads it.
 * Imports nothing of the hub, so any module (identity, storage, sync) may use it.
 */

/** The clock of the hub: one seam, so tests and the ledger never read time themselves. */
export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

/** A timer set through `Timers`: cancelling one that already ran does nothing. */
export interface Timer {
  cancel(): void;
}

/**
 * The hub's background timers (heartbeats, the card feed's poll, presence, the
 * sealer's period), through one seam so the simulation runs them on its virtual
 * clock: with node's timers there, they fired at moments no seed chose. None of
 * them keeps a process alive: a CLI or a test that is done exits.
 */
export interface Timers {
  /** Runs `callback` once, `ms` from now. */
  after(ms: number, callback: () => void): Timer;
  /** Runs `callback` every `ms` until cancelled. */
  every(ms: number, callback: () => void): Timer;
}

export const systemTimers: Timers = {
  after(ms, callback) {
    const handle = setTimeout(callback, ms).unref();
    return { cancel: () => clearTimeout(handle) };
  },
  every(ms, callback) {
    const handle = setInterval(callback, ms).unref();
    return { cancel: () => clearInterval(handle) };
  },
};

/** RFC 3339 with milliseconds, as LEDGER.md writes every time. */
export function iso(date: Date): string {
  return date.toISOString();
}
