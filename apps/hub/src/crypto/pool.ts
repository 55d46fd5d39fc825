import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Block, TransferRecord } from '@fedow/ledger';
import { VERIFY_JOB_ENTRIES_MAX, type WireEntry } from '@fedow/protocol';
import { runCryptoJob } from './jobs';

export type Verdict = 'ok' | 'bad_hash' | 'bad_signature';

/** What the main thread asks of a worker. */
export type CryptoJob =
  | { id: number; kind: 'verify'; publicKey: string; entries: readonly WireEntry[] }
  | { id: number; kind: 'chain'; previous: Pick<Block, 'head' | 'lastSeq'>; transfers: readonly TransferRecord[] };

export type CryptoReply = { id: number; verdicts: Verdict[] } | { id: number; hashes: string[] } | { id: number; error: string };

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

/**
 * Jobs a worker holds at once: one running and one ready, so it never idles
 * between them, while the rest wait here, where tills take turns.
 */
const JOBS_PER_WORKER_MAX = 2;

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
 * connection) and are handed to the workers round robin between keys, so one
 * till's flood of pushes delays another's checks by a job or two per flooder.
 * The workers keep the process alive until `close()`. A worker that dies is
 * replaced, and the jobs it held fail (the till resends what was not acked):
 * jobs sent to a dead worker would otherwise never settle, and a till's pushes
 * would wait for them forever.
 *
 * A pool of size 0 runs every job inline, on the main thread: the deterministic
 * simulation (test/sim) needs the hub's work to happen where it can wait for it.
 */
export class CryptoPool {
  private readonly workers: Worker[];
  private readonly pending = new Map<number, Pending>();
  /** Waiting jobs per key; a Map iterates in insertion order: the first key has waited longest. */
  private readonly queues = new Map<string, Queued[]>();
  private nextJob = 0;
  private closed = false;

  constructor(size = Math.max(1, availableParallelism())) {
    this.workers = Array.from({ length: size }, () => this.spawn());
  }

  private spawn(): Worker {
    const worker = new Worker(new URL('./worker-boot.mjs', import.meta.url));
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
    return worker;
  }

  private replace(dead: Worker, why: Error): void {
    for (const [id, job] of this.pending) {
      if (job.worker !== dead) continue;
      this.pending.delete(id);
      job.reject(why);
    }
    const index = this.workers.indexOf(dead);
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
    const reply = await this.run('sealer', (id) => ({ id, kind: 'chain', previous: { head: previous.head, lastSeq: previous.lastSeq }, transfers }));
    return 'hashes' in reply ? reply.hashes : unexpected(reply);
  }

  /** Fails the jobs of `key` that no worker has started (CryptoJobDropped): nobody waits for them any more. */
  drop(key: string): void {
    const queue = this.queues.get(key);
    if (!queue) return;
    this.queues.delete(key);
    for (const queued of queue) queued.reject(new CryptoJobDropped(key));
  }

  private run(key: string, job: (id: number) => CryptoJob): Promise<CryptoReply> {
    if (this.closed) return Promise.reject(new Error('CryptoPool is closed'));
    if (this.workers.length === 0) return Promise.resolve().then(() => runCryptoJob(job(this.nextJob++)));
    const promise = new Promise<CryptoReply>((resolve, reject) => {
      const queued = { job: job(this.nextJob++), resolve, reject };
      const queue = this.queues.get(key);
      if (queue) queue.push(queued);
      else this.queues.set(key, [queued]);
    });
    this.dispatch();
    return promise;
  }

  /** Hands waiting jobs to workers with room, one key's job at a time, round robin. */
  private dispatch(): void {
    while (!this.closed && this.queues.size > 0) {
      const worker = this.idlestWorker();
      if (!worker) return;
      const [key, queue] = this.queues.entries().next().value!;
      const queued = queue.shift()!;
      this.queues.delete(key);
      if (queue.length > 0) this.queues.set(key, queue);
      this.pending.set(queued.job.id, { worker, resolve: queued.resolve, reject: queued.reject });
      worker.postMessage(queued.job);
    }
  }

  private idlestWorker(): Worker | null {
    const load = new Map<Worker, number>(this.workers.map((worker) => [worker, 0]));
    for (const job of this.pending.values()) load.set(job.worker, (load.get(job.worker) ?? 0) + 1);
    let best: Worker | null = null;
    for (const [worker, jobs] of load) if (jobs < JOBS_PER_WORKER_MAX && (best === null || jobs < load.get(best)!)) best = worker;
    return best;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const queue of this.queues.values()) for (const queued of queue) queued.reject(new Error('CryptoPool is closed'));
    this.queues.clear();
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}

function unexpected(reply: CryptoReply): never {
  throw new Error('error' in reply ? `crypto worker: ${reply.error}` : 'crypto worker: a reply of the wrong kind');
}
