import { setImmediate } from 'node:timers/promises';

export interface PacerOptions {
  /** The units' share of the wall time while pushes keep coming. */
  shareMax?: number;
  /** How long after the last push `busy()` still says so. */
  busyWindowMs?: number;
  /** No single pause is longer, so a long unit (a slow endpoint) does not stall the others for long. */
  pauseMsMax?: number;
  /** Hears each unit's length, and whether tills were pushing when it started (the hub's metrics). */
  onUnit?: (ms: number, whileIngesting: boolean) => void;
}

/**
 * Ingest first: the webhook deliverer runs on the hub's main thread, which is
 * also the ingest's serial stage (issue 14.3: webhooks must not slow ingest
 * down). The deliverer's units of database work (a dispatch transaction,
 * reading an endpoint's next message, recording an attempt) take the time no
 * till has a push at the ingest: a unit then runs at once. While pushes are
 * there, each unit is followed by a pause so that the units take at most
 * `shareMax` of the wall time, and a unit waiting for its pause starts as soon
 * as the ingest has none left. A festival's steady sales leave such gaps, so
 * deliveries keep up with them; a flood of pushes (a catch-up after an
 * outage, the bench) leaves the deliverer its share, and the backlog drains
 * in the next gaps.
 *
 * Waiting for an endpoint is not paced (a slow endpoint must not pause the
 * others); signing and sending a message cost less than its two database units.
 */
export class Pacer {
  /** A till has a push at the ingest: waiting for its checks or its turn, or applying. */
  private ingestBusy = false;
  /** When the ingest last went idle. */
  private ingestIdleSinceMs = Number.NEGATIVE_INFINITY;
  /** Aborted when the ingest goes idle: a unit waiting for its pause starts in the gap. */
  private gap = new AbortController();
  private nextWorkMs = 0;

  private readonly shareMax: number;
  private readonly busyWindowMs: number;
  private readonly pauseMsMax: number;
  private readonly onUnit: (ms: number, whileIngesting: boolean) => void;

  constructor(options: PacerOptions = {}) {
    this.shareMax = options.shareMax ?? 0.01;
    this.busyWindowMs = options.busyWindowMs ?? 1_000;
    this.pauseMsMax = options.pauseMsMax ?? 2_000;
    this.onUnit = options.onUnit ?? (() => {});
    if (!(this.shareMax > 0 && this.shareMax <= 1)) throw new Error(`shareMax must be in (0, 1], got ${this.shareMax}`);
  }

  /** The ingest has pushes (`true`), or has just answered its last one (`false`). */
  ingestLoad(busy: boolean, nowMs = performance.now()): void {
    if (busy === this.ingestBusy) return;
    this.ingestBusy = busy;
    if (busy) {
      this.gap = new AbortController();
    } else {
      this.ingestIdleSinceMs = nowMs;
      this.gap.abort();
    }
  }

  /** Tills are pushing, or pushed within `busyWindowMs`: the deliverer keeps its units small. */
  busy(nowMs = performance.now()): boolean {
    return this.ingestBusy || nowMs - this.ingestIdleSinceMs < this.busyWindowMs;
  }

  /** Runs one unit of work when its turn comes, and books the pause that follows it. */
  async run<T>(work: () => Promise<T>, signal: AbortSignal): Promise<T> {
    // A unit on SQLite settles without waiting for I/O: units chained back to
    // back would keep the event loop from reading the sockets, and a push that
    // arrived meanwhile from telling the ingest is busy.
    await setImmediate();
    for (;;) {
      const now = performance.now();
      if (signal.aborted || !this.ingestBusy || now >= this.nextWorkMs) break;
      await sleep(Math.min(this.nextWorkMs - now, this.pauseMsMax), signal, this.gap.signal);
    }
    const started = performance.now();
    const whileIngesting = this.ingestBusy;
    try {
      return await work();
    } finally {
      const ended = performance.now();
      this.onUnit(ended - started, whileIngesting);
      const pauseMs = Math.min(((ended - started) * (1 - this.shareMax)) / this.shareMax, this.pauseMsMax);
      this.nextWorkMs = Math.max(this.nextWorkMs, ended + pauseMs);
    }
  }
}

/** Resolves after `ms`, or as soon as one of the signals aborts (listeners removed: the stop signal lives as long as the hub). */
function sleep(ms: number, ...signals: AbortSignal[]): Promise<void> {
  if (signals.some((signal) => signal.aborted)) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      for (const signal of signals) signal.removeEventListener('abort', done);
      resolve();
    }
    for (const signal of signals) signal.addEventListener('abort', done, { once: true });
  });
}
