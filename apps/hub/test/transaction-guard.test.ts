import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { TransactionGuard } from '../src/storage/guard';

/** A transaction that waits a few turns of the event loop, as one awaiting its statements does. */
const work = async <T>(value: T): Promise<T> => {
  await nextTurn();
  await Promise.resolve();
  await nextTurn();
  return value;
};

describe('the transaction guard', () => {
  it('refuses a transaction opened inside another one, however deep in its awaits', async () => {
    const guard = new TransactionGuard();
    await expect(guard.run(async () => guard.run(() => work(1)))).rejects.toThrow(/inside a transaction/);
    await expect(guard.run(async () => (await work(0)) + (await guard.run(() => work(1))))).rejects.toThrow(/inside a transaction/);
    const deeper = async (depth: number): Promise<number> => {
      await work(0);
      return depth === 0 ? guard.run(() => work(1)) : deeper(depth - 1);
    };
    await expect(guard.run(() => deeper(5))).rejects.toThrow(/inside a transaction/);
  });

  it('lets transactions that are not nested run side by side, and sees nesting again after it went idle', async () => {
    const guard = new TransactionGuard();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const first = guard.run(async () => {
      await gate;
      return 'first';
    });
    // Opened beside the first (from outside it) while it is open: not nested.
    const second = guard.run(() => work('second'));
    expect(await second).toBe('second');
    release();
    expect(await first).toBe('first');
    // Every transaction closed: the guard is idle, and must still catch the next nesting.
    await nextTurn();
    await expect(guard.run(async () => guard.run(() => work(1)))).rejects.toThrow(/inside a transaction/);
    expect(await guard.run(() => work(2))).toBe(2);
  });

  it('counts a transaction whose task throws before it returns a promise as closed', async () => {
    const guard = new TransactionGuard();
    expect(() =>
      guard.run(() => {
        throw new Error('sync failure');
      }),
    ).toThrow('sync failure');
    await expect(guard.run(async () => guard.run(() => work(1)))).rejects.toThrow(/inside a transaction/);
    expect(await guard.run(() => work(3))).toBe(3);
  });
});
