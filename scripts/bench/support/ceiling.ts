import { availableParallelism } from 'node:os';
import Database from 'better-sqlite3';
import type { WireEntry } from '@fedow/protocol';
import { verifySigned } from '@fedow/ledger';
import { nodeCrypto } from '@fedow/ledger/crypto-node';
import { publicKeyHex, fromHex } from '@fedow/ledger';
import type { BenchWorld } from '../../../support/bench-world';
import { copyWorld, removeDatabase } from '../../../support/bench-world';

/**
 * What a hub cannot avoid doing per entry (issue 15.5), measured in the run that
 * measures the hub, on this machine:
 * - `checkMicros`: the entry's hash (JCS + SHA-256) and its Ed25519 signature
 *   check, one core (`verifySigned`, what the hub's crypto workers run);
 * - `insertMicros`: the bare inserts of the entry and its transfer into the
 *   hub's own tables (their indexes and foreign keys), prepared statements,
 *   in transactions of 500 entries, each committed with its fsync (WAL,
 *   synchronous=FULL): one writer, one core.
 * On `cores` cores the checks spread over every core and the inserts take one:
 * `ceiling = min(cores / (check + insert), 1 / insert)` entries per second. It
 * counts nothing else the hub does (sockets, JSON, the frame's schema, the
 * ledger's rules, balances, card changes, acks, the sealer), so no hub reaches it.
 */
export interface Ceiling {
  cores: number;
  checkMicros: number;
  insertMicros: number;
  entriesPerSecond: number;
  /** Which term bounds it. */
  bound: 'all cores' | 'the single writer';
}

const INSERT_BATCH = 500;
const INSERT_BATCHES = 20;
const CHECK_MS = 1_500;

export function measureCeiling(world: BenchWorld, chain: readonly string[], till: { secretKeyHex: string }): Ceiling {
  const cores = availableParallelism();
  const entries = chain.slice(0, INSERT_BATCH * INSERT_BATCHES).map((text) => JSON.parse(text) as WireEntry);
  if (entries.length < INSERT_BATCH * INSERT_BATCHES) throw new Error(`bench: the ceiling needs ${INSERT_BATCH * INSERT_BATCHES} entries, the chain has ${entries.length}`);
  const checkMicros = checkCost(publicKeyHex(nodeCrypto, fromHex(till.secretKeyHex)), entries);
  const insertMicros = insertCost(world, entries);
  const allCores = cores / ((checkMicros + insertMicros) / 1e6);
  const writer = 1e6 / insertMicros;
  return { cores, checkMicros, insertMicros, entriesPerSecond: Math.min(allCores, writer), bound: allCores <= writer ? 'all cores' : 'the single writer' };
}

export function describeCeiling(ceiling: Ceiling): string {
  const total = ceiling.checkMicros + ceiling.insertMicros;
  return `ceiling = min(${ceiling.cores} cores / (${ceiling.checkMicros.toFixed(1)} µs hash + signature check + ${ceiling.insertMicros.toFixed(1)} µs fsync'd inserts of entry and transfer), 1 / ${ceiling.insertMicros.toFixed(1)} µs) = min(${Math.round((ceiling.cores * 1e6) / total).toLocaleString('en-US')}, ${Math.round(1e6 / ceiling.insertMicros).toLocaleString('en-US')}) = ${Math.round(ceiling.entriesPerSecond).toLocaleString('en-US')} entries/s, bound by ${ceiling.bound}`;
}

/** µs per entry of `verifySigned` on one core, best of three rounds (a loaded machine only slows it). */
function checkCost(publicKey: string, entries: readonly WireEntry[]): number {
  const rounds: number[] = [];
  for (let round = 0; round < 3; round++) {
    const start = performance.now();
    let checked = 0;
    while (performance.now() - start < CHECK_MS / 3) {
      const entry = entries[checked % entries.length]!;
      if (verifySigned(nodeCrypto, publicKey, entry) !== 'ok') throw new Error('bench: a pre-signed entry did not verify');
      checked++;
    }
    rounds.push(((performance.now() - start) * 1000) / checked);
  }
  return Math.min(...rounds);
}

const INSERT_ENTRY = `INSERT INTO entries (id, terminal_id, seq, prev, hash, sig, body, received_at, status, reason)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'applied', NULL)`;
const INSERT_TRANSFER = `INSERT INTO transfers (id, action, sender_wallet_id, receiver_wallet_id, asset_id, amount, card_id, primary_card_id, entry_id, at, till_at, meta)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/** µs per entry of the bare inserts on a copy of the bench's database, with the hub's pragmas. */
function insertCost(world: BenchWorld, entries: readonly WireEntry[]): number {
  const path = copyWorld(world, 'ceiling');
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    const refs = cardWallets(db, world);
    const terminal = entries[0]!.body.terminal;
    const entry = db.prepare(INSERT_ENTRY);
    const transfer = db.prepare(INSERT_TRANSFER);
    const now = new Date().toISOString();
    const batch = db.transaction((slice: readonly WireEntry[]) => {
      for (const { body, hash, sig } of slice) {
        entry.run(body.id, terminal, body.seq, body.prev, hash, sig, JSON.stringify(body), now);
        const card = refs.get(body.card!)!;
        const sale = body.kind === 'SAL';
        // The transfer's id: the hub draws a UUID v7; the entry's (also v7) is as good for the index.
        transfer.run(`${body.id.slice(0, 24)}${(body.seq % 1e12).toString(16).padStart(12, '0')}`, body.kind, sale ? card.wallet : refs.placeWallet, sale ? refs.placeWallet : card.wallet, body.asset, body.amount, card.id, refs.cashier, body.id, now, body.at, JSON.stringify(body.meta ?? null));
      }
    });
    const start = performance.now();
    for (let index = 0; index < entries.length; index += INSERT_BATCH) batch(entries.slice(index, index + INSERT_BATCH));
    return ((performance.now() - start) * 1000) / entries.length;
  } finally {
    db.close();
    removeDatabase(path);
  }
}

/** Every visitor card gets an ephemeral wallet, untimed, as the hub's first top-up of each would. */
function cardWallets(db: Database.Database, world: BenchWorld): Map<string, { id: string; wallet: string }> & { placeWallet: string; cashier: string } {
  const placeWallet = (db.prepare('SELECT wallet_id AS wallet FROM places WHERE id = ?').get(world.place) as { wallet: string }).wallet;
  const cashier = (db.prepare('SELECT id FROM cards WHERE first_tag_id = ?').get(world.cashier) as { id: string }).id;
  const refs = new Map<string, { id: string; wallet: string }>();
  db.transaction(() => {
    for (const tag of world.cards) {
      const card = db.prepare('SELECT id FROM cards WHERE first_tag_id = ?').get(tag) as { id: string };
      const wallet = crypto.randomUUID();
      db.prepare(`INSERT INTO wallets (id, kind) VALUES (?, 'ephemeral')`).run(wallet);
      db.prepare('UPDATE cards SET ephemeral_wallet_id = ? WHERE id = ?').run(wallet, card.id);
      refs.set(tag, { id: card.id, wallet });
    }
  })();
  return Object.assign(refs, { placeWallet, cashier });
}
