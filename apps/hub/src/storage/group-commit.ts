import { sql } from 'drizzle-orm';
import type { Storage, Tx } from './types';

/** Units sharing one commit at most: bounds how long the first of them waits for the last. */
const UNITS_PER_COMMIT_MAX = 64;

interface Unit {
  work: (tx: Tx) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Settled = { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * Units of work that would each be one transaction, committed together when
 * they arrive together: a durable commit (its fsync) costs more than a whole
 * sale, so concurrent clients share it (docs/PERFORMANCE.md, "A LaBoutik
 * sale"). Each unit runs in its own savepoint, one after the other in arrival
 * order, and sees the units before it exactly as if they had committed: a
 * unit that throws is rolled back alone and rejected with its error; the
 * others are answered only after the commit, and all of them fail if it does.
 * A unit that arrives alone is a plain transaction, as before.
 */
export class GroupCommit {
  private queue: Unit[] = [];
  private draining = false;

  constructor(private readonly storage: Storage) {}

  run<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (this.draining) return;
      // After the I/O callbacks of this turn of the event loop: SQLite's statements
      // never leave the microtask queue, so the requests already read would
      // otherwise be answered one commit at a time.
      this.draining = true;
      setImmediate(() => void this.drain());
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const units = this.queue.splice(0, UNITS_PER_COMMIT_MAX);
      if (units.length === 1) await this.alone(units[0]!);
      else await this.together(units);
    }
    this.draining = false;
  }

  private async alone(unit: Unit): Promise<void> {
    try {
      unit.resolve(await this.storage.transaction(unit.work));
    } catch (error) {
      unit.reject(error);
    }
  }

  private async together(units: Unit[]): Promise<void> {
    let settled: Settled[];
    try {
      settled = await this.storage.transaction(async (tx) => {
        const results: Settled[] = [];
        for (const unit of units) results.push(await inSavepoint(tx, unit.work));
        return results;
      });
    } catch (error) {
      for (const unit of units) unit.reject(error);
      return;
    }
    settled.forEach((result, index) => (result.ok ? units[index]!.resolve(result.value) : units[index]!.reject(result.error)));
  }
}

async function inSavepoint(tx: Tx, work: (tx: Tx) => Promise<unknown>): Promise<Settled> {
  await tx.run(sql`SAVEPOINT group_unit`);
  try {
    const value = await work(tx);
    await tx.run(sql`RELEASE SAVEPOINT group_unit`);
    return { ok: true, value };
  } catch (error) {
    // A failure to roll back leaves the transaction unusable: it throws, and the whole group fails.
    await tx.run(sql`ROLLBACK TO SAVEPOINT group_unit`);
    await tx.run(sql`RELEASE SAVEPOINT group_unit`);
    return { ok: false, error };
  }
}
