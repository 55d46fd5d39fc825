/**
 * When a failed delivery is tried again: exponential backoff with jitter, for
 * `retryForMs` after its first attempt (the last try on that deadline), then
 * dead-lettered. Pure: the
 * time and the random draw are passed in.
 */
export interface RetryPolicy {
  /** The delay after the first failure, before jitter. */
  firstDelayMs: number;
  /** No delay grows beyond this. */
  delayMsMax: number;
  /** How long after its first attempt a message is still retried (3 days by default). */
  retryForMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  firstDelayMs: 5_000,
  delayMsMax: 6 * 60 * 60 * 1_000,
  retryForMs: 3 * 24 * 60 * 60 * 1_000,
};

export type RetryDecision = { kind: 'retry'; atMs: number } | { kind: 'dead' };

/**
 * After failed attempt number `attempts` (1 for the first), with `random` in
 * [0, 1): "equal jitter" — half the exponential delay, plus a random part of
 * the other half, so endpoints that failed together do not come back together.
 */
export function nextAttempt(policy: RetryPolicy, attempts: number, firstAttemptMs: number, nowMs: number, random: number): RetryDecision {
  if (!Number.isSafeInteger(attempts) || attempts < 1) throw new Error(`attempts must be a positive integer, got ${attempts}`);
  if (!(random >= 0 && random < 1)) throw new Error(`random must be in [0, 1), got ${random}`);
  const deadlineMs = firstAttemptMs + policy.retryForMs;
  if (nowMs >= deadlineMs) return { kind: 'dead' };
  const exponent = Math.min(attempts - 1, 40);
  const delayMs = Math.min(policy.firstDelayMs * 2 ** exponent, policy.delayMsMax);
  // The last try lands on the deadline itself rather than being skipped.
  return { kind: 'retry', atMs: Math.min(nowMs + Math.floor(delayMs / 2 + (delayMs / 2) * random), deadlineMs) };
}
