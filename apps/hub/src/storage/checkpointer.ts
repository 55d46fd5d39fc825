/** The SQLite WAL checkpointer thread: keeps checkpoints off the event loop that commits. */
import { Worker } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';

/** SQLite's own default: what the writer falls back to if the thread fails. */
const AUTO_CHECKPOINT_PAGES = 1_000;

export interface CheckpointerOptions {
  intervalMs: number;
  /** A WAL longer than this after a passive checkpoint is restarted (waits for readers). */
  restartFrames: number;
  busyTimeoutMs: number;
}

export const CHECKPOINTER_DEFAULTS: CheckpointerOptions = { intervalMs: 200, restartFrames: 16_384, busyTimeoutMs: 5_000 };

/**
 * Copies the WAL back into the database file on a thread of its own. SQLite's
 * auto-checkpoint runs inside the COMMIT that crosses its threshold, on the
 * thread that commits: here the hub's event loop, which then stops taking
 * pushes while pages are copied and the file is synced (about half of all
 * commit time in the catch-up benchmark). The writer's auto-checkpoint is off
 * while this runs; if the thread fails, the writer gets it back, so the WAL
 * stays bounded either way.
 */
export class Checkpointer {
  private readonly worker: Worker;
  private stopped = false;

  constructor(
    path: string,
    private readonly writer: BetterSqlite3.Database,
    options: CheckpointerOptions = CHECKPOINTER_DEFAULTS,
  ) {
    this.worker = new Worker(new URL('./checkpoint-worker.mjs', import.meta.url), { workerData: { path, ...options } });
    // A checkpoint thread must not keep a CLI command (or a test) alive.
    this.worker.unref();
    this.worker.on('message', (message: { type: 'failed'; message: string }) => this.fallBack(`the checkpoint thread failed: ${message.message}`));
    this.worker.on('error', (error) => this.fallBack(`the checkpoint thread crashed: ${error.message}`));
    this.worker.on('exit', () => this.fallBack('the checkpoint thread exited'));
    writer.pragma('wal_autocheckpoint = 0');
  }

  /** Stops the thread; the writer's own checkpoint on close then finishes the job. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const exited = new Promise((resolve) => this.worker.once('exit', resolve));
    // Unreferenced, the worker would let the process end before it has closed.
    this.worker.ref();
    this.worker.postMessage('close');
    await exited;
  }

  private fallBack(why: string): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.writer.open) this.writer.pragma(`wal_autocheckpoint = ${AUTO_CHECKPOINT_PAGES}`);
    process.emitWarning(`${why}; the writer checkpoints the WAL itself from now on`, { code: 'FEDOW_CHECKPOINT' });
    void this.worker.terminate();
  }
}
