/**
 * The benchmarks' hub: a seeded database with its tills, copied before each run so
 * every run starts from the same state and chains signed in advance fit every copy.
 */
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { genesisBody } from '@fedow/protocol';
import { hashBody, publicKeyHex, toHex } from '@fedow/ledger';
import { nodeCrypto } from '@fedow/ledger/crypto-node';
import { CASHIER, seedHub } from './seed';
import { openStorage, repo } from '@fedow/hub';

/** A till of the world: its id, its signing key and the hash of its genesis entry. */
export interface TillIdentity {
  id: string;
  secretKeyHex: string;
  genesis: string;
}

/** The till ids, keys and the hub key (`hub.key` beside every copy) never change between copies. */
export interface BenchWorld {
  dir: string;
  template: string;
  place: string;
  local: string;
  cards: string[];
  cashier: string;
  tills: TillIdentity[];
}

const VISITOR_CARDS = 200;

export async function createWorld(tills: number): Promise<BenchWorld> {
  const seeded = await seedHub({ cards: VISITOR_CARDS });
  const { storage, newId, key } = seeded.hub.context;
  const identities: TillIdentity[] = [];
  const now = new Date().toISOString();
  await storage.transaction(async (tx) => {
    for (let index = 0; index < tills; index++) {
      const secretKeyHex = toHex(createHash('sha256').update(`fedow-bench-till-${index}`).digest());
      const publicKey = publicKeyHex(nodeCrypto, Buffer.from(secretKeyHex, 'hex'));
      const id = newId();
      const genesis = hashBody(nodeCrypto, genesisBody(id, publicKey, seeded.placeA.id, key.publicKey));
      await repo.insertTerminal(tx, { id, placeId: seeded.placeA.id, name: `Bench till ${index}`, publicKey, genesis, lastHash: genesis, createdAt: now });
      identities.push({ id, secretKeyHex, genesis });
    }
  });
  // Not seeded.close(): that removes the directory the runs copy from.
  await seeded.hub.close();
  const template = join(seeded.dir, 'fedow.sqlite');
  if (existsSync(`${template}-wal`)) throw new Error('bench: the template database still has a WAL after close');
  return { dir: seeded.dir, template, place: seeded.placeA.id, local: seeded.local, cards: seeded.cards, cashier: CASHIER, tills: identities };
}

/** A fresh copy of the template for one run (the hub key beside it is shared). */
export function copyWorld(world: BenchWorld, name: string): string {
  const path = join(world.dir, `${name}.sqlite`);
  copyFileSync(world.template, path);
  return path;
}

/** Deletes a run's SQLite database with its WAL and shared-memory files. */
export function removeDatabase(path: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
}

/**
 * `count` cards, each with its own ephemeral wallet holding a balance in the
 * place's local currency, written in one transaction with the repository's
 * batched inserts. Returns the seconds it took.
 */
export async function addFundedCards(path: string, world: BenchWorld, count: number): Promise<number> {
  const started = performance.now();
  const storage = await openStorage(`sqlite:${path}`);
  try {
    const rows = Array.from({ length: count }, (_, index) => ({
      card: crypto.randomUUID(),
      wallet: crypto.randomUUID(),
      uid: (0x10000000 + index).toString(16).toUpperCase(),
      value: 1_000 + (index % 10_000),
    }));
    await storage.transaction(async (tx) => {
      await repo.insertWallets(tx, rows.map((row) => ({ id: row.wallet, kind: 'ephemeral' as const })));
      const cards = await repo.insertCards(
        tx,
        rows.map((row) => ({ id: row.card, firstTagId: row.uid, uid: null, qrcode: null, numberPrinted: null, batchId: null, userId: null, ephemeralWalletId: row.wallet, lostAt: null })),
      );
      if (cards.inserted.length !== count) throw new Error(`bench: ${count - cards.inserted.length} cards were not inserted`);
      await repo.applyBalanceDeltas(tx, rows.map((row) => ({ walletId: row.wallet, assetId: world.local, delta: row.value })));
    });
  } finally {
    await storage.close();
  }
  return (performance.now() - started) / 1_000;
}
