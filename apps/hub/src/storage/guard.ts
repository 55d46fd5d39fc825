/** Catches a transaction opened inside another one, a caller's bug on both dialects. */
import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Notices a transaction opened from inside another one of the same storage: on SQLite
 * it would wait forever for itself, on PostgreSQL it would run on another connection
 * and could deadlock on the first one's locks. Both are bugs of the caller.
 */
export class TransactionGuard {
  readonly #active = new AsyncLocalStorage<true>();

  run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#active.getStore() === true) {
      throw new Error('storage.transaction() called inside a transaction: pass the tx down instead');
    }
    return this.#active.run(true, task);
  }
}
