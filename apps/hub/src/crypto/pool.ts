import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Block, TransferRecord } from '@fedow/ledger';
import { PUSH_ENTRIES_MAX, VERIFY_JOB_ENTRIES_MAX, type WireEntry } from '@fedow/protocol';
import { runCryptoJob } from './jobs';

export type Verdict = 'ok' | 'bad_hash' | 'bad_signature';

/** What the main thread asks of a worker. */
export type CryptoJob =
  | { id: number; kind: 'verify'; publicKey: string; entries: readonly WireEntry[] }
  | { id: number; kind: 'chain'; previous: Pick<Block, 'head' | 'lastSeq'>; transfers: readonly TransferRecord[] };

export type CryptoReply = { id: number; verdicts: Verdict[] } | { id: number; hashes: string[] } | { id: number; error: string };

/** A worker and the jobs it was given and finished, the latter counted by the worker itself in shared memory. */
interface Slot {
  worker: Worker;
  posted: number;
  done: Int32Array;
}

interface Pending {
  worker: Worker;
  resolve: (reply: CryptoReply) => void;
  reject: (error: Error) => void;
}

interface Queued {
  job: CryptoJob;
  resolve: (reply: CryptoReply) => void;
  reject: (error: Error) => void;
}

/** A background job and when it was queued (performance.now(), ms). */
interface Waiting extends Queued {
  since: number;
}

/**
 * Jobs a worker holds at once: one running and one ready, so it never idles
 * between them, while the rest wait here, where tills take turns. A worker gets
 * its next jobs when the main thread reads its replies, or when the ingest
 * calls `refill` (every few dozen rows of a round). Four measured no faster
 * than two, and a flooded till's checks waited behind them (p99 83 → 107 ms).
 */
const JOBS_PER_WORKER_MAX = 2;

/**
 * Jobs a key hands out before the next key's go: as many as a full push has
 * (10 jobs, 500 entries), so a push is checked whole in one go. One job a go
 * spread every push's checks over every till: with 100 tills pushing, no push
 * was checked whole until about half of all entries were, and the ingest, which
 * applies a push once its checks are done, sat idle meanwhile. Four jobs a go
 * still let every till's last push finish its checks in the same last moments
 * of a burst: the ingest then applied them alone, one core idle for the last
 * tenth of the benchmark's runs (PERFORMANCE.md, ninth pass). A flooding till
 * may delay another's checks by one push (~20–40 ms on two cores).
 */
const JOBS_PER_GO = PUSH_ENTRIES_MAX / VERIFY_JOB_ENTRIES_MAX;

/**
 * How long the sealer's hashing waits behind the tills' checks at most, ms.
 * A till waits for its ack; nobody waits for a block, so under a burst of pushes
 * the checks go first, and a block's hashing takes its turn when no check is
 * queued, or after this long: at least one block (1,000 transfers) every 2 s
 * while the workers are saturated, the rest once the burst is over. It was one
 * go among the tills': with 10 tills pushing, about a block for every 2,000
 * entries checked (PERFORMANCE.md, DECISIONS.md).
 */
export const BACKGROUND_WAIT_MAX_MS = 2_000;

/** The jobs of a key that were still waiting when it was dropped (its connection closed). */
export class CryptoJobDropped extends Error {
  constructor(key: string) {
    super(`crypto jobs of ${key} dropped before they ran`);
  }
}

/**
 * The hub's hashing and signature checks, on worker threads (node:crypto):
 * entry verification is the hub's ceiling, and the sealer's transfer hashing
 * is the next largest piece of CPU. Off the main thread, sockets and applies
 * stay responsive. The entries of one push are split across workers, in jobs
 * of at most VERIFY_JOB_ENTRIES_MAX; jobs wait in one queue per key (a till's
 * connection) and are handed to the workers round robin between keys, a
 * push a go, so one till's flood of pushes delays another's checks by a go per
 * flooder. The sealer's hashing waits behind them (BACKGROUND_WAIT_MAX_MS). The
 * workers run below normal priority (worker.ts).
 * The workers keep the process alive until `close()`. A worker that dies is
 * replaced, and the jobs it held fail (the till resends what was not acked):
 * jobs sent to a dead worker would otherwise never settle, and a till's pushes
 * would wait for them forever.
 *
 * A pool of size 0 runs every job inline, on the main thread: the deterministic
 * simulation (test/sim) needs the hub's work to happen where it can wait for it.
 */
export class CryptoPool {
  private readonly workers: Slot[];
  private readonly pending = new Map<number, Pending>();
  /** Waiting jobs per key; a Map iterates in insertion order: the first key has waited longest. */
  private readonly queues = new Map<string, Queued[]>();
  /** The sealer's jobs, served after the tills' (BACKGROUND_WAIT_MAX_MS). */
  private readonly background: Waiting[] = [];
  private nextJob = 0;
  /** The key whose jobs are being handed out, and how many so far in this go. */
  private go: { key: string; jobs: number } | null = null;
  private closed = false;

  constructor(
    size = Math.max(1, availableParallelism()),
    private readonly backgroundWaitMaxMs = BACKGROUND_WAIT_MAX_MS,
  ) {
    this.workers = Array.from({ length: size }, () => this.spawn());
  }

  private spawn(): Slot {
    const done = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
    const worker = new Worker(new URL('./worker-boot.mjs', import.meta.url), { workerData: { done } });
    worker.on('message', (reply: CryptoReply) => {
      const job = this.pending.get(reply.id);
      if (!job) return;
      this.pending.delete(reply.id);
      job.resolve(reply);
      this.dispatch();
    });
    let failure: Error | null = null;
    worker.on('error', (error) => {
      failure = error;
    });
    worker.on('exit', (code) => this.replace(worker, failure ?? new Error(`crypto worker exited with code ${code}`)));
    return { worker, posted: 0, done: new Int32Array(done) };
  }

  private replace(dead: Worker, why: Error): void {
    for (const [id, job] of this.pending) {
      if (job.worker !== dead) continue;
      this.pending.delete(id);
      job.reject(why);
    }
    const index = this.workers.findIndex((slot) => slot.worker === dead);
    if (index >= 0 && !this.closed) this.workers[index] = this.spawn();
    this.dispatch();
  }

  /**
   * One verdict per entry, in order. `publicKey` is the till's key, hex; `key`
   * names whose turn the jobs take (a till's connection). `progress` hears each
   * job's verdicts as it finishes (`start`: the index of its first entry), so
   * the ingest may apply the start of a push before its last job is done.
   */
  async verify(publicKey: string, entries: readonly WireEntry[], key = publicKey, progress?: (start: number, verdicts: Verdict[]) => void): Promise<Verdict[]> {
    if (entries.length === 0) return [];
    const chunkSize = Math.min(VERIFY_JOB_ENTRIES_MAX, Math.ceil(entries.length / this.workers.length));
    const chunks: Promise<Verdict[]>[] = [];
    for (let start = 0; start < entries.length; start += chunkSize) {
      const chunk = entries.slice(start, start + chunkSize);
      chunks.push(
        this.run(key, (id) => ({ id, kind: 'verify', publicKey, entries: chunk })).then((reply) => {
          const verdicts = 'verdicts' in reply ? reply.verdicts : unexpected(reply);
          progress?.(start, verdicts);
          return verdicts;
        }),
      );
    }
    return (await Promise.all(chunks)).flat();
  }

  /** The chained hash of each transfer after `previous` (ledger's chainTransfers), on one worker. */
  async chainTransfers(previous: Pick<Block, 'head' | 'lastSeq'>, transfers: readonly TransferRecord[]): Promise<string[]> {
    const reply = await this.run(null, (id) => ({ id, kind: 'chain', previous: { head: previous.head, lastSeq: previous.lastSeq }, transfers }));
    return 'hashes' in reply ? reply.hashes : unexpected(reply);
  }

  /** Fails the jobs of `key` that no worker has started (CryptoJobDropped): nobody waits for them any more. */
  drop(key: string): void {
    const queue = this.queues.get(key);
    if (!queue) return;
    this.queues.delete(key);
    for (const queued of queue) queued.reject(new CryptoJobDropped(key));
  }

  /** `key` null: a background job (the sealer's), after the tills' checks. */
  private run(key: string | null, job: (id: number) => CryptoJob): Promise<CryptoReply> {
    if (this.closed) return Promise.reject(new Error('CryptoPool is closed'));
    if (this.workers.length === 0) return Promise.resolve().then(() => runCryptoJob(job(this.nextJob++)));
    const promise = new Promise<CryptoReply>((resolve, reject) => {
      const queued = { job: job(this.nextJob++), resolve, reject };
      if (key === null) return void this.background.push({ ...queued, since: performance.now() });
      const queue = this.queues.get(key);
      if (queue) queue.push(queued);
      else this.queues.set(key, [queued]);
    });
    this.dispatch();
    return promise;
  }

  /**
   * Hands waiting jobs to the workers that finished theirs, known from the
   * counts they keep in shared memory, without waiting for their replies. A
   * caller that keeps the event loop busy (the ingest's rounds: on SQLite a
   * round of 2,000 entries runs without a break) calls it every few
   * milliseconds: the replies, and the hand-out they trigger, would otherwise
   * wait for the round's end while the workers sat idle, checks and applies
   * taking turns instead of overlapping. A worker holds ~4–9 ms of checks
   * (JOBS_PER_WORKER_MAX): called once a push, it left both workers idle for
   * most of a push's ~30 ms apply, one core of two unused (PERFORMANCE.md,
   * ninth pass).
   */
  refill(): void {
    this.dispatch();
  }

  /** Jobs handed to no worker yet. */
  get waiting(): number {
    let jobs = this.background.length;
    for (const queue of this.queues.values()) jobs += queue.length;
    return jobs;
  }

  /**
   * Hands waiting jobs to workers with room, round robin between keys,
   * JOBS_PER_GO jobs a go; a background job when no key has one waiting, or
   * once it has waited `backgroundWaitMaxMs`.
   */
  private dispatch(): void {
    while (!this.closed && (this.queues.size > 0 || this.background.length > 0)) {
      const slot = this.idlestWorker();
      if (!slot) return;
      const oldest = this.background[0];
      if (oldest && (this.queues.size === 0 || performance.now() - oldest.since >= this.backgroundWaitMaxMs)) {
        this.background.shift();
        this.post(slot, oldest);
        continue;
      }
      const [key, queue] = this.queues.entries().next().value!;
      const queued = queue.shift()!;
      this.go = this.go?.key === key ? { key, jobs: this.go.jobs + 1 } : { key, jobs: 1 };
      if (queue.length === 0) this.queues.delete(key);
      else if (this.go.jobs >= JOBS_PER_GO) {
        this.queues.delete(key);
        this.queues.set(key, queue);
      }
      this.post(slot, queued);
    }
  }

  private post(slot: Slot, queued: Queued): void {
    this.pending.set(queued.job.id, { worker: slot.worker, resolve: queued.resolve, reject: queued.reject });
    slot.posted++;
    slot.worker.postMessage(queued.job);
  }

  /**
   * The worker holding the fewest unfinished jobs, if one holds fewer than
   * JOBS_PER_WORKER_MAX; a job counts as finished once the worker says so in
   * shared memory, before its reply is read.
   */
  private idlestWorker(): Slot | null {
    let best: Slot | null = null;
    let bestLoad = JOBS_PER_WORKER_MAX;
    for (const slot of this.workers) {
      const load = slot.posted - Atomics.load(slot.done, 0);
      if (load < bestLoad) {
        best = slot;
        bestLoad = load;
      }
    }
    return best;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const queued of [...this.background, ...[...this.queues.values()].flat()]) queued.reject(new Error('CryptoPool is closed'));
    this.queues.clear();
    this.background.length = 0;
    await Promise.all(this.workers.map((slot) => slot.worker.terminate()));
  }
}

function unexpected(reply: CryptoReply): never {
  throw new Error('error' in reply ? `crypto worker: ${reply.error}` : 'crypto worker: a reply of the wrong kind');
}
