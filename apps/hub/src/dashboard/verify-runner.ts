import type { HubContext } from '../context';
import { describeDiscrepancy, verifyChain } from '../verify/verify-chain';
import type { DashboardStream } from './stream';
import type { VerifyState } from './views';

/** Progress events per second at most: a million transfers must not flood the page. */
const PROGRESS_INTERVAL_MS = 100;

/**
 * Runs `fedow verify` from the dashboard, one run at a time per hub process, with
 * its progress streamed to every open dashboard and its result recorded in
 * verify_runs (by verifyChain itself).
 */
export class VerifyRunner {
  private current: Promise<void> | null = null;
  private state: VerifyState | null = null;

  constructor(
    private readonly context: HubContext,
    private readonly stream: DashboardStream,
  ) {}

  get running(): VerifyState | null {
    return this.current ? (this.state ?? { phase: 'transfers', done: 0, total: 0 }) : null;
  }

  /** Starts a run; false when one is already running. */
  start(): boolean {
    if (this.current) return false;
    this.state = { phase: 'transfers', done: 0, total: 0 };
    this.current = this.run().finally(() => {
      this.current = null;
      this.state = null;
      this.stream.changed(['chain']);
    });
    return true;
  }

  /** Waits for a run in progress (the hub closes its database after this). */
  async idle(): Promise<void> {
    await this.current;
  }

  private async run(): Promise<void> {
    let sentAt = 0;
    try {
      const result = await verifyChain(this.context, {
        onProgress: (progress) => {
          this.state = { ...progress };
          const now = performance.now();
          if (now - sentAt < PROGRESS_INTERVAL_MS && progress.done < progress.total) return;
          sentAt = now;
          this.stream.send('verify', this.state);
        },
      });
      this.stream.send('verify-done', {
        ok: result.ok,
        firstDiscrepancy: result.firstDiscrepancy ? describeDiscrepancy(result.firstDiscrepancy) : null,
        transfersChecked: result.transfersChecked,
        durationMs: result.durationMs,
      });
    } catch (error) {
      this.stream.send('verify-done', { ok: false, error: error instanceof Error ? error.message : String(error) });
    }
  }
}
