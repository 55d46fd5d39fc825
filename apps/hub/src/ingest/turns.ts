/**
 * Turns at the ingest, one at a time, round robin between keys (tills): a till
 * with several turns waiting goes to the back after each, so one till's flood
 * cannot take every turn. `task` learns whether other keys were waiting when
 * its turn came, to keep its turn short when they were.
 *
 * Every turn starts from the event loop (setImmediate), never from the
 * microtasks of the turn before: on SQLite a transaction never waits for I/O,
 * so turn after turn would otherwise run in one chain of microtasks, and no
 * socket or worker reply — a push joining the round, a signature check done —
 * would be read until the whole chain ended.
 */
export class FairTurns {
  /** Waiters per key; a Map iterates in insertion order, so the first key is the one waiting longest. */
  private readonly queues = new Map<string, (() => void)[]>();
  private waiters = 0;
  private busy = false;

  async run<T>(key: string, task: (othersWaiting: boolean) => Promise<T>): Promise<T> {
    await this.acquire(key);
    try {
      return await task(this.waiters > 0);
    } finally {
      setImmediate(() => this.next());
    }
  }

  /** Turns waiting to start. */
  get waiting(): number {
    return this.waiters;
  }

  private acquire(key: string): Promise<void> {
    return new Promise((resolve) => {
      const queue = this.queues.get(key);
      if (queue) queue.push(resolve);
      else this.queues.set(key, [resolve]);
      this.waiters++;
      if (!this.busy) {
        this.busy = true;
        setImmediate(() => this.next());
      }
    });
  }

  /** Starts the first waiting key's turn and sends that key to the back of the round. */
  private next(): void {
    const next = this.queues.entries().next();
    if (next.done) {
      this.busy = false;
      return;
    }
    const [key, queue] = next.value;
    const start = queue.shift()!;
    this.queues.delete(key);
    if (queue.length > 0) this.queues.set(key, queue);
    this.waiters--;
    start();
  }
}
