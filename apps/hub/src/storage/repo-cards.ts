/**
 * Cards: factory batches, each card by any of its identifiers, the wallets behind
 * cards, and the cashier (primary) cards of each place.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { and, asc, eq, isNull, or } from 'drizzle-orm';
import { chunks, inList } from './batch';
import { jsonList, selectRows, selectRowsWith } from './fast-select';
import type { Card, CardBatch, NewCard, NewCardBatch } from './rows';
import type { Tx } from './types';

export async function insertCardBatch(tx: Tx, row: NewCardBatch): Promise<void> {
  await tx.db.insert(tx.t.cardBatches).values(row);
}

export async function getCardBatch(tx: Tx, placeId: string, generation: number): Promise<CardBatch | undefined> {
  const { cardBatches } = tx.t;
  const [row] = await tx.db
    .select()
    .from(cardBatches)
    .where(and(eq(cardBatches.placeId, placeId), eq(cardBatches.generation, generation)))
    .orderBy(asc(cardBatches.createdAt))
    .limit(1);
  return row;
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
  if (tx.sqlite) {
    for (const row of selectRows(tx.sqlite, cards, 'where "first_tag_id" IN (SELECT value FROM json_each(?))', [jsonList([...new Set(firstTagIds)])])) result.set(row.firstTagId, row);
    return result;
  }
  for (const row of await tx.db.select().from(cards).where(inList(tx, cards.firstTagId, [...new Set(firstTagIds)]))) result.set(row.firstTagId, row);
  return result;
}

export async function getCards(tx: Tx, ids: readonly string[]): Promise<Map<string, Card>> {
  const { cards } = tx.t;
  const result = new Map<string, Card>();
  if (ids.length === 0) return result;
  if (tx.sqlite) {
    for (const row of selectRows(tx.sqlite, cards, 'where "id" IN (SELECT value FROM json_each(?))', [jsonList([...new Set(ids)])])) result.set(row.id, row);
    return result;
  }
  for (const row of await tx.db.select().from(cards).where(inList(tx, cards.id, [...new Set(ids)]))) result.set(row.id, row);
  return result;
}

/**
 * A card by any of its identifiers: full UID, first tag id (both uppercase hex),
 * printed number or QR code UUID. The caller normalises the case of each.
 */
export async function findCard(
  tx: Tx,
  keys: { uid?: string; firstTagId?: string; numberPrinted?: string; qrcode?: string },
): Promise<Card | undefined> {
  const { cards } = tx.t;
  // An identifier could match two cards (a printed number equal to another card's
  // tag): the order prefers the UID, then the tag, as a till would read it.
  const rows = tx.sqlite ? findCardRows(tx.sqlite, cards, keys) : await findCardBuilt(tx, keys);
  const rank = (card: Card) =>
    card.uid !== null && card.uid === keys.uid ? 0 : card.firstTagId === keys.firstTagId ? 1 : card.numberPrinted === keys.numberPrinted ? 2 : 3;
  return rows.sort((a, b) => rank(a) - rank(b))[0];
}

async function findCardBuilt(tx: Tx, keys: { uid?: string; firstTagId?: string; numberPrinted?: string; qrcode?: string }): Promise<Card[]> {
  const { cards } = tx.t;
  const conditions = [
    keys.uid === undefined ? undefined : eq(cards.uid, keys.uid),
    keys.firstTagId === undefined ? undefined : eq(cards.firstTagId, keys.firstTagId),
    keys.numberPrinted === undefined ? undefined : eq(cards.numberPrinted, keys.numberPrinted),
    keys.qrcode === undefined ? undefined : eq(cards.qrcode, keys.qrcode),
  ].filter((condition) => condition !== undefined);
  if (conditions.length === 0) return [];
  return tx.db.select().from(cards).where(or(...conditions)).limit(4);
}

/** findCard's statement on SQLite: one fixed text per combination of the identifiers given. */
function findCardRows(sqlite: BetterSqlite3.Database, cards: Tx['t']['cards'], keys: { uid?: string; firstTagId?: string; numberPrinted?: string; qrcode?: string }): Card[] {
  const named = (
    [
      ['uid', keys.uid],
      ['first_tag_id', keys.firstTagId],
      ['number_printed', keys.numberPrinted],
      ['qrcode', keys.qrcode],
    ] as const
  ).filter(([, value]) => value !== undefined);
  if (named.length === 0) return [];
  const where = named.map(([column]) => `"${column}" = ?`).join(' or ');
  // A literal limit: bound as a parameter, it cost this lookup twice its time.
  return selectRows(sqlite, cards, `where ${named.length > 1 ? `(${where})` : where} limit 4`, named.map(([, value]) => value));
}

/** The cards linked to a user, lost ones included (a lost card's history stays the user's). */
export async function listCardsOfUser(tx: Tx, userId: string): Promise<Card[]> {
  const { cards } = tx.t;
  return tx.db.select().from(cards).where(eq(cards.userId, userId)).orderBy(asc(cards.firstTagId));
}

/** First tag ids of cards, by card id. */
export async function cardTags(tx: Tx, cardIds: readonly string[]): Promise<Map<string, string>> {
  const wanted = [...new Set(cardIds)];
  if (wanted.length === 0) return new Map();
  const { cards } = tx.t;
  const rows = await tx.db.select({ id: cards.id, tag: cards.firstTagId }).from(cards).where(inList(tx, cards.id, wanted));
  return new Map(rows.map((row) => [row.id, row.tag]));
}

/** The cards behind wallets: ephemeral wallets directly, user wallets through their user. */
export async function cardsOfWallets(tx: Tx, walletIds: readonly string[]): Promise<Map<string, Card[]>> {
  const { cards, users } = tx.t;
  const result = new Map<string, Card[]>();
  const add = (wallet: string, card: Card) => result.set(wallet, [...(result.get(wallet) ?? []), card]);
  const wanted = new Set(walletIds);
  if (wanted.size === 0) return result;
  const rows = tx.sqlite
    ? selectRowsWith(tx.sqlite, cards, '"users"."wallet_id"', 'left join "users" on "users"."id" = "cards"."user_id" where ("cards"."ephemeral_wallet_id" IN (SELECT value FROM json_each(?)) or "users"."wallet_id" IN (SELECT value FROM json_each(?)))', [
        jsonList([...wanted]),
        jsonList([...wanted]),
      ]).map(({ row, extra }) => ({ card: row, userWallet: extra[0] as string | null }))
    : await tx.db
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

/** Makes a card primary nowhere (a lost card). Returns the places it was primary for. */
export async function removeCardPrimaryPlaces(tx: Tx, cardId: string): Promise<string[]> {
  const { cardPrimaryPlaces } = tx.t;
  const deleted = await tx.db
    .delete(cardPrimaryPlaces)
    .where(eq(cardPrimaryPlaces.cardId, cardId))
    .returning({ placeId: cardPrimaryPlaces.placeId });
  return deleted.map((row) => row.placeId);
}

/** The places each card is a primary card for (cards that are none are absent). */
export async function loadPrimaryPlaces(tx: Tx, cardIds: readonly string[]): Promise<Map<string, string[]>> {
  const { cardPrimaryPlaces } = tx.t;
  const result = new Map<string, string[]>();
  if (cardIds.length === 0) return result;
  const rows = tx.sqlite
    ? selectRows(tx.sqlite, cardPrimaryPlaces, 'where "card_id" IN (SELECT value FROM json_each(?))', [jsonList([...new Set(cardIds)])])
    : await tx.db.select().from(cardPrimaryPlaces).where(inList(tx, cardPrimaryPlaces.cardId, [...new Set(cardIds)]));
  for (const row of rows) {
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
