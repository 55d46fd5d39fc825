/** Aggregates and lists of the operator dashboard: money per asset, alerts, blocks, a card's history. */
import { and, asc, between, count, desc, eq, gt, gte, lt, or, sql } from 'drizzle-orm';
import { inList } from './batch';
import type { Block, Card, Entry, QuarantinedEntry, Transfer } from './rows';
import type { WalletKind } from './schema-values';
import type { Tx } from './types';

/** Σ amount and count of transfers per (asset, action). */
export interface ActionTotal {
  assetId: string;
  action: Transfer['action'];
  total: number;
  /** The part of `total` received by the primary wallet: a COR to it debits its sender (LEDGER.md). */
  toPrimary: number;
  transfers: number;
}

export async function sumTransfersByAction(tx: Tx, primaryWalletId: string): Promise<ActionTotal[]> {
  const { transfers } = tx.t;
  // Grouped by columns only: PostgreSQL would not match a parameterised CASE in the
  // select list with the same CASE in GROUP BY (the placeholders differ).
  return tx.db
    .select({
      assetId: transfers.assetId,
      action: transfers.action,
      total: sql<number>`coalesce(sum(${transfers.amount}), 0)`.mapWith(Number),
      toPrimary: sql<number>`coalesce(sum(case when ${transfers.receiverWalletId} = ${primaryWalletId} then ${transfers.amount} else 0 end), 0)`.mapWith(Number),
      transfers: count(),
    })
    .from(transfers)
    .groupBy(transfers.assetId, transfers.action);
}

/** Σ positive and Σ negative balances per (asset, wallet kind). */
export interface KindTotal {
  assetId: string;
  kind: WalletKind;
  positive: number;
  negative: number;
}

export async function sumBalancesByKind(tx: Tx): Promise<KindTotal[]> {
  const { balances, wallets } = tx.t;
  return tx.db
    .select({
      assetId: balances.assetId,
      kind: wallets.kind,
      positive: sql<number>`coalesce(sum(case when ${balances.value} > 0 then ${balances.value} else 0 end), 0)`.mapWith(Number),
      negative: sql<number>`coalesce(sum(case when ${balances.value} < 0 then ${balances.value} else 0 end), 0)`.mapWith(Number),
    })
    .from(balances)
    .innerJoin(wallets, eq(wallets.id, balances.walletId))
    .groupBy(balances.assetId, wallets.kind);
}

/** Every non-zero balance of a place wallet. */
export async function listPlaceBalances(tx: Tx): Promise<{ placeId: string; assetId: string; value: number }[]> {
  const { balances, places } = tx.t;
  return tx.db
    .select({ placeId: places.id, assetId: balances.assetId, value: balances.value })
    .from(balances)
    .innerJoin(places, eq(places.walletId, balances.walletId))
    .where(sql`${balances.value} <> 0`);
}

/**
 * Transfers per minute since `sinceIso` (FST excluded: bookkeeping, not activity).
 * Times are stored as RFC 3339 text, so the first 16 characters are the minute.
 */
export async function countTransfersPerMinute(tx: Tx, sinceIso: string): Promise<{ minute: string; transfers: number }[]> {
  const { transfers } = tx.t;
  const minute = sql<string>`substr(${transfers.at}, 1, 16)`;
  return tx.db
    .select({ minute, transfers: count() })
    .from(transfers)
    .where(and(gte(transfers.at, sinceIso), sql`${transfers.action} <> 'FST'`))
    .groupBy(minute)
    .orderBy(asc(minute));
}

/** The most recently received rejected entries. */
export async function listRejectedEntries(tx: Tx, limit: number): Promise<Entry[]> {
  const { entries } = tx.t;
  return tx.db.select().from(entries).where(eq(entries.status, 'rejected')).orderBy(desc(entries.receivedAt), desc(entries.seq)).limit(limit);
}

export async function countRejectedEntries(tx: Tx): Promise<number> {
  const { entries } = tx.t;
  const [row] = await tx.db.select({ n: count() }).from(entries).where(eq(entries.status, 'rejected'));
  return row?.n ?? 0;
}

/** The most recent quarantined entries (bad hash or signature), all tills. */
export async function listRecentQuarantine(tx: Tx, limit: number): Promise<QuarantinedEntry[]> {
  const { quarantine } = tx.t;
  return tx.db.select().from(quarantine).orderBy(desc(quarantine.id)).limit(limit);
}

/**
 * The most recent offline sales, applied or not. Bodies are JCS text, so the members
 * are written exactly like this; inside a JSON string their quotes would be escaped,
 * so a note cannot fake them. The caller parses the body before trusting it.
 */
export async function listOfflineSales(tx: Tx, limit: number): Promise<Entry[]> {
  const { entries } = tx.t;
  return tx.db
    .select()
    .from(entries)
    .where(and(sql`${entries.body} like ${'%"auth":"offline"%'}`, sql`${entries.body} like ${'%"kind":"SAL"%'}`))
    .orderBy(desc(entries.receivedAt), desc(entries.seq))
    .limit(limit);
}

/** The latest entries of one till, newest first: the offline cap alerts walk them. */
export async function listLatestEntriesOfTerminal(tx: Tx, terminalId: string, limit: number): Promise<Entry[]> {
  const { entries } = tx.t;
  return tx.db.select().from(entries).where(eq(entries.terminalId, terminalId)).orderBy(desc(entries.seq)).limit(limit);
}

/** Negative balances (debts), the deepest first. */
export async function listDebts(tx: Tx, limit: number): Promise<{ walletId: string; assetId: string; value: number }[]> {
  const { balances } = tx.t;
  return tx.db
    .select({ walletId: balances.walletId, assetId: balances.assetId, value: balances.value })
    .from(balances)
    .where(lt(balances.value, 0))
    .orderBy(asc(balances.value))
    .limit(limit);
}

/** The cards behind wallets: ephemeral wallets directly, user wallets through their user. */
export async function cardsOfWallets(tx: Tx, walletIds: readonly string[]): Promise<Map<string, Card[]>> {
  const { cards, users } = tx.t;
  const result = new Map<string, Card[]>();
  const add = (wallet: string, card: Card) => result.set(wallet, [...(result.get(wallet) ?? []), card]);
  const wanted = new Set(walletIds);
  if (wanted.size === 0) return result;
  const rows = await tx.db
    .select({ card: cards, userWallet: users.walletId })
    .from(cards)
    .leftJoin(users, eq(users.id, cards.userId))
    .where(or(inList(tx, cards.ephemeralWalletId, [...wanted]), inList(tx, users.walletId, [...wanted])));
  for (const row of rows) {
    // A card with a user spends from the user's wallet; its ephemeral one is left behind.
    const wallet = row.userWallet ?? row.card.ephemeralWalletId;
    if (wallet !== null && wanted.has(wallet)) add(wallet, row.card);
  }
  return result;
}

/** Entries behind the SAL transfers that took money from a wallet in an asset (what made a debt). */
export async function listSaleEntriesOfWallet(tx: Tx, walletId: string, assetId: string, limit: number): Promise<Entry[]> {
  const { transfers, entries } = tx.t;
  const rows = await tx.db
    .select({ entry: entries })
    .from(transfers)
    .innerJoin(entries, eq(entries.id, transfers.entryId))
    .where(and(eq(transfers.action, 'SAL'), eq(transfers.senderWalletId, walletId), eq(transfers.assetId, assetId)))
    .orderBy(desc(transfers.seq))
    .limit(limit);
  return rows.map((row) => row.entry);
}

/** A terminal's latest entries, the newest first. */
export async function listLatestEntries(tx: Tx, terminalId: string, limit: number): Promise<Entry[]> {
  const { entries } = tx.t;
  return tx.db.select().from(entries).where(eq(entries.terminalId, terminalId)).orderBy(desc(entries.seq)).limit(limit);
}

/** Transfers that moved money in or out of a wallet, the newest first. */
export async function listTransfersOfWallet(tx: Tx, walletId: string, limit: number): Promise<Transfer[]> {
  const { transfers } = tx.t;
  return tx.db
    .select()
    .from(transfers)
    .where(or(eq(transfers.senderWalletId, walletId), eq(transfers.receiverWalletId, walletId)))
    .orderBy(desc(transfers.seq))
    .limit(limit);
}

/** The latest blocks, the highest first. */
export async function listLatestBlocks(tx: Tx, limit: number): Promise<Block[]> {
  const { blocks } = tx.t;
  return tx.db.select().from(blocks).orderBy(desc(blocks.height)).limit(limit);
}

/**
 * How many transfers each block holds. A block seals every transfer of its seq
 * range, so this counts the range on the primary key (seqs may skip values on
 * PostgreSQL: count, do not subtract).
 */
export async function countTransfersOfBlocks(tx: Tx, blocks: readonly Pick<Block, 'height' | 'firstSeq' | 'lastSeq'>[]): Promise<Map<number, number>> {
  const { transfers } = tx.t;
  const result = new Map<number, number>();
  for (const block of blocks) {
    if (block.height === 0) {
      result.set(0, 0);
      continue;
    }
    const [row] = await tx.db.select({ n: count() }).from(transfers).where(between(transfers.seq, block.firstSeq, block.lastSeq));
    result.set(block.height, row?.n ?? 0);
  }
  return result;
}

/** Transfers the sealer has not put in a block yet: those after the latest block's range. */
export async function countUnsealedTransfers(tx: Tx): Promise<number> {
  const { transfers, blocks } = tx.t;
  const [latest] = await tx.db.select({ lastSeq: blocks.lastSeq }).from(blocks).orderBy(desc(blocks.height)).limit(1);
  const [row] = await tx.db.select({ n: count() }).from(transfers).where(gt(transfers.seq, latest?.lastSeq ?? 0));
  return row?.n ?? 0;
}
