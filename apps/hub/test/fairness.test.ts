import { afterAll, describe, expect, it } from 'vitest';
import { uuidV7, signBody, fromHex, publicKeyHex } from '@fedow/ledger';
import { nodeCrypto } from '@fedow/ledger/crypto-node';
import type { EntryBody, WireEntry } from '@fedow/protocol';
import { CryptoJobDropped, CryptoPool } from '../src/crypto/pool';
import { FairTurns } from '../src/ingest/turns';
import { RateLimits } from '../src/sync/rate-limits';

const settings = { messagesPerSecondMax: 10, backoffMsMin: 1_000, backoffMsMax: 8_000, violationsForgetMs: 60_000, keysMax: 3 };

describe('rate limits per key', () => {
  it('spends a budget that refills over time, whatever the connection', () => {
    const limits = new RateLimits(settings);
    for (let index = 0; index < 10; index++) expect(limits.take('till:a', 0)).toBe(true);
    expect(limits.take('till:a', 0)).toBe(false);
    expect(limits.take('till:b', 0)).toBe(true);
    expect(limits.take('till:a', 100)).toBe(true);
  });

  it('doubles the back-off with each violation up to the maximum, and forgets after a quiet period', () => {
    const limits = new RateLimits(settings);
    expect([1, 2, 3, 4, 5].map((index) => limits.violate('till:a', index))).toEqual([1_000, 2_000, 4_000, 8_000, 8_000]);
    expect(limits.blockedFor('till:a', 5)).toBe(8_000);
    expect(limits.blockedFor('till:a', 8_005)).toBe(0);
    expect(limits.violate('till:a', 5 + 60_001)).toBe(1_000);
  });

  it('lets the first violations of an address go free', () => {
    const limits = new RateLimits(settings);
    expect([0, 1, 2].map((now) => limits.violate('address:x', now, 2))).toEqual([0, 0, 1_000]);
  });

  it('keeps at most keysMax keys', () => {
    const limits = new RateLimits(settings);
    for (const key of ['a', 'b', 'c', 'd', 'e']) limits.violate(key, 0);
    expect(limits.size).toBe(3);
  });
});

describe('turns at the ingest', () => {
  it('go round robin between keys, and tell a turn whether others wait', async () => {
    const turns = new FairTurns();
    const order: string[] = [];
    let release!: () => void;
    const first = turns.run('flood', () => new Promise<void>((resolve) => (release = resolve)));
    const queued = [
      ...['flood', 'flood', 'flood'].map((key, index) => turns.run(key, async (others) => void order.push(`${key}${index}:${others}`))),
      turns.run('normal', async (others) => void order.push(`normal:${others}`)),
    ];
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(turns.waiting).toBe(4);
    release();
    await Promise.all([first, ...queued]);
    // The flooder just had a turn: the normal till goes first.
    expect(order).toEqual(['normal:true', 'flood0:true', 'flood1:true', 'flood2:false']);
  });
});

describe('the crypto pool under a flood', () => {
  const pool = new CryptoPool(1);
  afterAll(() => pool.close());
  const secretKey = fromHex('44'.repeat(32));
  const publicKey = publicKeyHex(nodeCrypto, secretKey);
  const entries = (count: number): WireEntry[] =>
    Array.from({ length: count }, (_, index) => {
      const body: EntryBody = { v: 1, id: uuidV7(Date.now(), new Uint8Array(10).fill(index % 256)), terminal: '0192f0c0-0000-7000-8000-000000000001', seq: index + 1, prev: '0'.repeat(64), at: '2026-07-14T21:03:07.412Z', kind: 'SAL', asset: '0192f0c0-0000-7000-8000-000000000002', amount: 1, card: 'AABBCCDD', primary: 'AABBCCDD', auth: 'online' };
      return { body, ...signBody(nodeCrypto, secretKey, body) };
    });

  it("checks a normal till's push between the jobs of a flooder's, and drops the jobs nobody waits for", async () => {
    const finished: string[] = [];
    const flood = pool.verify(publicKey, entries(2_000), 'flood').then(() => finished.push('flood'));
    const normal = pool.verify(publicKey, entries(1), 'normal').then(() => finished.push('normal'));
    await Promise.all([flood, normal]);
    expect(finished).toEqual(['normal', 'flood']);

    const dropped = pool.verify(publicKey, entries(1_000), 'gone');
    pool.drop('gone');
    await expect(dropped).rejects.toBeInstanceOf(CryptoJobDropped);
    expect(await pool.verify(publicKey, entries(3), 'next')).toEqual(['ok', 'ok', 'ok']);
  });
});
