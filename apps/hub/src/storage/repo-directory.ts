/**
 * The hub's identity and directory: wallets, places, users, assets, federations,
 * card batches, cards, products, operator tokens, verify runs.
 */
import { and, asc, desc, eq, isNull } from 'drizzle-orm';
import { chunks, inList } from './batch';
import type {
  Asset,
  Card,
  HubIdentity,
  NewAsset,
  NewCard,
  NewCardBatch,
  NewFederation,
  NewPlace,
  NewProduct,
  NewUser,
  NewVerifyRun,
  NewWallet,
  NewOperatorToken,
  OperatorToken,
  Place,
  Product,
  User,
  VerifyRun,
  Wallet,
} from './rows';
import type { Tx } from './types';

/** Writes the hub identity on first start; returns the stored one (the first writer's). */
export async function initHubIdentity(tx: Tx, identity: Omit<HubIdentity, 'id'>): Promise<HubIdentity> {
  const { hubIdentity } = tx.t;
  await tx.db.insert(hubIdentity).values({ id: 1, ...identity }).onConflictDoNothing();
  const stored = await getHubIdentity(tx);
  if (!stored) throw new Error('hub identity missing right after it was written');
  return stored;
}

export async function getHubIdentity(tx: Tx): Promise<HubIdentity | undefined> {
  const [row] = await tx.db.select().from(tx.t.hubIdentity);
  return row;
}

export async function insertWallets(tx: Tx, rows: readonly NewWallet[]): Promise<void> {
  for (const chunk of chunks(rows, 4)) await tx.db.insert(tx.t.wallets).values(chunk);
}

export async function getWallets(tx: Tx, ids: readonly string[]): Promise<Map<string, Wallet>> {
  const { wallets } = tx.t;
  const result = new Map<string, Wallet>();
  if (ids.length === 0) return result;
  for (const row of await tx.db.select().from(wallets).where(inList(tx, wallets.id, [...new Set(ids)]))) result.set(row.id, row);
  return result;
}

export async function getWalletByPublicKey(tx: Tx, publicKey: string): Promise<Wallet | undefined> {
  const { wallets } = tx.t;
  const [row] = await tx.db.select().from(wallets).where(eq(wallets.publicKey, publicKey));
  return row;
}

export async function setWalletPublicKey(tx: Tx, id: string, publicKey: string): Promise<void> {
  const { wallets } = tx.t;
  await tx.db.update(wallets).set({ publicKey }).where(eq(wallets.id, id));
}

export async function getPrimaryWallet(tx: Tx): Promise<Wallet | undefined> {
  const { wallets } = tx.t;
  const [row] = await tx.db.select().from(wallets).where(eq(wallets.kind, 'primary'));
  return row;
}

export async function insertPlace(tx: Tx, row: NewPlace): Promise<void> {
  await tx.db.insert(tx.t.places).values(row);
}

export async function getPlace(tx: Tx, id: string): Promise<Place | undefined> {
  const { places } = tx.t;
  const [row] = await tx.db.select().from(places).where(eq(places.id, id));
  return row;
}

export async function getPlaceByWallet(tx: Tx, walletId: string): Promise<Place | undefined> {
  const { places } = tx.t;
  const [row] = await tx.db.select().from(places).where(eq(places.walletId, walletId));
  return row;
}

export async function listPlaces(tx: Tx): Promise<Place[]> {
  const { places } = tx.t;
  return tx.db.select().from(places).orderBy(asc(places.name));
}

export async function updatePlace(
  tx: Tx,
  id: string,
  patch: Partial<Pick<Place, 'name' | 'description' | 'enrollUnknownCards' | 'offlinePolicy'>>,
): Promise<boolean> {
  const { places } = tx.t;
  const updated = await tx.db.update(places).set(patch).where(eq(places.id, id)).returning({ id: places.id });
  return updated.length === 1;
}

/** The e-mail must already be lower-cased (a CHECK refuses it otherwise). */
export async function insertUser(tx: Tx, row: NewUser): Promise<void> {
  await tx.db.insert(tx.t.users).values(row);
}

export async function getUserByEmail(tx: Tx, email: string): Promise<User | undefined> {
  const { users } = tx.t;
  const [row] = await tx.db.select().from(users).where(eq(users.email, email.toLowerCase()));
  return row;
}

export async function getUsers(tx: Tx, ids: readonly string[]): Promise<Map<string, User>> {
  const { users } = tx.t;
  const result = new Map<string, User>();
  if (ids.length === 0) return result;
  for (const row of await tx.db.select().from(users).where(inList(tx, users.id, [...new Set(ids)]))) result.set(row.id, row);
  return result;
}

export async function insertAsset(tx: Tx, row: NewAsset): Promise<void> {
  await tx.db.insert(tx.t.assets).values(row);
}

export async function getAssets(tx: Tx, ids: readonly string[]): Promise<Map<string, Asset>> {
  const { assets } = tx.t;
  const result = new Map<string, Asset>();
  if (ids.length === 0) return result;
  for (const row of await tx.db.select().from(assets).where(inList(tx, assets.id, [...new Set(ids)]))) result.set(row.id, row);
  return result;
}

export async function listAssets(tx: Tx): Promise<Asset[]> {
  const { assets } = tx.t;
  return tx.db.select().from(assets).orderBy(asc(assets.createdAt), asc(assets.id));
}

export async function setAssetArchived(tx: Tx, id: string, archived: boolean): Promise<boolean> {
  const { assets } = tx.t;
  const updated = await tx.db.update(assets).set({ archived }).where(eq(assets.id, id)).returning({ id: assets.id });
  return updated.length === 1;
}

export async function insertFederation(tx: Tx, row: NewFederation): Promise<void> {
  await tx.db.insert(tx.t.federations).values(row);
}

/** Adds places to a federation (already members are left as they are). */
export async function addFederationPlaces(tx: Tx, federationId: string, placeIds: readonly string[]): Promise<void> {
  const rows = [...new Set(placeIds)].map((placeId) => ({ federationId, placeId }));
  for (const chunk of chunks(rows, 2)) await tx.db.insert(tx.t.federationPlaces).values(chunk).onConflictDoNothing();
}

export async function addFederationAssets(tx: Tx, federationId: string, assetIds: readonly string[]): Promise<void> {
  const rows = [...new Set(assetIds)].map((assetId) => ({ federationId, assetId }));
  for (const chunk of chunks(rows, 2)) await tx.db.insert(tx.t.federationAssets).values(chunk).onConflictDoNothing();
}

/** Ids of the assets shared with a place through its federations (LEDGER.md "accepts"). */
export async function federatedAssetIdsOfPlace(tx: Tx, placeId: string): Promise<Set<string>> {
  const { federationPlaces, federationAssets } = tx.t;
  const rows = await tx.db
    .selectDistinct({ assetId: federationAssets.assetId })
    .from(federationPlaces)
    .innerJoin(federationAssets, eq(federationAssets.federationId, federationPlaces.federationId))
    .where(eq(federationPlaces.placeId, placeId));
  return new Set(rows.map((row) => row.assetId));
}

export async function insertCardBatch(tx: Tx, row: NewCardBatch): Promise<void> {
  await tx.db.insert(tx.t.cardBatches).values(row);
}

const CARD_COLUMNS = 9;

/**
 * Imports cards, skipping any that clash with a stored card (same id, tag, UID, QR
 * code or printed number). Returns the ids inserted and the rows skipped.
 */
export async function insertCards(tx: Tx, rows: readonly NewCard[]): Promise<{ inserted: string[]; skipped: NewCard[] }> {
  const { cards } = tx.t;
  const insertedIds = new Set<string>();
  for (const chunk of chunks(rows, CARD_COLUMNS)) {
    for (const row of await tx.db.insert(cards).values(chunk).onConflictDoNothing().returning({ id: cards.id })) {
      insertedIds.add(row.id);
    }
  }
  return {
    inserted: rows.filter((row) => insertedIds.has(row.id)).map((row) => row.id),
    skipped: rows.filter((row) => !insertedIds.has(row.id)),
  };
}

/** Cards by first tag id (8 uppercase hex); the map has only the known ones. */
export async function loadCardsByTag(tx: Tx, firstTagIds: readonly string[]): Promise<Map<string, Card>> {
  const { cards } = tx.t;
  const result = new Map<string, Card>();
  if (firstTagIds.length === 0) return result;
  for (const row of await tx.db.select().from(cards).where(inList(tx, cards.firstTagId, [...new Set(firstTagIds)]))) result.set(row.firstTagId, row);
  return result;
}

export async function getCards(tx: Tx, ids: readonly string[]): Promise<Map<string, Card>> {
  const { cards } = tx.t;
  const result = new Map<string, Card>();
  if (ids.length === 0) return result;
  for (const row of await tx.db.select().from(cards).where(inList(tx, cards.id, [...new Set(ids)]))) result.set(row.id, row);
  return result;
}

export async function updateCard(
  tx: Tx,
  id: string,
  patch: Partial<Pick<Card, 'uid' | 'userId' | 'ephemeralWalletId' | 'lostAt'>>,
): Promise<boolean> {
  const { cards } = tx.t;
  const updated = await tx.db.update(cards).set(patch).where(eq(cards.id, id)).returning({ id: cards.id });
  return updated.length === 1;
}

/** Marks a card lost at `at`, unless it already was (the first time stays). */
export async function updateCardLost(tx: Tx, id: string, at: string): Promise<void> {
  const { cards } = tx.t;
  await tx.db.update(cards).set({ lostAt: at }).where(and(eq(cards.id, id), isNull(cards.lostAt)));
}

/** Makes cards primary (cashier) cards of a place. */
export async function addCardPrimaryPlaces(tx: Tx, placeId: string, cardIds: readonly string[]): Promise<void> {
  const rows = [...new Set(cardIds)].map((cardId) => ({ cardId, placeId }));
  for (const chunk of chunks(rows, 2)) await tx.db.insert(tx.t.cardPrimaryPlaces).values(chunk).onConflictDoNothing();
}

export async function removeCardPrimaryPlace(tx: Tx, placeId: string, cardId: string): Promise<void> {
  const { cardPrimaryPlaces } = tx.t;
  await tx.db
    .delete(cardPrimaryPlaces)
    .where(and(eq(cardPrimaryPlaces.placeId, placeId), eq(cardPrimaryPlaces.cardId, cardId)));
}

/** The places each card is a primary card for (cards that are none are absent). */
export async function loadPrimaryPlaces(tx: Tx, cardIds: readonly string[]): Promise<Map<string, string[]>> {
  const { cardPrimaryPlaces } = tx.t;
  const result = new Map<string, string[]>();
  if (cardIds.length === 0) return result;
  for (const row of await tx.db.select().from(cardPrimaryPlaces).where(inList(tx, cardPrimaryPlaces.cardId, [...new Set(cardIds)]))) {
    result.set(row.cardId, [...(result.get(row.cardId) ?? []), row.placeId]);
  }
  return result;
}

export async function listPrimaryCardsOfPlace(tx: Tx, placeId: string): Promise<Card[]> {
  const { cards, cardPrimaryPlaces } = tx.t;
  const rows = await tx.db
    .select({ card: cards })
    .from(cardPrimaryPlaces)
    .innerJoin(cards, eq(cards.id, cardPrimaryPlaces.cardId))
    .where(eq(cardPrimaryPlaces.placeId, placeId))
    .orderBy(asc(cards.firstTagId));
  return rows.map((row) => row.card);
}

export async function insertProducts(tx: Tx, rows: readonly NewProduct[]): Promise<void> {
  for (const chunk of chunks(rows, 8)) await tx.db.insert(tx.t.products).values(chunk);
}

export async function listProducts(tx: Tx, placeId: string, options: { archived?: boolean } = {}): Promise<Product[]> {
  const { products } = tx.t;
  const wherePlace = eq(products.placeId, placeId);
  return tx.db
    .select()
    .from(products)
    .where(options.archived === true ? wherePlace : and(wherePlace, eq(products.archived, false)))
    .orderBy(asc(products.position), asc(products.label));
}

export async function updateProduct(
  tx: Tx,
  id: string,
  patch: Partial<Omit<Product, 'id' | 'placeId'>>,
): Promise<boolean> {
  const { products } = tx.t;
  const updated = await tx.db.update(products).set(patch).where(eq(products.id, id)).returning({ id: products.id });
  return updated.length === 1;
}

export async function insertOperatorToken(tx: Tx, row: NewOperatorToken): Promise<void> {
  await tx.db.insert(tx.t.operatorTokens).values(row);
}

export async function getOperatorToken(tx: Tx, hash: string): Promise<OperatorToken | undefined> {
  const { operatorTokens } = tx.t;
  const [row] = await tx.db.select().from(operatorTokens).where(eq(operatorTokens.hash, hash));
  return row;
}

export async function deleteOperatorToken(tx: Tx, hash: string): Promise<boolean> {
  const { operatorTokens } = tx.t;
  const deleted = await tx.db.delete(operatorTokens).where(eq(operatorTokens.hash, hash)).returning();
  return deleted.length === 1;
}

export async function insertVerifyRun(tx: Tx, row: NewVerifyRun): Promise<void> {
  await tx.db.insert(tx.t.verifyRuns).values(row);
}

export async function finishVerifyRun(
  tx: Tx,
  id: string,
  result: Pick<VerifyRun, 'finishedAt' | 'ok' | 'firstDiscrepancy' | 'transfersChecked'>,
): Promise<void> {
  const { verifyRuns } = tx.t;
  await tx.db.update(verifyRuns).set(result).where(eq(verifyRuns.id, id));
}

export async function latestVerifyRun(tx: Tx): Promise<VerifyRun | undefined> {
  const { verifyRuns } = tx.t;
  const [row] = await tx.db.select().from(verifyRuns).orderBy(desc(verifyRuns.startedAt)).limit(1);
  return row;
}
