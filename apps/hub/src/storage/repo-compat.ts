/**
 * The Fedow-compatible API's own rows (issue 13): the original's API keys, the
 * places' LaBoutik/Lespass settings, wallets' RSA keys, token uuids and what a
 * transaction answer echoes. The import of an existing Fedow writes the same rows.
 */
import { and, asc, desc, eq, gte, isNull, lte, ne, or } from 'drizzle-orm';
import { chunks, inList } from './batch';
import { jsonList, selectJoined, selectRows } from './fast-select';
import { prepared } from './prepared';
import type { CardBatch, CompatAlias, CompatApiKey, CompatPlace, Place, CompatToken, CompatTransaction, NewCompatApiKey, NewCompatPlace, NewCompatTransaction, Transfer, User } from './rows';
import type { CompatKeyKind } from './schema-values';
import type { Tx } from './types';

export async function insertCompatApiKey(tx: Tx, row: NewCompatApiKey): Promise<void> {
  await tx.db.insert(tx.t.compatApiKeys).values(row);
}

/** The key whose prefix (the part before the dot) is given, revoked or not. */
export async function getCompatApiKey(tx: Tx, prefix: string): Promise<CompatApiKey | undefined> {
  const { compatApiKeys } = tx.t;
  if (tx.sqlite) return selectRows(tx.sqlite, compatApiKeys, 'where "prefix" = ?', [prefix])[0];
  const [row] = await tx.db.select().from(compatApiKeys).where(eq(compatApiKeys.prefix, prefix));
  return row;
}

/**
 * The key of a prefix with the place it acts for and that place's settings (each
 * null when absent): what every authenticated compatible API call reads first,
 * in one statement on SQLite.
 */
export async function getCompatApiKeyWithPlace(tx: Tx, prefix: string): Promise<{ key: CompatApiKey; place: Place | null; compatPlace: CompatPlace | null } | undefined> {
  const { compatApiKeys, places, compatPlaces } = tx.t;
  if (tx.sqlite) {
    const rest = 'from "compat_api_keys" left join "places" on "places"."id" = "compat_api_keys"."place_id" left join "compat_places" on "compat_places"."place_id" = "compat_api_keys"."place_id" where "compat_api_keys"."prefix" = ?';
    const [row] = selectJoined(tx.sqlite, [compatApiKeys, places, compatPlaces] as const, rest, [prefix]);
    return row && { key: row[0]!, place: row[1], compatPlace: row[2] };
  }
  const key = await getCompatApiKey(tx, prefix);
  if (!key) return undefined;
  if (key.placeId === null) return { key, place: null, compatPlace: null };
  const [place] = await tx.db.select().from(places).where(eq(places.id, key.placeId));
  return { key, place: place ?? null, compatPlace: (await getCompatPlace(tx, key.placeId)) ?? null };
}

/** False when it was already revoked (a temp key is spent by the handshake that uses it). */
export async function revokeCompatApiKey(tx: Tx, prefix: string, at: string): Promise<boolean> {
  const { compatApiKeys } = tx.t;
  const updated = await tx.db
    .update(compatApiKeys)
    .set({ revokedAt: at })
    .where(and(eq(compatApiKeys.prefix, prefix), isNull(compatApiKeys.revokedAt)))
    .returning({ prefix: compatApiKeys.prefix });
  return updated.length === 1;
}

/** Active keys of a kind, for a place or (place undefined) any place. */
export async function listCompatApiKeys(tx: Tx, kind: CompatKeyKind, placeId?: string): Promise<CompatApiKey[]> {
  const { compatApiKeys } = tx.t;
  const conditions = [eq(compatApiKeys.kind, kind), isNull(compatApiKeys.revokedAt)];
  if (placeId !== undefined) conditions.push(eq(compatApiKeys.placeId, placeId));
  return tx.db.select().from(compatApiKeys).where(and(...conditions));
}

/** The prefixes among `prefixes` the compatible API already has keys for. */
export async function listCompatApiKeysByPrefix(tx: Tx, prefixes: readonly string[]): Promise<Set<string>> {
  if (prefixes.length === 0) return new Set();
  const { compatApiKeys } = tx.t;
  const rows = await tx.db.select({ prefix: compatApiKeys.prefix }).from(compatApiKeys).where(inList(tx, compatApiKeys.prefix, [...new Set(prefixes)]));
  return new Set(rows.map((row) => row.prefix));
}

/** Inserts or replaces a place's settings (the handshake fills the cashless ones later). */
export async function upsertCompatPlace(tx: Tx, row: NewCompatPlace): Promise<void> {
  const { compatPlaces } = tx.t;
  const { placeId: _placeId, ...changes } = row;
  await tx.db.insert(compatPlaces).values(row).onConflictDoUpdate({ target: compatPlaces.placeId, set: changes });
}

export async function getCompatPlace(tx: Tx, placeId: string): Promise<CompatPlace | undefined> {
  const { compatPlaces } = tx.t;
  if (tx.sqlite) return selectRows(tx.sqlite, compatPlaces, 'where "place_id" = ?', [placeId])[0];
  const [row] = await tx.db.select().from(compatPlaces).where(eq(compatPlaces.placeId, placeId));
  return row;
}

/** Stores a wallet's RSA public key; false (and nothing changed) when the wallet already has one. */
export async function insertWalletKey(tx: Tx, walletId: string, publicPem: string, at: string): Promise<boolean> {
  const { compatWalletKeys } = tx.t;
  const inserted = await tx.db
    .insert(compatWalletKeys)
    .values({ walletId, publicPem, createdAt: at })
    .onConflictDoNothing()
    .returning({ walletId: compatWalletKeys.walletId });
  return inserted.length === 1;
}

export async function getWalletKey(tx: Tx, walletId: string): Promise<string | undefined> {
  const { compatWalletKeys } = tx.t;
  const [row] = await tx.db.select({ pem: compatWalletKeys.publicPem }).from(compatWalletKeys).where(eq(compatWalletKeys.walletId, walletId));
  return row?.pem;
}

/** Token uuids; a (wallet, asset) pair or a uuid already known keeps its first uuid. */
export async function insertCompatTokens(tx: Tx, rows: readonly CompatToken[]): Promise<void> {
  for (const chunk of chunks(rows, 3)) await tx.db.insert(tx.t.compatTokens).values(chunk).onConflictDoNothing();
}

export async function getCompatTokens(tx: Tx, walletIds: readonly string[]): Promise<CompatToken[]> {
  if (walletIds.length === 0) return [];
  const { compatTokens } = tx.t;
  if (tx.sqlite) return selectRows(tx.sqlite, compatTokens, 'where "wallet_id" IN (SELECT value FROM json_each(?))', [jsonList(walletIds)]);
  return tx.db.select().from(compatTokens).where(inList(tx, compatTokens.walletId, walletIds));
}

const INSERT_COMPAT_TRANSACTION = 'INSERT INTO compat_transactions (transfer_id, hash, metadata, comment, subscription_start, created_at) VALUES (?, ?, ?, ?, ?, ?)';

export async function insertCompatTransactions(tx: Tx, rows: readonly NewCompatTransaction[]): Promise<void> {
  if (tx.sqlite) {
    const statement = prepared(tx.sqlite, INSERT_COMPAT_TRANSACTION);
    for (const row of rows) statement.run(row.transferId, row.hash, row.metadata ?? null, row.comment ?? null, row.subscriptionStart ?? null, row.createdAt);
    return;
  }
  for (const chunk of chunks(rows, 6)) await tx.db.insert(tx.t.compatTransactions).values(chunk);
}

export async function getCompatTransactions(tx: Tx, transferIds: readonly string[]): Promise<Map<string, CompatTransaction>> {
  if (transferIds.length === 0) return new Map();
  const { compatTransactions } = tx.t;
  const rows = tx.sqlite
    ? selectRows(tx.sqlite, compatTransactions, 'where "transfer_id" IN (SELECT value FROM json_each(?))', [jsonList(transferIds)])
    : await tx.db.select().from(compatTransactions).where(inList(tx, compatTransactions.transferId, transferIds));
  return new Map(rows.map((row) => [row.transferId, row]));
}

export async function getCompatTransactionByHash(tx: Tx, hash: string): Promise<CompatTransaction | undefined> {
  const { compatTransactions } = tx.t;
  const [row] = await tx.db.select().from(compatTransactions).where(eq(compatTransactions.hash, hash));
  return row;
}

/** Records de-duplication keys; false (nothing written) when one of them was already used. */
export async function claimCompatDedupKeys(tx: Tx, keys: readonly string[], transferId: string): Promise<boolean> {
  if (keys.length === 0) return true;
  const { compatDedupKeys } = tx.t;
  const used = await tx.db.select({ key: compatDedupKeys.key }).from(compatDedupKeys).where(inList(tx, compatDedupKeys.key, keys));
  if (used.length > 0) return false;
  await tx.db.insert(compatDedupKeys).values(keys.map((key) => ({ key, transferId })));
  return true;
}

export async function isCompatDedupKeyUsed(tx: Tx, keys: readonly string[]): Promise<boolean> {
  if (keys.length === 0) return false;
  const { compatDedupKeys } = tx.t;
  const used = await tx.db.select({ key: compatDedupKeys.key }).from(compatDedupKeys).where(inList(tx, compatDedupKeys.key, keys));
  return used.length > 0;
}

/** The original's uuids that stand for these ids of ours, or that these ids are (both ways: the table is a handful of rows). */
export async function getCompatAliases(tx: Tx, ids: readonly string[]): Promise<CompatAlias[]> {
  if (ids.length === 0) return [];
  const { compatAliases } = tx.t;
  if (tx.sqlite) return selectRows(tx.sqlite, compatAliases, 'where ("alias" IN (SELECT value FROM json_each(?)) or "target_id" IN (SELECT value FROM json_each(?)))', [jsonList(ids), jsonList(ids)]);
  return tx.db.select().from(compatAliases).where(or(inList(tx, compatAliases.alias, ids), inList(tx, compatAliases.targetId, ids)));
}

export async function listCompatAliases(tx: Tx): Promise<CompatAlias[]> {
  if (tx.sqlite) return selectRows(tx.sqlite, tx.t.compatAliases, 'order by "alias" asc', []);
  return tx.db.select().from(tx.t.compatAliases).orderBy(asc(tx.t.compatAliases.alias));
}

/** Written by the import; an alias already there is kept as it is. */
export async function insertCompatAliases(tx: Tx, rows: readonly CompatAlias[]): Promise<void> {
  if (rows.length > 0) await tx.db.insert(tx.t.compatAliases).values([...rows]).onConflictDoNothing();
}

/** The transfer a dedup key was claimed by (the answer a repeated report gets again). */
export async function getCompatDedupTransfer(tx: Tx, key: string): Promise<string | undefined> {
  const { compatDedupKeys } = tx.t;
  const [row] = await tx.db.select({ transferId: compatDedupKeys.transferId }).from(compatDedupKeys).where(eq(compatDedupKeys.key, key));
  return row?.transferId;
}

/** Card batches (the original's Origins) by id. */
export async function getCardBatches(tx: Tx, ids: readonly string[]): Promise<Map<string, CardBatch>> {
  if (ids.length === 0) return new Map();
  const { cardBatches } = tx.t;
  const rows = tx.sqlite
    ? selectRows(tx.sqlite, cardBatches, 'where "id" IN (SELECT value FROM json_each(?))', [jsonList(ids)])
    : await tx.db.select().from(cardBatches).where(inList(tx, cardBatches.id, ids));
  return new Map(rows.map((row) => [row.id, row]));
}

export async function getTransfersById(tx: Tx, ids: readonly string[]): Promise<Transfer[]> {
  if (ids.length === 0) return [];
  const { transfers } = tx.t;
  if (tx.sqlite) return selectRows(tx.sqlite, transfers, 'where "id" IN (SELECT value FROM json_each(?)) order by "seq" asc', [jsonList(ids)]);
  return tx.db.select().from(transfers).where(inList(tx, transfers.id, ids)).orderBy(asc(transfers.seq));
}

/** An asset's transfers between two times (inclusive), except creations, oldest first; `wallet` keeps those it sent or received. */
export async function listAssetTransfers(tx: Tx, assetId: string, range: { from: string; to: string; wallet?: string; limit: number }): Promise<Transfer[]> {
  const { transfers } = tx.t;
  const conditions = [eq(transfers.assetId, assetId), gte(transfers.at, range.from), lte(transfers.at, range.to), ne(transfers.action, 'CRE')];
  if (range.wallet !== undefined) conditions.push(or(eq(transfers.senderWalletId, range.wallet), eq(transfers.receiverWalletId, range.wallet))!);
  return tx.db.select().from(transfers).where(and(...conditions)).orderBy(asc(transfers.seq)).limit(range.limit);
}

/** An asset's transfers of one action, newest first (bank deposits). */
export async function listAssetTransfersByAction(tx: Tx, assetId: string, action: Transfer['action'], limit: number): Promise<Transfer[]> {
  const { transfers } = tx.t;
  return tx.db.select().from(transfers).where(and(eq(transfers.assetId, assetId), eq(transfers.action, action))).orderBy(desc(transfers.seq)).limit(limit);
}

/** The user whose wallet this is. */
export async function getUserByWallet(tx: Tx, walletId: string): Promise<User | undefined> {
  const { users } = tx.t;
  if (tx.sqlite) return selectRows(tx.sqlite, users, 'where "wallet_id" = ?', [walletId])[0];
  const [row] = await tx.db.select().from(users).where(eq(users.walletId, walletId));
  return row;
}
