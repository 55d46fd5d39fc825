/**
 * The ledger `npm run bench -- size` pre-loads by bulk SQL (scripts/bench/support/
 * history-*.ts) is only worth its figures if the hub reads it as it reads a
 * ledger it wrote: this builds a small one on SQLite and checks what
 * history-shape.ts promises is consistent.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteHistory, type HistoryWorld } from '../support/history';

describe('the bench’s pre-loaded ledger (SQLite)', () => {
  let cache: string;
  let world: HistoryWorld;
  let db: Database.Database;
  const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;

  beforeAll(async () => {
    cache = mkdtempSync(join(tmpdir(), 'fedow-bench-history-'));
    const previous = process.env.FEDOW_BENCH_CACHE;
    process.env.FEDOW_BENCH_CACHE = cache;
    try {
      world = await sqliteHistory(2_200, () => undefined);
    } finally {
      if (previous === undefined) delete process.env.FEDOW_BENCH_CACHE;
      else process.env.FEDOW_BENCH_CACHE = previous;
    }
    db = new Database(world.full, { readonly: true });
  });

  afterAll(() => {
    db?.close();
    rmSync(cache, { recursive: true, force: true });
  });

  it('holds the planned entries and transfers, every row naming rows that exist', () => {
    expect(world.transfers).toBe(2_200);
    expect(count(`SELECT count(*) AS n FROM transfers WHERE entry_id IS NOT NULL`)).toBe(world.transfers);
    expect(count(`SELECT count(*) AS n FROM entries`)).toBe(world.entries);
    expect(db.pragma('foreign_key_check')).toEqual([]);
  });

  it('chains every till’s entries from its genesis to its head, each body saying what its row says', () => {
    expect(count(`SELECT count(*) AS n FROM entries e JOIN entries p ON p.terminal_id = e.terminal_id AND p.seq = e.seq - 1 WHERE e.prev <> p.hash`)).toBe(0);
    expect(count(`SELECT count(*) AS n FROM entries e JOIN terminals t ON t.id = e.terminal_id WHERE e.seq = 1 AND e.prev <> t.genesis`)).toBe(0);
    expect(count(`SELECT count(*) AS n FROM terminals t WHERE t.last_seq > 0 AND t.last_hash <> (SELECT hash FROM entries WHERE terminal_id = t.id AND seq = t.last_seq)`)).toBe(0);
    const rows = db.prepare(`SELECT id, terminal_id AS terminal, seq, prev, body FROM entries`).all() as { id: string; terminal: string; seq: number; prev: string; body: string }[];
    for (const row of rows) {
      const body = JSON.parse(row.body) as Record<string, unknown>;
      expect({ id: body.id, terminal: body.terminal, seq: body.seq, prev: body.prev }).toEqual({ id: row.id, terminal: row.terminal, seq: row.seq, prev: row.prev });
    }
  });

  it('holds balances equal to the replay of its transfers', () => {
    const drift = count(`SELECT count(*) AS n FROM (
      SELECT wallet, sum(delta) AS value FROM (
        SELECT receiver_wallet_id AS wallet, amount AS delta FROM transfers
        UNION ALL SELECT sender_wallet_id, -amount FROM transfers WHERE action NOT IN ('CRE', 'FST')
      ) GROUP BY wallet
    ) AS replay LEFT JOIN balances b ON b.wallet_id = replay.wallet WHERE coalesce(b.value, 0) <> replay.value`);
    expect(drift).toBe(0);
  });

  it('seals every transfer into blocks that chain and cover their seq ranges', () => {
    expect(count(`SELECT count(*) AS n FROM transfers WHERE block_height IS NULL OR hash IS NULL`)).toBe(0);
    expect(count(`SELECT count(*) AS n FROM transfers t JOIN blocks b ON b.height = t.block_height WHERE t.seq NOT BETWEEN b.first_seq AND b.last_seq`)).toBe(0);
    expect(count(`SELECT count(*) AS n FROM blocks b JOIN blocks p ON p.height = b.height - 1 WHERE b.prev <> p.hash OR b.first_seq <> p.last_seq + 1`)).toBe(0);
    expect(count(`SELECT count(*) AS n FROM blocks b WHERE b.height > 0 AND b.head <> (SELECT hash FROM transfers WHERE seq = b.last_seq)`)).toBe(0);
  });

  it('gives the empty ledger the same cards and balances, without the history', () => {
    const empty = new Database(world.empty, { readonly: true });
    try {
      const one = (sql: string) => (empty.prepare(sql).get() as { n: number }).n;
      expect(one(`SELECT count(*) AS n FROM cards`)).toBe(count(`SELECT count(*) AS n FROM cards`));
      expect(one(`SELECT sum(value) AS n FROM balances`)).toBe(count(`SELECT sum(value) AS n FROM balances`));
      expect(one(`SELECT count(*) AS n FROM entries`)).toBe(0);
    } finally {
      empty.close();
    }
  });
});
