/** Catches a transaction opened inside another one, a caller's bug on both dialects. */
import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Notices a transaction opened from inside another one of the same storage: on SQLite
 * it would wait forever for itself, on PostgreSQL it would run on another connection
 * and could deadlock on the first one's locks. Both are bugs of the caller.
 *
 * The async context is switched off whenever no transaction is open: while it is on,
 * node runs a hook at every promise the process creates, and on an idle hub (the
 * simulation's, a quarter of its CPU) that cost more than the work between commits.
 * A nested call happens while its outer transaction is open, so it is still seen.
 */
export class TransactionGuard {
  readonly #active = new AsyncLocalStorage<true>();
  #open = 0;

  run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#active.getStore() === true) {
      throw new Error('storage.transaction() called inside a transaction: pass the tx down instead');
    }
    this.#open++;
    let running: Promise<T>;
    try {
      running = this.#active.run(true, task);
    } catch (error) {
      this.#closed();
      throw error;
    }
    return running.finally(() => this.#closed());
  }

  #closed(): void {
    if (--this.#open === 0) this.#active.disable();
  }
}
