/**
 * Turns at the ingest, round robin between keys (tills): a till with several
 * turns waiting goes to the back after each, so one till's flood cannot take
 * every turn. `task` learns whether other keys were waiting when its turn
 * came, to keep its turn short when they were, and how many turns share its round.
 *
 * A round holds the turns of up to `keysPerRound` keys, one each, run one
 * after the other inside one `round` (the ingest's: one database transaction),
 * and every turn of it settles once the round has (after its commit). A task
 * that throws fails its round. A round of several turns that failed is run once
 * more, from the start, with `isolate` set: each task then keeps its own failure
 * (the ingest's: behind a savepoint) and returns it, and what still throws fails
 * the round. Turns fail rarely, and a savepoint copies every page its turn
 * changes: the common round pays for none.
 *
 * Every round starts from the event loop (setImmediate), never from the
 * microtasks of the round before: on SQLite a transaction never waits for I/O,
 * so round after round would otherwise run in one chain of microtasks, and no
 * socket or worker reply — a push joining the round, a signature check done —
 * would be read until the whole chain ended.
 */
export class FairTurns<C = void> {
  /** Waiters per key; a Map iterates in insertion order, so the first key is the one waiting longest. */
  private readonly queues = new Map<string, Waiter<C>[]>();
  private waiters = 0;
  private busy = false;
  private readonly keysPerRound: number;
  private readonly round: (work: (context: C) => Promise<void>) => Promise<void>;

  constructor(options: { keysPerRound?: number; round?: (work: (context: C) => Promise<void>) => Promise<void> } = {}) {
    this.keysPerRound = options.keysPerRound ?? 1;
    this.round = options.round ?? ((work) => work(undefined as C));
  }

  /**
   * `task(othersWaiting, context, sharedBy, isolate)`: `sharedBy` is the number of
   * turns in its round; `isolate`, that the round is run again after a failure.
   * A task run again must do the same work: what it takes off a queue, it takes once.
   */
  run<T>(key: string, task: Task<C, T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter<C> = { key, task, resolve: resolve as (value: unknown) => void, reject };
      const queue = this.queues.get(key);
      if (queue) queue.push(waiter);
      else this.queues.set(key, [waiter]);
      this.waiters++;
      if (!this.busy) {
        this.busy = true;
        setImmediate(() => this.next());
      }
    });
  }

  /** Turns waiting to start. */
  get waiting(): number {
    return this.waiters;
  }

  /** Starts a round of the first waiting keys' turns, each key sent to the back of the round robin. */
  private next(): void {
    const picked: Waiter<C>[] = [];
    while (picked.length < this.keysPerRound) {
      const next = this.queues.entries().next();
      if (next.done) break;
      const [key, queue] = next.value;
      if (picked.some((waiter) => waiter.key === key)) break;
      picked.push(queue.shift()!);
      this.queues.delete(key);
      if (queue.length > 0) this.queues.set(key, queue);
    }
    if (picked.length === 0) {
      this.busy = false;
      return;
    }
    this.waiters -= picked.length;
    const othersWaiting = picked.length > 1 || this.waiters > 0;
    const results: unknown[] = [];
    const round = (isolate: boolean) =>
      this.round(async (context) => {
        results.length = 0;
        for (const waiter of picked) results.push(await waiter.task(othersWaiting, context, picked.length, isolate));
      });
    round(false)
      .catch((error: unknown) => (picked.length > 1 ? round(true) : Promise.reject(error)))
      .then(
        () => picked.forEach((waiter, index) => waiter.resolve(results[index])),
        (error: unknown) => picked.forEach((waiter) => waiter.reject(error)),
      )
      .finally(() => setImmediate(() => this.next()));
  }
}

type Task<C, T> = (othersWaiting: boolean, context: C, sharedBy: number, isolate: boolean) => Promise<T>;

interface Waiter<C> {
  key: string;
  task: Task<C, unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}
