import {
  SYNC_BACKOFF_MS_MAX,
  SYNC_BACKOFF_MS_MIN,
  SYNC_MESSAGES_PER_SECOND_MAX,
  SYNC_RATE_KEYS_MAX,
  SYNC_VIOLATIONS_FORGET_MS,
} from '@fedow/protocol';

export interface RateLimitSettings {
  messagesPerSecondMax: number;
  backoffMsMin: number;
  backoffMsMax: number;
  violationsForgetMs: number;
  keysMax: number;
}

export const SYNC_RATE_LIMITS: RateLimitSettings = {
  messagesPerSecondMax: SYNC_MESSAGES_PER_SECOND_MAX,
  backoffMsMin: SYNC_BACKOFF_MS_MIN,
  backoffMsMax: SYNC_BACKOFF_MS_MAX,
  violationsForgetMs: SYNC_VIOLATIONS_FORGET_MS,
  keysMax: SYNC_RATE_KEYS_MAX,
};

interface KeyState {
  tokens: number;
  tokensAt: number;
  violations: number;
  lastViolationAt: number;
  blockedUntil: number;
}

/**
 * Message budgets and back-offs of /sync, per key — a till (`till:<id>`) or, before
 * hello, an address (`address:<ip>`) — kept by the server, so that a connection
 * closed for flooding and opened again at once finds its budget spent and its
 * back-off running. Each violation doubles the back-off, from the minimum to the
 * maximum; violations are forgotten after `violationsForgetMs` without one.
 * Times are passed in (ms): the limiter reads no clock.
 */
export class RateLimits {
  private readonly keys = new Map<string, KeyState>();

  constructor(private readonly settings: RateLimitSettings = SYNC_RATE_LIMITS) {}

  /** Takes one message from `key`'s budget: false when it is spent (a violation for the caller to record). */
  take(key: string, now: number): boolean {
    const state = this.state(key, now);
    const perSecond = this.settings.messagesPerSecondMax;
    state.tokens = Math.min(perSecond, state.tokens + ((now - state.tokensAt) / 1000) * perSecond);
    state.tokensAt = now;
    if (state.tokens < 1) return false;
    state.tokens -= 1;
    return true;
  }

  /**
   * Records a violation by `key`: returns the back-off it starts, in ms. The
   * first `free` violations (within the forget period) start none.
   */
  violate(key: string, now: number, free = 0): number {
    const state = this.state(key, now);
    if (now - state.lastViolationAt > this.settings.violationsForgetMs) state.violations = 0;
    state.violations++;
    state.lastViolationAt = now;
    if (state.violations <= free) return 0;
    const backoff = Math.min(this.settings.backoffMsMax, this.settings.backoffMsMin * 2 ** Math.min(30, state.violations - free - 1));
    state.blockedUntil = now + backoff;
    return backoff;
  }

  /** How long `key` is still refused, in ms (0: it may connect). */
  blockedFor(key: string, now: number): number {
    const state = this.keys.get(key);
    return state ? Math.max(0, state.blockedUntil - now) : 0;
  }

  get size(): number {
    return this.keys.size;
  }

  private state(key: string, now: number): KeyState {
    let state = this.keys.get(key);
    if (state) return state;
    if (this.keys.size >= this.settings.keysMax) this.evict(now);
    state = { tokens: this.settings.messagesPerSecondMax, tokensAt: now, violations: 0, lastViolationAt: -Infinity, blockedUntil: 0 };
    this.keys.set(key, state);
    return state;
  }

  /** Forgets keys whose budget is full again and whose violations are forgotten; else the oldest. */
  private evict(now: number): void {
    for (const [key, state] of this.keys) {
      const refilled = (now - state.tokensAt) / 1000 >= 1;
      if (refilled && now - state.lastViolationAt > this.settings.violationsForgetMs) this.keys.delete(key);
    }
    if (this.keys.size >= this.settings.keysMax) this.keys.delete(this.keys.keys().next().value!);
  }
}
