import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqlite } from '../src/storage/open-sqlite';
import type { SqliteStorage } from '../src/storage/types';
import { type SyncFile, WalFlusher } from '../src/storage/wal-flusher';

const dir = mkdtempSync(join(tmpdir(), 'fedow-wal-flusher-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let count = 0;
function freshPath(): string {
  count += 1;
  return join(dir, `db-${count}`, 'fedow.sqlite');
}

/** Syncs the test ends by hand, each kept with what a reader saw committed when it started. */
class HeldSyncs {
  readonly started: { committed: number; finish: (error: Error | null) => void }[] = [];
  /** Rows committed, as another connection sees them. */
  committed: () => number = () => 0;
  #ended = 0;

  readonly sync: SyncFile = (_fd, done) => {
    this.started.push({ committed: this.committed(), finish: done });
  };

  /** Ends the oldest sync not yet ended. */
  finishNext(error: Error | null = null): void {
    const next = this.started[this.#ended++];
    if (!next) throw new Error('no sync is running');
    next.finish(error);
  }
}

/** Lets promise callbacks run: a held sync's waiters resolve, or show that they do not. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

function tracked<T>(promise: Promise<T>): { done: () => boolean; promise: Promise<T> } {
  let done = false;
  void promise.then(
    () => (done = true),
    () => (done = true),
  );
  return { done: () => done, promise };
}

describe('WalFlusher', () => {
  function flusher(syncs: HeldSyncs): WalFlusher {
    const wal = join(dir, `wal-${++count}`);
    writeFileSync(wal, '');
    return new WalFlusher(wal, syncs.sync);
  }

  it('resolves a flush once a sync that started after it has ended', async () => {
    const syncs = new HeldSyncs();
    const wal = flusher(syncs);
    const first = tracked(wal.flush());
    expect(syncs.started).toHaveLength(1);
    await settle();
    expect(first.done()).toBe(false);
    syncs.finishNext();
    await first.promise;
  });

  it('gives callers that arrive during a sync one more sync, shared, started when the first ends', async () => {
    const syncs = new HeldSyncs();
    const wal = flusher(syncs);
    const first = tracked(wal.flush());
    const second = tracked(wal.flush());
    const third = tracked(wal.flush());
    // The running sync may have started before the second and third callers committed.
    expect(syncs.started).toHaveLength(1);
    syncs.finishNext();
    await first.promise;
    await settle();
    expect(second.done()).toBe(false);
    expect(syncs.started).toHaveLength(2);
    syncs.finishNext();
    await Promise.all([second.promise, third.promise]);
    expect(syncs.started).toHaveLength(2);
  });

  it('fails the waiters of a failed sync, and syncs again for the next caller', async () => {
    const syncs = new HeldSyncs();
    const wal = flusher(syncs);
    const failed = wal.flush();
    const queued = wal.flush();
    syncs.finishNext(new Error('EIO'));
    await expect(failed).rejects.toThrow(/could not be synced to disk: EIO/);
    await settle();
    syncs.finishNext();
    await queued;
    expect(syncs.started).toHaveLength(2);
  });

  it('syncs once more when it closes, for a commit that had not asked yet, and answers later callers with that sync', async () => {
    const syncs = new HeldSyncs();
    const wal = flusher(syncs);
    const running = tracked(wal.flush());
    const closing = tracked(wal.close());
    const late = tracked(wal.flush());
    syncs.finishNext();
    await running.promise;
    await settle();
    expect(syncs.started).toHaveLength(2);
    expect(closing.done() || late.done()).toBe(false);
    syncs.finishNext();
    await Promise.all([closing.promise, late.promise]);
  });
});

describe('SQLite storage with the WAL flusher', () => {
  /** Storage whose syncs the test holds, each noting the rows its reader connection saw committed. */
  async function open(syncs: HeldSyncs): Promise<SqliteStorage> {
    const storage = await openSqlite(freshPath(), 'test', { ioThreads: true, syncWal: syncs.sync });
    storage.sqlite.exec('CREATE TABLE filler (id INTEGER PRIMARY KEY, text TEXT NOT NULL)');
    syncs.committed = () => rows(storage);
    return storage;
  }

  /** Closes the storage, ending the last sync it makes (after its checkpoint thread has stopped). */
  async function closeHeld(storage: SqliteStorage, syncs: HeldSyncs): Promise<void> {
    const before = syncs.started.length;
    const closing = storage.close();
    while (syncs.started.length === before) await new Promise((resolve) => setTimeout(resolve, 5));
    syncs.finishNext();
    await closing;
  }

  function rows(storage: SqliteStorage): number {
    return (storage.read.sqlite!.prepare('SELECT count(*) AS n FROM filler').get() as { n: number }).n;
  }

  /** Runs `test` on storage whose syncs it holds, and closes the storage after, whatever happened. */
  async function withHeldSyncs(test: (storage: SqliteStorage, syncs: HeldSyncs) => Promise<void>): Promise<void> {
    const syncs = new HeldSyncs();
    const storage = await open(syncs);
    try {
      await test(storage, syncs);
    } finally {
      await closeHeld(storage, syncs);
    }
  }

  async function insert(storage: SqliteStorage, text: string, options?: { durable: boolean }): Promise<void> {
    await storage.transaction(async (tx) => {
      tx.sqlite!.prepare('INSERT INTO filler (text) VALUES (?)').run(text);
    }, options);
  }

  it('ends a transaction only after a sync of the WAL that started after its COMMIT', () =>
    withHeldSyncs(async (storage, syncs) => {
      const write = tracked(insert(storage, 'a'));
      await settle();
      // Committed (a reader sees it), not yet known to be on disk: the transaction is not over.
      expect(rows(storage)).toBe(1);
      expect(write.done()).toBe(false);
      expect(syncs.started).toHaveLength(1);
      expect(syncs.started[0]!.committed).toBe(1);
      syncs.finishNext();
      await write.promise;
    }));

  it('lets the next transaction commit while the last one is synced, and covers both with the next sync', () =>
    withHeldSyncs(async (storage, syncs) => {
      const first = tracked(insert(storage, 'a'));
      await settle();
      const second = tracked(insert(storage, 'b'));
      await settle();
      expect(rows(storage)).toBe(2);
      expect(syncs.started).toHaveLength(1);
      syncs.finishNext();
      await first.promise;
      await settle();
      expect(second.done()).toBe(false);
      expect(syncs.started[1]!.committed).toBe(2);
      syncs.finishNext();
      await second.promise;
    }));

  it('does not sync for a transaction that need not wait for the disk', () =>
    withHeldSyncs(async (storage, syncs) => {
      await insert(storage, 'a', { durable: false });
      expect(syncs.started).toHaveLength(0);
    }));

  it('fails a transaction whose sync failed, though its rows are committed', () =>
    withHeldSyncs(async (storage, syncs) => {
      const write = insert(storage, 'a');
      await settle();
      syncs.finishNext(new Error('EIO'));
      await expect(write).rejects.toThrow(/could not be synced to disk: EIO/);
      expect(rows(storage)).toBe(1);
    }));

  it('closes its connections when the last sync fails, and says the sync failed', async () => {
    const syncs = new HeldSyncs();
    const storage = await open(syncs);
    const closing = storage.close();
    while (syncs.started.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    syncs.finishNext(new Error('EIO'));
    await expect(closing).rejects.toThrow(/could not be synced to disk: EIO/);
    expect(storage.sqlite.open).toBe(false);
    expect(storage.read.sqlite!.open).toBe(false);
  });

  it('syncs with fdatasync by default, on the WAL file SQLite writes', async () => {
    const storage = await openSqlite(freshPath(), 'test');
    try {
      storage.sqlite.exec('CREATE TABLE filler (id INTEGER PRIMARY KEY, text TEXT NOT NULL)');
      for (let index = 0; index < 20; index++) {
        await storage.transaction(async (tx) => {
          tx.sqlite!.prepare('INSERT INTO filler (text) VALUES (?)').run('x'.repeat(1_000));
        });
      }
      expect(storage.sqlite.pragma('synchronous', { simple: true })).toBe(1);
      expect(rows(storage)).toBe(20);
    } finally {
      await storage.close();
    }
  });
});
