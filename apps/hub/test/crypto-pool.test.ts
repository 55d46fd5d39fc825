import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { constants } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { chainTransfers, fromHex, genesisBlock, publicKeyHex, signBody, type TransferRecord } from '@fedow/ledger';
import { nodeCrypto } from '@fedow/ledger/crypto-node';
import { CryptoPool } from '../src/crypto/pool';

const pool = new CryptoPool(2);
afterAll(() => pool.close());

const hubKey = fromHex('33'.repeat(32));
const genesis = genesisBlock(nodeCrypto, hubKey, publicKeyHex(nodeCrypto, hubKey), '2026-07-14T21:03:07.412Z');

function transfers(count: number, firstSeq = 1): TransferRecord[] {
  return Array.from({ length: count }, (_, index) => ({
    seq: firstSeq + index * 2,
    id: `0192f0c0-0000-7000-8000-${String(index).padStart(12, '0')}`,
    action: 'SAL',
    sender: 'wallet-a',
    receiver: 'wallet-b',
    asset: 'asset',
    amount: 100 + index,
    card: null,
    primaryCard: null,
    entry: null,
    at: '2026-07-14T21:03:07.412Z',
    tillAt: null,
    meta: index % 2 ? { note: `n° ${index}` } : null,
    hash: null,
    block: null,
  }));
}

describe('the crypto pool', () => {
  it('chains transfer hashes exactly as the ledger does inline', async () => {
    const rows = transfers(250);
    expect(await pool.chainTransfers(genesis, rows)).toEqual(chainTransfers(nodeCrypto, genesis, rows));
  });

  it('passes the ledger’s refusal back as a rejection, and keeps working after it', async () => {
    const rows = transfers(3).reverse();
    await expect(pool.chainTransfers(genesis, rows)).rejects.toThrow(/crypto worker: sealBlock: expected a seq after/);
    expect(await pool.chainTransfers(genesis, transfers(2))).toHaveLength(2);
  });

  it('replaces a worker that dies: its jobs fail instead of hanging, and the next ones run', async () => {
    const single = new CryptoPool(1);
    try {
      const busy = single.chainTransfers(genesis, transfers(20_000));
      // Fault injection: the pool's only worker dies while it holds a job.
      const [slot] = (single as unknown as { workers: { worker: Worker }[] }).workers;
      await slot!.worker.terminate();
      await expect(busy).rejects.toThrow(/crypto worker exited/);
      expect(await single.chainTransfers(genesis, transfers(3))).toEqual(chainTransfers(nodeCrypto, genesis, transfers(3)));
    } finally {
      await single.close();
    }
  });

  it('fails what is pending when it closes, and refuses new work', async () => {
    const closing = new CryptoPool(1);
    const busy = closing.chainTransfers(genesis, transfers(20_000));
    await closing.close();
    await expect(busy).rejects.toThrow(/crypto worker exited/);
    await expect(closing.chainTransfers(genesis, transfers(1))).rejects.toThrow(/closed/);
  });

  it('verifies the entries of a push in order, across its workers', async () => {
    const entries = signedEntries(9);
    entries[4] = { ...entries[4]!, hash: 'f'.repeat(64) };
    entries[7] = { ...entries[7]!, sig: 'e'.repeat(128) };
    // The pool checks hash and signature only; the body's shape is the schema's job.
    const verdicts = await pool.verify(publicKey, entries as never);
    expect(verdicts).toEqual(['ok', 'ok', 'ok', 'ok', 'bad_hash', 'ok', 'ok', 'bad_signature', 'ok']);
  });

  it('hands out the next jobs while the main thread is busy, when asked between its own tasks', async () => {
    const single = new CryptoPool(1);
    try {
      await single.verify(publicKey, signedEntries(1) as never);
      // Ten jobs of 50: two go to the worker at once, eight wait for it.
      const checks = single.verify(publicKey, signedEntries(500) as never);
      expect(single.waiting).toBe(8);
      // The event loop stays blocked here, as during an ingest round: no reply can be read.
      const started = performance.now();
      while (single.waiting > 0 && performance.now() - started < 5_000) single.refill();
      expect(single.waiting).toBe(0);
      expect(await checks).toEqual(Array(500).fill('ok'));
    } finally {
      await single.close();
    }
  });

  it('takes the tills in turn a push at a time: a small push waits for a full push’s worth of a big till’s checks, not for all of them', async () => {
    const single = new CryptoPool(1);
    try {
      const finished: string[] = [];
      // 1,000 entries of one till, twenty jobs of 50 (two full pushes' worth), queued before another till's small push.
      const big = single.verify(publicKey, signedEntries(1_000) as never, 'big till', (start) => finished.push(`big ${start}`));
      const small = single.verify(publicKey, signedEntries(3) as never, 'small till', () => finished.push('small'));
      await Promise.all([big, small]);
      expect(finished).toHaveLength(21);
      // The big till's first 500 entries, a full push, are checked whole before the
      // other till's go: the ingest can apply them while the rest is checked.
      expect(finished.slice(0, 11)).toEqual([...Array.from({ length: 10 }, (_, job) => `big ${job * 50}`), 'small']);
    } finally {
      await single.close();
    }
  });

  it('hashes the sealer’s blocks after the tills’ queued checks, unless the block has waited its maximum', async () => {
    const order = async (backgroundWaitMaxMs: number) => {
      const single = new CryptoPool(1, backgroundWaitMaxMs);
      try {
        const finished: string[] = [];
        // Twenty jobs of checks, then a block of transfers: the checks were queued first, and both kinds wait.
        const checks = single.verify(publicKey, signedEntries(1_000) as never, 'till').then(() => finished.push('checks'));
        const block = single.chainTransfers(genesis, transfers(1_000)).then(() => finished.push('block'));
        await Promise.all([checks, block]);
        return finished;
      } finally {
        await single.close();
      }
    };
    expect(await order(60_000)).toEqual(['checks', 'block']);
    // Waited long enough (here at once): the block goes before the checks still queued.
    expect(await order(0)).toEqual(['block', 'checks']);
  });

  it.runIf(process.platform === 'linux')('runs its workers below normal priority, so the main thread has a core when it needs one', async () => {
    await pool.verify(publicKey, signedEntries(2) as never);
    expect(threadNiceValues().filter((nice) => nice === constants.priority.PRIORITY_BELOW_NORMAL).length).toBeGreaterThanOrEqual(2);
    // The thread that hands out the jobs keeps normal priority.
    expect(niceOf(Number(readlinkSync('/proc/thread-self').split('/').pop()))).toBe(0);
  });
});

const secretKey = fromHex('11'.repeat(32));
const publicKey = publicKeyHex(nodeCrypto, secretKey);

function signedEntries(count: number) {
  return Array.from({ length: count }, (_, index) => {
    const body = { v: 1, seq: index + 1, note: `entry ${index}` };
    return { body, ...signBody(nodeCrypto, secretKey, body) };
  });
}

/** The nice value of every thread of this process. */
function threadNiceValues(): number[] {
  return readdirSync('/proc/self/task').map((id) => niceOf(Number(id)));
}

function niceOf(threadId: number): number {
  const stat = readFileSync(`/proc/self/task/${threadId}/stat`, 'utf8');
  // After "(comm) ": state is field 0, nice is field 16.
  return Number(stat.slice(stat.lastIndexOf(') ') + 2).split(' ')[16]);
}
