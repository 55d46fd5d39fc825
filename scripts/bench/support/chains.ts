import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/** What a till's pre-signed chain is made of (the same for every till of the bench). */
export interface ChainJob {
  terminal: string;
  secretKeyHex: string;
  genesis: string;
  count: number;
  /** Visitor cards the entries cycle over, the cashier's card and the place's local asset. */
  cards: readonly string[];
  cashier: string;
  asset: string;
}

/**
 * Entry i of a chain: a top-up of every card first, then nine sales of 3.50 for
 * one top-up, cycling over the cards — so sales never run short of funds and the
 * hub applies (rather than rejects) nearly every entry.
 */
export function entryFields(job: ChainJob, index: number): { kind: 'REF' | 'SAL'; card: string; amount: number } {
  const card = job.cards[index % job.cards.length]!;
  if (index < job.cards.length || index % 10 === 0) return { kind: 'REF', card, amount: 1_000_000 };
  return { kind: 'SAL', card, amount: 350 };
}

/**
 * Signs every chain on worker threads (one per core), so the bench's own
 * signing stays out of the timed part and takes as little wall time as it can.
 * Returns, per job, its wire entries as JSON text, in seq order.
 */
export async function signChains(jobs: readonly ChainJob[]): Promise<string[][]> {
  const results: string[][] = new Array(jobs.length);
  // Longest chains first, so the last worker to finish does not carry the big one alone.
  const queue = jobs.map((job, index) => ({ job, index })).sort((a, b) => b.job.count - a.job.count);
  const workers = Array.from({ length: Math.min(availableParallelism(), jobs.length) }, () => new Worker(new URL('./sign-worker-boot.mjs', import.meta.url)));
  try {
    await Promise.all(
      workers.map(async (worker) => {
        for (let next = queue.shift(); next; next = queue.shift()) {
          const { job, index } = next;
          results[index] = await new Promise<string[]>((resolve, reject) => {
            worker.once('message', resolve);
            worker.once('error', reject);
            worker.postMessage(job);
          });
          worker.removeAllListeners('error');
        }
      }),
    );
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
  return results;
}

/** A push frame from pre-serialised entries: no JSON.stringify in the timed part. */
export function pushFrame(entries: readonly string[]): string {
  return `{"type":"push","entries":[${entries.join(',')}]}`;
}

/** Cuts a chain into push frames of `size` entries. */
export function pushFrames(entries: readonly string[], size: number, count = entries.length): string[] {
  const frames: string[] = [];
  for (let start = 0; start < count; start += size) frames.push(pushFrame(entries.slice(start, Math.min(count, start + size))));
  return frames;
}
