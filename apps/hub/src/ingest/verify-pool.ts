import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { WireEntry } from '@fedow/protocol';

export type Verdict = 'ok' | 'bad_hash' | 'bad_signature';

interface Job {
  id: number;
  resolve: (verdicts: Verdict[]) => void;
  reject: (error: Error) => void;
}

/**
 * Entry hash and signature checks on worker threads (node:crypto): verification
 * is the hub's ceiling, and doing it off the main thread keeps sockets and
 * applies responsive. Entries of one push are split across workers.
 * The workers keep the process alive until `close()`.
 */
export class VerifyPool {
  private readonly workers: Worker[];
  private readonly jobs = new Map<number, Job>();
  private nextJob = 0;
  private nextWorker = 0;
  private closed = false;

  constructor(size = Math.max(1, availableParallelism())) {
    this.workers = Array.from({ length: size }, () => this.spawn());
  }

  private spawn(): Worker {
    const worker = new Worker(new URL('./verify-worker-boot.mjs', import.meta.url));
    worker.on('message', (message: { id: number; verdicts: Verdict[] }) => {
      const job = this.jobs.get(message.id);
      if (!job) return;
      this.jobs.delete(message.id);
      job.resolve(message.verdicts);
    });
    worker.on('error', (error) => {
      for (const job of this.jobs.values()) job.reject(error);
      this.jobs.clear();
    });
    return worker;
  }

  /** One verdict per entry, in order. `publicKey` is the till's key, hex. */
  async verify(publicKey: string, entries: readonly WireEntry[]): Promise<Verdict[]> {
    if (this.closed) throw new Error('VerifyPool is closed');
    if (entries.length === 0) return [];
    const chunkSize = Math.ceil(entries.length / this.workers.length);
    const chunks: Promise<Verdict[]>[] = [];
    for (let start = 0; start < entries.length; start += chunkSize) {
      chunks.push(this.run(publicKey, entries.slice(start, start + chunkSize)));
    }
    return (await Promise.all(chunks)).flat();
  }

  private run(publicKey: string, entries: readonly WireEntry[]): Promise<Verdict[]> {
    const id = this.nextJob++;
    const worker = this.workers[this.nextWorker++ % this.workers.length]!;
    return new Promise((resolve, reject) => {
      this.jobs.set(id, { id, resolve, reject });
      worker.postMessage({ id, publicKey, entries });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}
