/**
 * Units of work committed together (storage/group-commit.ts, the path of every
 * money request): one transaction for the units that arrive together, each in
 * its own savepoint, on a real SQLite file and a real PostgreSQL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { DIALECTS, freshDatabase } from '../../../test/support/dialects';
import { openStorage, type Storage, type Tx } from '../src/storage';
import { GroupCommit } from '../src/storage/group-commit';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

async function rows(tx: Tx): Promise<number[]> {
  return (await tx.all<{ n: number | string }>(sql`select n from group_scratch order by n`)).map((row) => Number(row.n));
}

describe.each(DIALECTS)('group commit on %s', (dialect) => {
  const database = freshDatabase(dialect);
  let storage: Storage | null = null;
  afterEach(async () => {
    await storage?.close();
    storage = null;
  });

  /** A storage whose transactions are counted: each is one commit. */
  async function open(): Promise<{ storage: Storage; transactions: () => number }> {
    let url = await database();
    if (url === undefined) {
      const dir = mkdtempSync(join(tmpdir(), 'fedow-group-'));
      dirs.push(dir);
      url = `sqlite:${join(dir, 'fedow.sqlite')}`;
    }
    const opened = await openStorage(url);
    storage = opened;
    await opened.transaction((tx) => tx.run(sql`create table group_scratch (n integer primary key)`));
    let count = 0;
    const transaction = opened.transaction.bind(opened);
    Object.assign(opened, { transaction: <T>(fn: (tx: Tx) => Promise<T>) => (count++, transaction(fn)) });
    return { storage: opened, transactions: () => count };
  }

  const insert = (n: number) => (tx: Tx) => tx.run(sql`insert into group_scratch (n) values (${n})`).then(() => n);

  it('commits units that arrive together once, in arrival order, each seeing the ones before it', async () => {
    const { storage, transactions } = await open();
    const group = new GroupCommit(storage);
    const seen: number[][] = [];
    const units = [1, 2, 3, 4].map((n) =>
      group.run(async (tx) => {
        seen.push(await rows(tx));
        return insert(n)(tx);
      }),
    );
    expect(await Promise.all(units)).toEqual([1, 2, 3, 4]);
    expect(transactions()).toBe(1);
    expect(seen).toEqual([[], [1], [1, 2], [1, 2, 3]]);
    expect(await rows(storage.read)).toEqual([1, 2, 3, 4]);
  });

  it('rolls back a unit that throws alone, with its own error, and commits the others', async () => {
    const { storage, transactions } = await open();
    const group = new GroupCommit(storage);
    const first = group.run(insert(10));
    const failing = group.run(async (tx) => {
      await insert(20)(tx);
      throw new Error('refused after writing');
    });
    // A statement error too: on PostgreSQL it aborts the transaction up to the savepoint.
    const duplicate = group.run(async (tx) => {
      await insert(30)(tx);
      return insert(10)(tx);
    });
    const results = await Promise.allSettled([first, failing, duplicate, group.run(insert(40))]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toEqual(new Error('refused after writing'));
    expect(transactions()).toBe(1);
    expect(await rows(storage.read)).toEqual([10, 40]);
  });

  it('runs a unit that arrives alone as a plain transaction, and the next arrivals in the following one', async () => {
    const { storage, transactions } = await open();
    const group = new GroupCommit(storage);
    expect(await group.run(insert(1))).toBe(1);
    expect(transactions()).toBe(1);
    expect(await Promise.all([group.run(insert(2)), group.run(insert(3))])).toEqual([2, 3]);
    expect(transactions()).toBe(2);
    await expect(group.run(async () => Promise.reject(new Error('alone')))).rejects.toThrow('alone');
    expect(await rows(storage.read)).toEqual([1, 2, 3]);
  });
});
