import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openStorage, type Storage, type Tx } from '../src/storage';
import type { SqliteOptions } from '../src/storage/open-sqlite';
import * as repo from '../src/storage/repo';
import { startPostgres, type TestPostgres } from '../../../support/postgres';

const AT = '2026-07-14T21:03:07.412Z';
const HASH = 'a'.repeat(64);
const SIG = 'b'.repeat(128);

type DialectName = 'sqlite' | 'postgres';

/** Fresh databases for one dialect: temp SQLite files, or databases on one throwaway server. */
function databases(dialect: DialectName) {
  let server: TestPostgres | undefined;
  let dir = '';
  let count = 0;
  const opened: Storage[] = [];
  beforeAll(async () => {
    if (dialect === 'postgres') server = await startPostgres();
    else dir = mkdtempSync(join(tmpdir(), 'fedow-storage-'));
  });
  afterEach(async () => {
    for (const storage of opened.splice(0)) await storage.close();
  });
  afterAll(async () => {
    await server?.stop();
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });
  return {
    async freshUrl(): Promise<string> {
      count += 1;
      if (server) return server.createDatabase();
      return `sqlite:${join(dir, `db-${count}`, 'fedow.sqlite')}`;
    },
    async open(url: string, options?: SqliteOptions): Promise<Storage> {
      const storage = await openStorage(url, options);
      opened.push(storage);
      return storage;
    },
  };
}

/** A primary wallet, a place with its wallet, a local asset, a terminal and two cards. */
async function seed(storage: Storage) {
  const ids = {
    primary: randomUUID(),
    placeWallet: randomUUID(),
    place: randomUUID(),
    asset: randomUUID(),
    terminal: randomUUID(),
    cardA: randomUUID(),
    cardB: randomUUID(),
    walletA: randomUUID(),
    walletB: randomUUID(),
  };
  await storage.transaction(async (tx) => {
    await repo.insertWallets(tx, [
      { id: ids.primary, kind: 'primary', name: 'bank' },
      { id: ids.placeWallet, kind: 'place', name: 'Bar' },
      { id: ids.walletA, kind: 'ephemeral' },
      { id: ids.walletB, kind: 'ephemeral' },
    ]);
    await repo.insertPlace(tx, { id: ids.place, name: 'Bar', walletId: ids.placeWallet, offlinePolicy: '{}', createdAt: AT });
    await repo.insertAsset(tx, {
      id: ids.asset,
      name: 'Jeton',
      currencyCode: 'JET',
      category: 'TLF',
      decimals: 2,
      originWalletId: ids.placeWallet,
      createdAt: AT,
    });
    await repo.insertTerminal(tx, {
      id: ids.terminal,
      placeId: ids.place,
      name: 'Bar 1',
      publicKey: 'c'.repeat(64),
      genesis: HASH,
      lastHash: HASH,
      createdAt: AT,
    });
    await repo.insertCards(tx, [
      { id: ids.cardA, firstTagId: 'AAAA0001', ephemeralWalletId: ids.walletA },
      { id: ids.cardB, firstTagId: 'AAAA0002', ephemeralWalletId: ids.walletB },
    ]);
  });
  return ids;
}

function entry(terminalId: string, seq: number, id = randomUUID()) {
  return {
    id,
    terminalId,
    seq,
    prev: HASH,
    hash: HASH,
    sig: SIG,
    body: `{"seq":${seq}}`,
    receivedAt: AT,
    status: 'applied' as const,
  };
}

function transfer(ids: Awaited<ReturnType<typeof seed>>, amount: number) {
  return {
    id: randomUUID(),
    action: 'SAL' as const,
    senderWalletId: ids.walletA,
    receiverWalletId: ids.placeWallet,
    assetId: ids.asset,
    amount,
    at: AT,
  };
}

async function countRows(tx: Tx, table: string): Promise<number> {
  const [row] = await tx.all<{ n: number | string }>(sql`select count(*) as n from ${sql.identifier(table)}`);
  return Number(row?.n);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(['sqlite', 'postgres'] as const)('storage on %s', (dialect) => {
  const db = databases(dialect);

  it('applies the migrations to a fresh database, and reopening applies nothing twice', async () => {
    const url = await db.freshUrl();
    const first = await db.open(url);
    expect(first.dialect).toBe(dialect);
    const ids = await seed(first);
    const journal = JSON.parse(
      readFileSync(new URL(`../drizzle/${dialect === 'sqlite' ? 'sqlite' : 'pg'}/meta/_journal.json`, import.meta.url), 'utf8'),
    ) as { entries: unknown[] };
    const migrationsTable = dialect === 'sqlite' ? sql`__drizzle_migrations` : sql`drizzle.__drizzle_migrations`;
    const applied = async (storage: Storage) =>
      Number((await storage.read.all<{ n: number | string }>(sql`select count(*) as n from ${migrationsTable}`))[0]?.n);
    expect(await applied(first)).toBe(journal.entries.length);
    await first.close();

    const again = await db.open(url);
    expect(await applied(again)).toBe(journal.entries.length);
    expect((await repo.getPlace(again.read, ids.place))?.name).toBe('Bar');
  });

  it('skips and reports entries whose id or (terminal, seq) is already stored', async () => {
    const storage = await db.open(await db.freshUrl());
    const ids = await seed(storage);
    const first = [entry(ids.terminal, 1), entry(ids.terminal, 2)];
    const stored = await storage.transaction((tx) => repo.insertEntries(tx, first));
    expect(stored).toEqual({ inserted: first.map((row) => row.id), skipped: [] });

    const sameId = entry(ids.terminal, 3, first[0]!.id);
    const sameSeq = entry(ids.terminal, 2);
    const fresh = entry(ids.terminal, 3);
    const second = await storage.transaction((tx) => repo.insertEntries(tx, [sameId, sameSeq, fresh]));
    expect(second.inserted).toEqual([fresh.id]);
    expect(second.skipped.map((row) => row.id)).toEqual([sameId.id, sameSeq.id]);

    const all = await repo.listEntries(storage.read, ids.terminal, 0, 10);
    expect(all.map((row) => [row.seq, row.id])).toEqual([
      [1, first[0]!.id],
      [2, first[1]!.id],
      [3, fresh.id],
    ]);
    // What ingest asks to tell a duplicate or a reused id from a fork.
    expect((await repo.getEntriesBySeq(storage.read, ids.terminal, [3, 1, 9, 1])).map((row) => row.seq)).toEqual([1, 3]);
    expect(await repo.getEntryHolders(storage.read, [fresh.id, randomUUID(), first[1]!.id])).toEqual(
      new Map([
        [fresh.id, { terminal: ids.terminal, seq: 3 }],
        [first[1]!.id, { terminal: ids.terminal, seq: 2 }],
      ]),
    );
  });

  it('enforces the other uniqueness rules of the schema', async () => {
    const storage = await db.open(await db.freshUrl());
    const ids = await seed(storage);
    const wallet = randomUUID();
    await expect(
      storage.transaction(async (tx) => {
        await repo.insertWallets(tx, [{ id: wallet, kind: 'place' }]);
        await repo.insertPlace(tx, { id: randomUUID(), name: 'Bar', walletId: wallet, offlinePolicy: '{}', createdAt: AT });
      }),
    ).rejects.toThrow();
    await expect(storage.transaction((tx) => repo.insertWallets(tx, [{ id: randomUUID(), kind: 'primary' }]))).rejects.toThrow();
    await expect(
      storage.transaction(async (tx) => {
        await repo.insertWallets(tx, [{ id: wallet, kind: 'user' }]);
        await repo.insertUser(tx, { id: randomUUID(), email: 'Ana@Example.org', walletId: wallet, createdAt: AT });
      }),
    ).rejects.toThrow();
    const clash = await storage.transaction((tx) =>
      repo.insertCards(tx, [
        { id: randomUUID(), firstTagId: 'AAAA0001' },
        { id: randomUUID(), firstTagId: 'AAAA0003', qrcode: randomUUID() },
      ]),
    );
    expect(clash.inserted).toHaveLength(1);
    expect(clash.skipped.map((card) => card.firstTagId)).toEqual(['AAAA0001']);
    expect([...(await repo.loadCardsByTag(storage.read, ['AAAA0001', 'AAAA0003', 'FFFF0000'])).keys()].sort()).toEqual([
      'AAAA0001',
      'AAAA0003',
    ]);
    expect((await repo.getWallets(storage.read, [wallet])).size).toBe(0);
    expect(await repo.getPrimaryWallet(storage.read)).toMatchObject({ id: ids.primary });
  });

  it('looks up lists longer than any parameter limit in one go', async () => {
    const storage = await db.open(await db.freshUrl());
    await seed(storage);
    const cards = Array.from({ length: 3 }, (_, index) => ({ id: randomUUID(), firstTagId: `BBBB000${index}` }));
    await storage.transaction((tx) => repo.insertCards(tx, cards));
    // 70,000 values: over SQLite's 32,766 and PostgreSQL's 65,535 bound parameters.
    const unknown = Array.from({ length: 70_000 }, (_, index) => `C${index.toString(16).toUpperCase().padStart(7, '0')}`);
    const tags = [...unknown.slice(0, 35_000), 'BBBB0002', ...unknown.slice(35_000), 'BBBB0000', 'BBBB0000'];
    expect([...(await repo.loadCardsByTag(storage.read, tags)).keys()].sort()).toEqual(['BBBB0000', 'BBBB0002']);
    expect([...(await repo.getCards(storage.read, [cards[1]!.id, randomUUID()])).keys()]).toEqual([cards[1]!.id]);
    expect((await repo.getCards(storage.read, [])).size).toBe(0);
    // A quote in a value is data, not SQL.
    expect((await repo.loadCardsByTag(storage.read, ["BBBB0001'); DROP TABLE cards; --"])).size).toBe(0);
    expect((await repo.loadCardsByTag(storage.read, ['BBBB0001'])).size).toBe(1);
  });

  it('applies batches of balance deltas exactly, merging pairs and keeping safe integers', async () => {
    const storage = await db.open(await db.freshUrl());
    const ids = await seed(storage);
    const big = Number.MAX_SAFE_INTEGER - 10;
    const changed = await storage.transaction((tx) =>
      repo.applyBalanceDeltas(tx, [
        { walletId: ids.walletA, assetId: ids.asset, delta: 1_000 },
        { walletId: ids.walletA, assetId: ids.asset, delta: 250 },
        { walletId: ids.walletB, assetId: ids.asset, delta: big },
        { walletId: ids.placeWallet, assetId: ids.asset, delta: 5 },
        { walletId: ids.placeWallet, assetId: ids.asset, delta: -5 },
      ]),
    );
    expect(changed.map((row) => row.value).sort((a, b) => a - b)).toEqual([1_250, big]);
    await storage.transaction((tx) =>
      repo.applyBalanceDeltas(tx, [
        { walletId: ids.walletA, assetId: ids.asset, delta: -2_000 },
        { walletId: ids.walletB, assetId: ids.asset, delta: 10 },
      ]),
    );
    const balances = await repo.loadBalances(storage.read, [
      { walletId: ids.walletA, assetId: ids.asset },
      { walletId: ids.walletB, assetId: ids.asset },
      { walletId: ids.placeWallet, assetId: ids.asset },
    ]);
    expect([...balances.values()]).toEqual([-750, Number.MAX_SAFE_INTEGER, 0]);
    expect((await repo.sumBalancesByAsset(storage.read)).get(ids.asset)).toBe(Number.MAX_SAFE_INTEGER - 750);
  });

  it('rolls back every balance, entry and transfer of a transaction that fails midway', async () => {
    const storage = await db.open(await db.freshUrl());
    const ids = await seed(storage);
    await storage.transaction((tx) => repo.applyBalanceDeltas(tx, [{ walletId: ids.walletA, assetId: ids.asset, delta: 100 }]));
    const before = await repo.loadBalances(storage.read, [
      { walletId: ids.walletA, assetId: ids.asset },
      { walletId: ids.placeWallet, assetId: ids.asset },
    ]);
    // The database itself refuses the last statement (unknown asset: foreign key).
    const failing = storage.transaction(async (tx) => {
      await repo.insertEntries(tx, [entry(ids.terminal, 1)]);
      await repo.insertTransfers(tx, [transfer(ids, 40)]);
      await repo.applyBalanceDeltas(tx, [
        { walletId: ids.walletA, assetId: ids.asset, delta: -40 },
        { walletId: ids.placeWallet, assetId: ids.asset, delta: 40 },
      ]);
      await repo.appendCardChanges(tx, [ids.cardA], AT);
      await repo.applyBalanceDeltas(tx, [{ walletId: ids.walletA, assetId: randomUUID(), delta: 1 }]);
    });
    await expect(failing).rejects.toThrow();
    const after = await repo.loadBalances(storage.read, [
      { walletId: ids.walletA, assetId: ids.asset },
      { walletId: ids.placeWallet, assetId: ids.asset },
    ]);
    expect(after).toEqual(before);
    expect(await countRows(storage.read, 'entries')).toBe(0);
    expect(await countRows(storage.read, 'transfers')).toBe(0);
    expect(await repo.latestCardChange(storage.read)).toBe(0);

    // An error thrown by our own code rolls back the same way, and the storage stays usable.
    await expect(
      storage.transaction(async (tx) => {
        await repo.applyBalanceDeltas(tx, [{ walletId: ids.walletA, assetId: ids.asset, delta: 7 }]);
        throw new Error('rule failed');
      }),
    ).rejects.toThrow('rule failed');
    expect((await repo.loadBalances(storage.read, [{ walletId: ids.walletA, assetId: ids.asset }])).get(
      repo.balanceKey(ids.walletA, ids.asset),
    )).toBe(100);
  });

  it('assigns transfer seqs in input order within a batch and in commit order across transactions', async () => {
    const storage = await db.open(await db.freshUrl());
    const ids = await seed(storage);
    const batch = [transfer(ids, 1), transfer(ids, 2), transfer(ids, 3)];
    const seqs = await storage.transaction((tx) => repo.insertTransfers(tx, batch));
    expect(seqs).toHaveLength(3);
    expect(seqs[1]).toBeGreaterThan(seqs[0]!);
    expect(seqs[2]).toBeGreaterThan(seqs[1]!);

    // A takes its seq first, then lingers before committing; B inserts meanwhile.
    // B's transfer must get a higher seq than A's only if it also commits after A.
    const committed: { name: string; seq: number }[] = [];
    let aInserted!: () => void;
    const aHasInserted = new Promise<void>((resolve) => (aInserted = resolve));
    const a = storage
      .transaction(async (tx) => {
        const [seq] = await repo.insertTransfers(tx, [transfer(ids, 10)]);
        aInserted();
        await sleep(300);
        return seq!;
      })
      .then((seq) => committed.push({ name: 'A', seq }));
    await aHasInserted;
    const b = storage
      .transaction(async (tx) => (await repo.insertTransfers(tx, [transfer(ids, 20)]))[0]!)
      .then((seq) => committed.push({ name: 'B', seq }));
    // While A is open, readers see only what was committed.
    expect((await repo.listTransfersAfter(storage.read, seqs[2]!, 10)).length).toBe(0);
    await Promise.all([a, b]);
    expect(committed.map((row) => row.name)).toEqual(['A', 'B']);
    expect(committed[1]!.seq).toBeGreaterThan(committed[0]!.seq);

    const listed = await repo.listTransfersAfter(storage.read, 0, 100);
    expect(listed.map((row) => row.amount)).toEqual([1, 2, 3, 10, 20]);
    expect(await repo.latestTransferSeq(storage.read)).toBe(committed[1]!.seq);
    await expect(repo.insertTransfers(storage.read, [transfer(ids, 1)])).rejects.toThrow(/inside storage.transaction/);
  });

  it('seals transfers into blocks once and refuses to rewrite a sealed one', async () => {
    const storage = await db.open(await db.freshUrl());
    const ids = await seed(storage);
    const seqs = await storage.transaction((tx) => repo.insertTransfers(tx, [transfer(ids, 1), transfer(ids, 2)]));
    const block = { height: 1, prev: HASH, firstSeq: seqs[0]!, lastSeq: seqs[1]!, head: 'd'.repeat(64), sealedAt: AT, hash: 'e'.repeat(64), sig: SIG };
    await storage.transaction(async (tx) => {
      await repo.insertBlock(tx, block);
      await repo.sealTransfers(tx, 1, [
        { seq: seqs[0]!, hash: '1'.repeat(64) },
        { seq: seqs[1]!, hash: 'd'.repeat(64) },
      ]);
    });
    const sealed = await repo.listTransfersAfter(storage.read, 0, 10);
    expect(sealed.map((row) => [row.hash, row.blockHeight])).toEqual([
      ['1'.repeat(64), 1],
      ['d'.repeat(64), 1],
    ]);
    expect(await repo.latestBlock(storage.read)).toEqual(block);
    await expect(
      storage.transaction((tx) => repo.sealTransfers(tx, 1, [{ seq: seqs[0]!, hash: '2'.repeat(64) }])),
    ).rejects.toThrow(/sealed already/);
    expect((await repo.listTransfersAfter(storage.read, 0, 1))[0]?.hash).toBe('1'.repeat(64));
  });

  it('moves the card change cursor forward and pages through it', async () => {
    const storage = await db.open(await db.freshUrl());
    const ids = await seed(storage);
    expect(await repo.latestCardChange(storage.read)).toBe(0);
    const first = await storage.transaction((tx) => repo.appendCardChanges(tx, [ids.cardA, ids.cardB, ids.cardA], AT));
    const second = await storage.transaction((tx) => repo.appendCardChanges(tx, [ids.cardA], AT));
    expect(first).toBeGreaterThan(0);
    expect(second).toBeGreaterThan(first!);
    expect(await repo.latestCardChange(storage.read)).toBe(second);
    const page1 = await repo.listCardChangesAfter(storage.read, 0, 1);
    expect(page1.cardIds).toEqual([ids.cardA]);
    const page2 = await repo.listCardChangesAfter(storage.read, page1.cursor, 10);
    expect(page2).toEqual({ cursor: second, cardIds: [ids.cardB, ids.cardA] });
    expect(await repo.listCardChangesAfter(storage.read, page2.cursor, 10)).toEqual({ cursor: second, cardIds: [] });
  });

  it('moves a terminal head only from where the caller saw it', async () => {
    const storage = await db.open(await db.freshUrl());
    const ids = await seed(storage);
    const move = { id: ids.terminal, fromSeq: 0, lastSeq: 2, lastHash: 'f'.repeat(64), lastSeenAt: AT, rejected: 1 };
    expect(await storage.transaction((tx) => repo.updateTerminalHead(tx, move))).toBe(true);
    expect(await storage.transaction((tx) => repo.updateTerminalHead(tx, move))).toBe(false);
    expect(await repo.getTerminal(storage.read, ids.terminal)).toMatchObject({
      lastSeq: 2,
      lastHash: 'f'.repeat(64),
      rejectedCount: 1,
      status: 'active',
    });
  });

  it('claims a pairing code once, and tells unknown, expired and used codes apart', async () => {
    const storage = await db.open(await db.freshUrl());
    const ids = await seed(storage);
    const code = { placeId: ids.place, name: 'Bar 2', createdAt: AT };
    await storage.transaction(async (tx) => {
      await repo.insertPairingCode(tx, { ...code, codeHash: '1'.repeat(64), expiresAt: '2026-07-14T21:18:07.412Z' });
      await repo.insertPairingCode(tx, { ...code, codeHash: '2'.repeat(64), expiresAt: '2026-07-14T21:00:00.000Z' });
    });
    const claim = (hash: string) => storage.transaction((tx) => repo.claimPairingCode(tx, hash, AT));
    expect((await claim('1'.repeat(64))).status).toBe('claimed');
    expect((await claim('1'.repeat(64))).status).toBe('used');
    expect((await claim('2'.repeat(64))).status).toBe('expired');
    expect((await claim('3'.repeat(64))).status).toBe('unknown');
  });

  it('commits a transaction that does not wait for the disk, and the next one waits again', async () => {
    // SQLite: the writer that syncs inside COMMIT (the simulation's); the WAL flusher's own test is wal-flusher.test.ts.
    const storage = await db.open(await db.freshUrl(), { ioThreads: false });
    // SQLite: synchronous 1 (NORMAL) or 2 (FULL); PostgreSQL: synchronous_commit off or on.
    const waitsForDisk = async (tx: Tx): Promise<string> =>
      storage.dialect === 'sqlite' ? String(storage.sqlite.pragma('synchronous', { simple: true })) : (await tx.all<{ synchronous_commit: string }>(sql`SHOW synchronous_commit`))[0]!.synchronous_commit;
    const [lazy, durable] = dialect === 'sqlite' ? ['1', '2'] : ['off', 'on'];
    const written = await storage.transaction(async (tx) => {
      await repo.insertOutboxEvents(tx, [{ type: 'card.lost', payload: '{}', at: AT }]);
      return waitsForDisk(tx);
    }, { durable: false });
    expect(written).toBe(lazy);
    expect(await repo.countOutboxEvents(storage.read)).toBe(1);
    expect(await storage.transaction((tx) => waitsForDisk(tx))).toBe(durable);
    await expect(storage.transaction(async () => Promise.reject(new Error('refused')), { durable: false })).rejects.toThrow('refused');
    expect(await storage.transaction((tx) => waitsForDisk(tx))).toBe(durable);
  });

  it('refuses a transaction opened inside another one', async () => {
    const storage = await db.open(await db.freshUrl());
    await expect(storage.transaction(() => storage.transaction(async () => 1))).rejects.toThrow(/inside a transaction/);
    expect(await storage.transaction(async () => 2)).toBe(2);
  });
});

describe('storage on a SQLite file', () => {
  const db = databases('sqlite');

  it('runs WAL, synced after each COMMIT off the event loop (or inside it without the I/O threads), a busy timeout, foreign keys, and the writer\'s journals of statements and savepoints in memory', async () => {
    const storage = await db.open(await db.freshUrl());
    if (storage.dialect !== 'sqlite') throw new Error('expected SQLite');
    expect(storage.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    // 1: NORMAL, the COMMIT does not sync; the WAL flusher does, before the transaction resolves.
    expect(storage.sqlite.pragma('synchronous', { simple: true })).toBe(1);
    const inline = await db.open(await db.freshUrl(), { ioThreads: false });
    if (inline.dialect !== 'sqlite') throw new Error('expected SQLite');
    expect(inline.sqlite.pragma('synchronous', { simple: true })).toBe(2);
    expect(storage.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(storage.sqlite.pragma('busy_timeout', { simple: true })).toBeGreaterThan(0);
    // 2: MEMORY. Temporary files, created and deleted statement after statement, were half the ingest's kernel time.
    expect(storage.sqlite.pragma('temp_store', { simple: true })).toBe(2);
  });

  it('creates the directory of the database file and keeps reads off uncommitted writes', async () => {
    const storage = await db.open(await db.freshUrl());
    const ids = await seed(storage);
    await storage.transaction(async (tx) => {
      await repo.applyBalanceDeltas(tx, [{ walletId: ids.walletA, assetId: ids.asset, delta: 5 }]);
      const seen = await repo.loadWalletBalances(storage.read, [ids.walletA]);
      expect(seen).toEqual([]);
      const write = await storage.read.run(sql`delete from balances`).catch((error: unknown) => error);
      expect(write).toBeInstanceOf(Error);
      expect(String((write as Error).cause)).toMatch(/readonly/);
    });
    expect(await repo.loadWalletBalances(storage.read, [ids.walletA])).toHaveLength(1);
  });

  it('opens sqlite::memory: for tests', async () => {
    const storage = await db.open('sqlite::memory:');
    const ids = await seed(storage);
    expect((await repo.getPlace(storage.read, ids.place))?.name).toBe('Bar');
  });
});
