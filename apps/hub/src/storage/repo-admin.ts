/**
 * What the admin API and the CLI need beyond the other repository files: lookups by
 * name and by any card identifier, federation membership removal and listing, card
 * batches by (place, generation).
 */
import { and, asc, eq, or } from 'drizzle-orm';
import type { Asset, Card, CardBatch, Federation, Place, Product } from './rows';
import type { Tx } from './types';

export async function getPlaceByName(tx: Tx, name: string): Promise<Place | undefined> {
  const { places } = tx.t;
  const [row] = await tx.db.select().from(places).where(eq(places.name, name));
  return row;
}

export async function getAsset(tx: Tx, id: string): Promise<Asset | undefined> {
  const { assets } = tx.t;
  const [row] = await tx.db.select().from(assets).where(eq(assets.id, id));
  return row;
}

export async function getAssetByOriginAndName(tx: Tx, originWalletId: string, name: string): Promise<Asset | undefined> {
  const { assets } = tx.t;
  const [row] = await tx.db.select().from(assets).where(and(eq(assets.originWalletId, originWalletId), eq(assets.name, name)));
  return row;
}

export async function getFederation(tx: Tx, id: string): Promise<Federation | undefined> {
  const { federations } = tx.t;
  const [row] = await tx.db.select().from(federations).where(eq(federations.id, id));
  return row;
}

export async function getFederationByName(tx: Tx, name: string): Promise<Federation | undefined> {
  const { federations } = tx.t;
  const [row] = await tx.db.select().from(federations).where(eq(federations.name, name));
  return row;
}

export interface FederationWithMembers extends Federation {
  places: string[];
  assets: string[];
}

/** Every federation by name, with the ids of its places and assets (sorted). */
export async function listFederations(tx: Tx): Promise<FederationWithMembers[]> {
  const { federations, federationPlaces, federationAssets } = tx.t;
  const rows = await tx.db.select().from(federations).orderBy(asc(federations.name));
  const places = await tx.db.select().from(federationPlaces).orderBy(asc(federationPlaces.placeId));
  const assets = await tx.db.select().from(federationAssets).orderBy(asc(federationAssets.assetId));
  return rows.map((federation) => ({
    ...federation,
    places: places.filter((row) => row.federationId === federation.id).map((row) => row.placeId),
    assets: assets.filter((row) => row.federationId === federation.id).map((row) => row.assetId),
  }));
}

/** Returns false when the place was not a member. */
export async function removeFederationPlace(tx: Tx, federationId: string, placeId: string): Promise<boolean> {
  const { federationPlaces } = tx.t;
  const deleted = await tx.db
    .delete(federationPlaces)
    .where(and(eq(federationPlaces.federationId, federationId), eq(federationPlaces.placeId, placeId)))
    .returning({ placeId: federationPlaces.placeId });
  return deleted.length === 1;
}

/** Returns false when the asset was not a member. */
export async function removeFederationAsset(tx: Tx, federationId: string, assetId: string): Promise<boolean> {
  const { federationAssets } = tx.t;
  const deleted = await tx.db
    .delete(federationAssets)
    .where(and(eq(federationAssets.federationId, federationId), eq(federationAssets.assetId, assetId)))
    .returning({ assetId: federationAssets.assetId });
  return deleted.length === 1;
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

/**
 * A card by any of its identifiers: full UID, first tag id (both uppercase hex),
 * printed number or QR code UUID. The caller normalises the case of each.
 */
export async function findCard(
  tx: Tx,
  keys: { uid?: string; firstTagId?: string; numberPrinted?: string; qrcode?: string },
): Promise<Card | undefined> {
  const { cards } = tx.t;
  const conditions = [
    keys.uid === undefined ? undefined : eq(cards.uid, keys.uid),
    keys.firstTagId === undefined ? undefined : eq(cards.firstTagId, keys.firstTagId),
    keys.numberPrinted === undefined ? undefined : eq(cards.numberPrinted, keys.numberPrinted),
    keys.qrcode === undefined ? undefined : eq(cards.qrcode, keys.qrcode),
  ].filter((condition) => condition !== undefined);
  if (conditions.length === 0) return undefined;
  // An identifier could match two cards (a printed number equal to another card's
  // tag): the order prefers the UID, then the tag, as a till would read it.
  const rows = await tx.db.select().from(cards).where(or(...conditions)).limit(4);
  const rank = (card: Card) =>
    card.uid !== null && card.uid === keys.uid ? 0 : card.firstTagId === keys.firstTagId ? 1 : card.numberPrinted === keys.numberPrinted ? 2 : 3;
  return rows.sort((a, b) => rank(a) - rank(b))[0];
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

export async function getProduct(tx: Tx, id: string): Promise<Product | undefined> {
  const { products } = tx.t;
  const [row] = await tx.db.select().from(products).where(eq(products.id, id));
  return row;
}
