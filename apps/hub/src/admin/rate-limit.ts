import type { Clock } from '../clock';

/**
 * Failed attempts per address in a sliding window (pairing codes are short: ten
 * guesses a minute from one address leaves 32⁸ codes out of reach). Bounded: the
 * oldest address is forgotten beyond ADDRESSES_MAX.
 */
export class FailureLimiter {
  private static readonly ADDRESSES_MAX = 10_000;
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly clock: Clock,
    private readonly failuresMax: number,
    private readonly windowMs: number,
  ) {}

  /** True when this address has used up its failures in the current window. */
  blocked(address: string): boolean {
    return this.recent(address).length >= this.failuresMax;
  }

  fail(address: string): void {
    const recent = this.recent(address);
    recent.push(this.clock.now().getTime());
    this.failures.delete(address);
    this.failures.set(address, recent.slice(-this.failuresMax));
    if (this.failures.size > FailureLimiter.ADDRESSES_MAX) {
      const oldest = this.failures.keys().next().value;
      if (oldest !== undefined) this.failures.delete(oldest);
    }
  }

  private recent(address: string): number[] {
    const since = this.clock.now().getTime() - this.windowMs;
    return (this.failures.get(address) ?? []).filter((at) => at > since);
  }
}
