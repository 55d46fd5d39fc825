/**
 * The journal's retention purge, run when the agent starts and then every
 * hour: acknowledged entries older than the retention leave the file. Its own
 * module so the agent's start and close stay a list of parts.
 */

export const PURGE_EVERY_MS = 3_600_000;

/** Purges now and every `everyMs`; returns the stop. The timer never keeps the process alive. */
export function startPurgeTimer(purge: () => void, everyMs = PURGE_EVERY_MS): () => void {
  purge();
  const timer = setInterval(purge, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
