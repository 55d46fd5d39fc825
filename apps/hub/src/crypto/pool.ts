import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Block, TransferRecord } from '@fedow/ledger';
import type { WireEntry } from '@fedow/protocol';

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

/**
 * The hub's hashing and signature checks, on worker threads (node:crypto):
 * entry verification is the hub's ceiling, and the sealer's transfer hashing
 * is the next largest piece of CPU. Off the main thread, sockets and applies
 * stay responsive. The entries of one push are split across workers.
 * The workers keep the process alive until `close()`. A worker that dies is
 * replaced, and the jobs it held fail (the till resends what was not acked):
 * jobs sent to a dead worker would otherwise never settle, and a till's pushes
 * would wait for them forever.
 */
export class CryptoPool {
  private readonly workers: Worker[];
  private readonly pending = new Map<number, Pending>();
  private nextJob = 0;
  private nextWorker = 0;
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
  }

  /** One verdict per entry, in order. `publicKey` is the till's key, hex. */
  async verify(publicKey: string, entries: readonly WireEntry[]): Promise<Verdict[]> {
    if (entries.length === 0) return [];
    const chunkSize = Math.ceil(entries.length / this.workers.length);
    const chunks: Promise<Verdict[]>[] = [];
    for (let start = 0; start < entries.length; start += chunkSize) {
      const chunk = entries.slice(start, start + chunkSize);
      chunks.push(this.run((id) => ({ id, kind: 'verify', publicKey, entries: chunk })).then((reply) => ('verdicts' in reply ? reply.verdicts : unexpected(reply))));
    }
    return (await Promise.all(chunks)).flat();
  }

  /** The chained hash of each transfer after `previous` (ledger's chainTransfers), on one worker. */
  async chainTransfers(previous: Pick<Block, 'head' | 'lastSeq'>, transfers: readonly TransferRecord[]): Promise<string[]> {
    const reply = await this.run((id) => ({ id, kind: 'chain', previous: { head: previous.head, lastSeq: previous.lastSeq }, transfers }));
    return 'hashes' in reply ? reply.hashes : unexpected(reply);
  }

  private run(job: (id: number) => CryptoJob): Promise<CryptoReply> {
    if (this.closed) return Promise.reject(new Error('CryptoPool is closed'));
    const id = this.nextJob++;
    const worker = this.workers[this.nextWorker++ % this.workers.length]!;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { worker, resolve, reject });
      worker.postMessage(job(id));
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}

function unexpected(reply: CryptoReply): never {
  throw new Error('error' in reply ? `crypto worker: ${reply.error}` : 'crypto worker: a reply of the wrong kind');
}
