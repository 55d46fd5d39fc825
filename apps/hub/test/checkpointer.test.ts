import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openStorage, type SqliteStorage } from '../src/storage';
import { Checkpointer } from '../src/storage/checkpointer';

const dir = mkdtempSync(join(tmpdir(), 'fedow-checkpoint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let count = 0;
function freshPath(): string {
  count += 1;
  return join(dir, `db-${count}`, 'fedow.sqlite');
}

/** Commits `transactions` transactions of ~100 KB each through the hub's own write path. */
async function write(storage: SqliteStorage, transactions: number): Promise<void> {
  storage.sqlite.exec('CREATE TABLE IF NOT EXISTS filler (id INTEGER PRIMARY KEY, blob TEXT NOT NULL)');
  const insert = storage.sqlite.prepare('INSERT INTO filler (blob) VALUES (?)');
  for (let round = 0; round < transactions; round++) {
    await storage.transaction(async () => {
      for (let row = 0; row < 100; row++) insert.run('x'.repeat(1_000));
    });
  }
}

async function eventually(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('WAL checkpoints on their own thread', () => {
  it('copies committed pages into the database file while the writer never checkpoints', async () => {
    const path = freshPath();
    const storage = (await openStorage(`sqlite:${path}`)) as SqliteStorage;
    try {
      expect(storage.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
      const before = statSync(path).size;
      await write(storage, 30);
      // ~3 MB committed: only a checkpoint moves it from the WAL into the file.
      await eventually(() => statSync(path).size > before + 2_500_000);
    } finally {
      await storage.close();
    }
    // The writer's own checkpoint on close folds the rest in and removes the WAL.
    expect(existsSync(`${path}-wal`)).toBe(false);
    const reopened = new Database(path, { readonly: true });
    expect(reopened.prepare('SELECT count(*) AS n FROM filler').get()).toEqual({ n: 3_000 });
    reopened.close();
  });

  it('gives the writer its own checkpoints back when the thread fails', async () => {
    const path = freshPath();
    const storage = (await openStorage(`sqlite:${path}`)) as SqliteStorage;
    const warnings: string[] = [];
    const onWarning = (warning: Error & { code?: string }) => {
      if (warning.code === 'FEDOW_CHECKPOINT') warnings.push(warning.message);
    };
    process.on('warning', onWarning);
    try {
      // A thread pointed at a file that does not exist fails as it starts.
      const broken = new Checkpointer(join(dir, 'missing', 'nothing.sqlite'), storage.sqlite, { intervalMs: 10, restartFrames: 100, busyTimeoutMs: 100 });
      expect(storage.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
      await eventually(() => storage.sqlite.pragma('wal_autocheckpoint', { simple: true }) === 1_000);
      await eventually(() => warnings.length === 1);
      expect(warnings[0]).toMatch(/checkpoint thread .*the writer checkpoints the WAL itself/);
      await broken.stop();
    } finally {
      process.off('warning', onWarning);
      await storage.close();
    }
  });

  it('an in-memory database has no thread and keeps SQLite’s own checkpoints', async () => {
    const storage = (await openStorage('sqlite::memory:')) as SqliteStorage;
    try {
      expect(storage.readSeesUncommitted).toBe(true);
      expect(storage.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(1_000);
    } finally {
      await storage.close();
    }
  });
});
