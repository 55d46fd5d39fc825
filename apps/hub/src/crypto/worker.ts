import { readlinkSync } from 'node:fs';
import { constants, setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { runCryptoJob } from './jobs';
import type { CryptoJob } from './pool';

/** Jobs this worker finished, counted where the main thread reads it while its event loop is busy (CryptoPool.refill). */
const done = new Int32Array((workerData as { done: SharedArrayBuffer }).done);

yieldToMainThread();

parentPort!.on('message', (job: CryptoJob) => {
  const reply = runCryptoJob(job);
  Atomics.add(done, 0, 1);
  parentPort!.postMessage(reply);
});

/**
 * Lowers this thread's priority (Linux: a thread's nice value is its own, set
 * through its thread id). The main thread is the hub's one serial stage: it
 * reads, applies and commits every push in order, while the workers do work
 * that can wait for it. At equal priority, three busy threads on two cores got
 * two thirds of a core each: the main thread fell behind, and applied the last
 * pushes alone after the workers were done, a core idle. Below normal, a worker
 * lets the main thread have a core whenever it has work, and takes every cycle
 * it leaves. Elsewhere, or if refused, the worker keeps normal priority.
 */
function yieldToMainThread(): void {
  try {
    const threadId = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(threadId) && threadId > 0) setPriority(threadId, constants.priority.PRIORITY_BELOW_NORMAL);
  } catch {
    // Not Linux, or no /proc: normal priority.
  }
}
