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

/** RFC 3339 with milliseconds, as LEDGER.md writes every time. */
export function iso(date: Date): string {
  return date.toISOString();
}
