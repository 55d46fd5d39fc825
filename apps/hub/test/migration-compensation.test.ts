/**
 * Migration 0006 rebuilds SQLite's transfers table to widen its action CHECK.
 * A hub that already holds FED payment references (rows referencing transfers)
 * must migrate with every row, reference and sequence intact.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { afterAll, describe, expect, it } from 'vitest';
import { migrationsFolder } from '../src/storage/migrations';
import { openStorage } from '../src/storage/open';
import * as repo from '../src/storage/repo';
import * as schema from '../src/storage/schema-sqlite';

const work = mkdtempSync(join(tmpdir(), 'fedow-migration-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The committed migrations up to (not including) `tag`. */
function migrationsBefore(tag: string): string {
  const folder = join(work, 'before');
  cpSync(migrationsFolder('sqlite'), folder, { recursive: true });
  const journalPath = join(folder, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { tag: string }[] };
  const index = journal.entries.findIndex((entry) => entry.tag === tag);
  expect(index).toBeGreaterThan(0);
  writeFileSync(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, index) }));
  return folder;
}

describe('migration 0006 (CMP) on SQLite', () => {
  it('keeps transfers, payment references and the transfer sequence of an existing hub, and then accepts CMP', async () => {
    const path = join(work, 'fedow.sqlite');
    const sqlite = new Database(path);
    sqlite.pragma('foreign_keys = ON');
    const db = drizzle({ client: sqlite, schema });
    migrate(db, { migrationsFolder: migrationsBefore('0006_compensation') });
    const at = '2026-07-14T20:00:00.000Z';
    db.insert(schema.wallets).values({ id: 'w-primary', kind: 'primary', name: 'primary', publicKey: null }).run();
    db.insert(schema.assets).values({ id: 'a-fed', name: 'FED', currencyCode: 'EUR', category: 'FED', decimals: 2, originWalletId: 'w-primary', archived: false, createdAt: at, membershipDays: null }).run();
    const transfer = { action: 'CRE' as const, senderWalletId: 'w-primary', receiverWalletId: 'w-primary', assetId: 'a-fed', amount: 100, at };
    db.insert(schema.transfers).values([{ ...transfer, seq: 1, id: 't-1' }, { ...transfer, seq: 7, id: 't-7' }]).run();
    db.insert(schema.paymentRefs).values({ ref: 'manual:VIR-1', transferId: 't-7' }).run();
    expect(() => db.insert(schema.transfers).values({ ...transfer, action: 'CMP', seq: 8, id: 't-8' }).run()).toThrow(/CHECK/);
    sqlite.close();

    const storage = await openStorage(`sqlite:${path}`);
    try {
      const tx = storage.read;
      expect((await repo.listTransfersAfter(tx, 0, 10)).map((row) => [row.seq, row.id])).toEqual([
        [1, 't-1'],
        [7, 't-7'],
      ]);
      expect(await repo.isPaymentRefUsed(tx, 'manual:VIR-1')).toBe(true);
      expect(await tx.all(sql`PRAGMA foreign_key_check`)).toEqual([]);
      const tables = await tx.all<{ name: string }>(sql`SELECT name FROM sqlite_schema WHERE name IN ('__new_transfers', '__saved_payment_refs')`);
      expect(tables).toEqual([]);
      const seqs = await storage.transaction((write) =>
        repo.insertTransfers(write, [{ ...transfer, action: 'CMP', id: 't-next' }]),
      );
      // AUTOINCREMENT carried over: the next seq follows the highest one ever used.
      expect(seqs).toEqual([8]);
      // The payment reference's foreign key still points at transfers.
      await expect(storage.transaction((write) => repo.insertPaymentRef(write, 'manual:VIR-2', 'no-such-transfer'))).rejects.toThrow(/FOREIGN KEY/);
    } finally {
      await storage.close();
    }
  });
});
