/**
 * What this till sends to the hub per second, kept under the hub's limit
 * (SYNC_MESSAGES_PER_SECOND_MAX, per till, with a growing back-off for each
 * breach): a token bucket, refilled continuously, that every message spends.
 * Pushes wait for a token; the other messages (hello, `updated`, pings) are
 * sent at once and spend one too, so the pushes make room for them. Pure: the
 * caller passes its clock.
 */
export class MessagePacer {
  private tokens: number;
  private at: number;

  constructor(
    private readonly perSecond: number,
    now: number,
  ) {
    this.tokens = perSecond;
    this.at = now;
  }

  /** A message is sent now. */
  spend(now: number): void {
    this.refill(now);
    this.tokens -= 1;
  }

  /** How long a push must wait for a token, in ms (0: it may go now). */
  waitMs(now: number): number {
    this.refill(now);
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) * 1000) / this.perSecond);
  }

  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.at);
    this.tokens = Math.min(this.perSecond, this.tokens + (elapsed * this.perSecond) / 1000);
    this.at = now;
  }
}
