import type BetterSqlite3 from 'better-sqlite3';
import { prepared } from '../storage/prepared';
import * as repo from '../storage/repo';
import type { Tx } from '../storage/types';

/**
 * The three writes every push makes, row by row in the hundreds: entries,
 * transfers and balance deltas. Two implementations behind one contract:
 * drizzle's query builder (both dialects), and cached better-sqlite3 prepared
 * statements — on SQLite, building and preparing a 500-row statement per push
 * cost more than running it. Both run inside the push's transaction.
 */
export interface IngestWriter {
  /** Throws when a row is already stored: the plan disagrees with the database. */
  entries(rows: readonly repo.NewEntry[]): Promise<void>;
  transfers(rows: readonly repo.NewTransfer[]): Promise<void>;
  /** Returns the balances that crossed zero (into debt, or out of it), for the outbox. */
  balances(deltas: readonly repo.BalanceDelta[]): Promise<BalanceCrossing[]>;
}

/** A balance that went below zero, or back to zero or more. */
export interface BalanceCrossing {
  walletId: string;
  assetId: string;
  before: number;
  after: number;
}

function crossed(walletId: string, assetId: string, delta: number, after: number): BalanceCrossing | null {
  const before = after - delta;
  return before < 0 !== after < 0 ? { walletId, assetId, before, after } : null;
}

/**
 * `refill`: called every ROWS_BETWEEN_REFILLS rows on SQLite, whose writes
 * hold the event loop for a whole round: the ingest hands the crypto workers
 * their next checks there (CryptoPool.refill). PostgreSQL's writes await the
 * network, and the loop turns meanwhile.
 */
export function ingestWriter(tx: Tx, refill: () => void = () => {}): IngestWriter {
  return tx.sqlite ? sqliteWriter(tx.sqlite, refill) : drizzleWriter(tx);
}

/** ~0.5–2 ms of the main thread, while a crypto worker holds ~4–9 ms of checks (two jobs). */
const ROWS_BETWEEN_REFILLS = 64;

function drizzleWriter(tx: Tx): IngestWriter {
  return {
    async entries(rows) {
      const { skipped } = await repo.insertEntries(tx, rows);
      if (skipped.length > 0) throw new Error(`ingest: entry ${skipped[0]!.seq} was already stored`);
    },
    async transfers(rows) {
      await repo.insertTransfers(tx, rows);
    },
    async balances(deltas) {
      const sums = new Map<string, number>();
      for (const { walletId, assetId, delta } of deltas) sums.set(`${walletId} ${assetId}`, (sums.get(`${walletId} ${assetId}`) ?? 0) + delta);
      return (await repo.applyBalanceDeltas(tx, deltas)).flatMap((row) => crossed(row.walletId, row.assetId, sums.get(`${row.walletId} ${row.assetId}`)!, row.value) ?? []);
    },
  };
}

/** Positional: named parameters cost a copy of each row and a lookup per name (~500 rows a push). */
const INSERT_ENTRY = `INSERT INTO entries (id, terminal_id, seq, prev, hash, sig, body, received_at, status, reason)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT DO NOTHING`;
const TRANSFER_COLUMNS = `id, action, sender_wallet_id, receiver_wallet_id, asset_id, amount, card_id, primary_card_id, entry_id, request_id, at, till_at, meta`;
const TRANSFER_VALUES = '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
const INSERT_TRANSFER = `INSERT INTO transfers (${TRANSFER_COLUMNS}) VALUES ${TRANSFER_VALUES}`;
/** Rows per multi-row transfer INSERT: a push's or a melt page's hundreds in a few statements (13 × 100 parameters). */
const TRANSFERS_PER_INSERT = 100;
const INSERT_TRANSFERS = `INSERT INTO transfers (${TRANSFER_COLUMNS}) VALUES ${Array<string>(TRANSFERS_PER_INSERT).fill(TRANSFER_VALUES).join(', ')}`;
const ADD_BALANCE = `INSERT INTO balances (wallet_id, asset_id, value, active_at, melted) VALUES (?, ?, ?, ?, ?)
  ON CONFLICT (wallet_id, asset_id) DO UPDATE SET value = value + excluded.value,
    active_at = coalesce(excluded.active_at, active_at),
    melted = CASE WHEN excluded.active_at IS NULL THEN melted + excluded.melted ELSE excluded.melted END
  RETURNING value`;
/**
 * A delta that is no activity (a melt, a zero move): the same upsert without
 * assigning active_at, which SQLite would count as a change of the sweep's
 * index (balances_asset_inactive) and rewrite its entry.
 */
const ADD_BALANCE_INACTIVE = `INSERT INTO balances (wallet_id, asset_id, value, active_at, melted) VALUES (?, ?, ?, NULL, ?)
  ON CONFLICT (wallet_id, asset_id) DO UPDATE SET value = value + excluded.value, melted = melted + excluded.melted
  RETURNING value`;

function transferParams(row: repo.NewTransfer, into: unknown[]): void {
  into.push(row.id, row.action, row.senderWalletId, row.receiverWalletId, row.assetId, row.amount, row.cardId ?? null, row.primaryCardId ?? null);
  into.push(row.entryId ?? null, row.requestId ?? null, row.at, row.tillAt ?? null, row.meta ?? null);
}

function sqliteWriter(sqlite: BetterSqlite3.Database, refill: () => void): IngestWriter {
  const statement = {
    entry: prepared(sqlite, INSERT_ENTRY),
    transfer: prepared(sqlite, INSERT_TRANSFER),
    transfers: prepared(sqlite, INSERT_TRANSFERS),
    balance: prepared<[string, string, number, string | null, number], { value: number }>(sqlite, ADD_BALANCE),
    inactive: prepared<[string, string, number, number], { value: number }>(sqlite, ADD_BALANCE_INACTIVE),
  };
  return {
    async entries(rows) {
      for (let index = 0; index < rows.length; index++) {
        if (index % ROWS_BETWEEN_REFILLS === ROWS_BETWEEN_REFILLS - 1) refill();
        const row = rows[index]!;
        const { changes } = statement.entry.run(row.id, row.terminalId, row.seq, row.prev, row.hash, row.sig, row.body, row.receivedAt, row.status, row.reason ?? null);
        if (changes !== 1) throw new Error(`ingest: entry ${row.seq} was already stored`);
      }
    },
    async transfers(rows) {
      // In order: the seq (autoincrement) follows the rows' order, multi-row or not.
      let first = 0;
      for (; first + TRANSFERS_PER_INSERT <= rows.length; first += TRANSFERS_PER_INSERT) {
        const params: unknown[] = [];
        for (let index = first; index < first + TRANSFERS_PER_INSERT; index++) transferParams(rows[index]!, params);
        statement.transfers.run(params);
        refill();
      }
      for (; first < rows.length; first++) {
        const params: unknown[] = [];
        transferParams(rows[first]!, params);
        statement.transfer.run(params);
      }
    },
    async balances(deltas) {
      const crossings: BalanceCrossing[] = [];
      const merged = repo.mergeBalanceDeltas(deltas);
      for (let index = 0; index < merged.length; index++) {
        if (index % ROWS_BETWEEN_REFILLS === ROWS_BETWEEN_REFILLS - 1) refill();
        const { walletId, assetId, delta, activeAt, melted } = merged[index]!;
        const { value } = (activeAt === null ? statement.inactive.get(walletId, assetId, delta, melted) : statement.balance.get(walletId, assetId, delta, activeAt, melted))!;
        if (!Number.isSafeInteger(value)) throw new Error(`balance ${walletId} ${assetId} left the safe integer range`);
        const crossing = crossed(walletId, assetId, delta, value);
        if (crossing) crossings.push(crossing);
      }
      return crossings;
    },
  };
}
