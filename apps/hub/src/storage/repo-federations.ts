/** Federations: groups of places that accept the assets the federation holds (LEDGER.md "accepts"). */
import { and, asc, eq } from 'drizzle-orm';
import { chunks } from './batch';
import { selectValues } from './fast-select';
import type { Federation, NewFederation } from './rows';
import type { Tx } from './types';

export async function insertFederation(tx: Tx, row: NewFederation): Promise<void> {
  await tx.db.insert(tx.t.federations).values(row);
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

/** Adds places to a federation (already members are left as they are). */
export async function addFederationPlaces(tx: Tx, federationId: string, placeIds: readonly string[]): Promise<void> {
  const rows = [...new Set(placeIds)].map((placeId) => ({ federationId, placeId }));
  for (const chunk of chunks(rows, 2)) await tx.db.insert(tx.t.federationPlaces).values(chunk).onConflictDoNothing();
}

export async function addFederationAssets(tx: Tx, federationId: string, assetIds: readonly string[]): Promise<void> {
  const rows = [...new Set(assetIds)].map((assetId) => ({ federationId, assetId }));
  for (const chunk of chunks(rows, 2)) await tx.db.insert(tx.t.federationAssets).values(chunk).onConflictDoNothing();
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

/** Ids of the assets shared with a place through its federations (LEDGER.md "accepts"). */
export async function federatedAssetIdsOfPlace(tx: Tx, placeId: string): Promise<Set<string>> {
  const { federationPlaces, federationAssets } = tx.t;
  if (tx.sqlite) {
    const text = 'select distinct fa."asset_id" from "federation_places" fp inner join "federation_assets" fa on fa."federation_id" = fp."federation_id" where fp."place_id" = ?';
    return new Set(selectValues(tx.sqlite, text, [placeId]).map((row) => row[0] as string));
  }
  const rows = await tx.db
    .selectDistinct({ assetId: federationAssets.assetId })
    .from(federationPlaces)
    .innerJoin(federationAssets, eq(federationAssets.federationId, federationPlaces.federationId))
    .where(eq(federationPlaces.placeId, placeId));
  return new Set(rows.map((row) => row.assetId));
}
