/** Takes SQLite's WAL to disk on libuv's thread pool, so that a commit's fsync does not stop the event loop. */
import { close, fdatasync, openSync } from 'node:fs';

/** How the WAL file reaches the disk: fdatasync(2), as SQLite itself syncs it on Linux. */
export type SyncFile = (fd: number, done: (error: Error | null) => void) => void;

/**
 * With `synchronous = FULL`, SQLite syncs the WAL inside every COMMIT, on the
 * thread that commits: the hub's event loop, which then reads no push and hands
 * the crypto workers no job until the disk answers. The writer runs with
 * `synchronous = NORMAL` instead (a COMMIT writes its frames and returns) and a
 * transaction waits here, off the event loop, for a sync of the WAL file that
 * started after its COMMIT: what it committed is then on disk, as with FULL.
 *
 * The WAL is written in order, and recovery stops at the first frame that is not
 * whole, so a commit that reached the disk brings every commit before it: one
 * sync covers every COMMIT made before it started. Callers that arrive while a
 * sync runs share the next one.
 *
 * The file stays open for the storage's life. SQLite deletes the WAL only when
 * the last connection to the database closes, and the writer's connection is
 * open as long as this is; a restarted or truncated WAL is the same file.
 */
export class WalFlusher {
  readonly #fd: number;
  readonly #sync: SyncFile;
  /** The sync running now, if any. */
  #running: Promise<void> | null = null;
  /** The sync that starts when the running one ends, for callers that committed after it started. */
  #queued: Promise<void> | null = null;
  /** Set by close(): the last sync, then the file closed. */
  #closing: Promise<void> | null = null;

  constructor(walPath: string, sync: SyncFile = fdatasync) {
    // Read-only: this never writes the file, and fdatasync needs no write access on Linux.
    this.#fd = openSync(walPath, 'r');
    this.#sync = sync;
  }

  /** Resolves once every COMMIT made before this call is on disk; rejects if the sync failed. */
  flush(): Promise<void> {
    // No COMMIT follows close(), so its last sync covers the caller's.
    if (this.#closing !== null) return this.#closing;
    if (this.#queued !== null) return this.#queued;
    if (this.#running === null) return this.#start();
    // The running sync may have started before the caller's COMMIT wrote its frames.
    this.#queued = this.#running.then(
      () => this.#startQueued(),
      () => this.#startQueued(),
    );
    return this.#queued;
  }

  /**
   * After the last COMMIT (the storage closes it under its lock): waits for the
   * syncs under way, syncs once more for a transaction that committed but had
   * not asked yet, and closes the file.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await Promise.allSettled([this.#running, this.#queued]);
      try {
        await this.#start();
      } finally {
        await new Promise<void>((resolve, reject) => close(this.#fd, (error) => (error ? reject(error) : resolve())));
      }
    })();
    return this.#closing;
  }

  #startQueued(): Promise<void> {
    this.#queued = null;
    return this.#start();
  }

  #start(): Promise<void> {
    const running = new Promise<void>((resolve, reject) => this.#sync(this.#fd, (error) => (error ? reject(walSyncFailed(error)) : resolve()))).finally(() => {
      this.#running = null;
    });
    this.#running = running;
    return running;
  }
}

/**
 * The COMMIT is in the WAL, but not known to be on disk: the transaction fails,
 * so that nothing tells a till or a client it is done (a till pushes the entries
 * again and gets them back as duplicates).
 */
function walSyncFailed(cause: Error): Error {
  return new Error(`the WAL could not be synced to disk: ${cause.message}`, { cause });
}
