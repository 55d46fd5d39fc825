/**
 * Keeps the webhook deliverer's share of the hub's time small while tills are
 * pushing: ingest comes first (issue 14.3: webhooks must not slow it down), and
 * deliveries run on the same thread. While an ingest turn was reported in the
 * last `busyWindowMs`, each unit of database work of the deliverer (a dispatch
 * transaction, reading an endpoint's next message, recording an attempt) is
 * followed by a pause so that these units take at most `shareMax` of the wall
 * time; the backlog drains at full speed once ingest is quiet. Waiting for an
 * endpoint is not paced (a slow endpoint must not pause the others); signing and
 * sending a message cost less than its two database units.
 */
export class Pacer {
  private lastIngestMs = Number.NEGATIVE_INFINITY;
  private nextWorkMs = 0;

  constructor(
    private readonly shareMax = 0.03,
    private readonly busyWindowMs = 1_000,
    /** No single pause is longer, so a long unit (a slow endpoint) does not stall the others for long. */
    private readonly pauseMsMax = 2_000,
  ) {
    if (!(shareMax > 0 && shareMax <= 1)) throw new Error(`shareMax must be in (0, 1], got ${shareMax}`);
  }

  /** Ingest applied a turn. */
  ingested(nowMs = performance.now()): void {
    this.lastIngestMs = nowMs;
  }

  busy(nowMs = performance.now()): boolean {
    return nowMs - this.lastIngestMs < this.busyWindowMs;
  }

  /** Runs one unit of work when its turn comes, and books the pause that follows it. */
  async run<T>(work: () => Promise<T>, signal: AbortSignal): Promise<T> {
    for (;;) {
      const now = performance.now();
      if (!this.busy(now) || now >= this.nextWorkMs || signal.aborted) break;
      await sleep(Math.min(this.nextWorkMs - now, this.pauseMsMax), signal);
    }
    const started = performance.now();
    try {
      return await work();
    } finally {
      const ended = performance.now();
      const pauseMs = Math.min(((ended - started) * (1 - this.shareMax)) / this.shareMax, this.pauseMsMax);
      this.nextWorkMs = Math.max(this.nextWorkMs, ended + pauseMs);
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
