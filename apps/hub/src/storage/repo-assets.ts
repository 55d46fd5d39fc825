/** Assets: the currencies, tokens, memberships and badges places issue. */
import { and, asc, eq } from 'drizzle-orm';
import { inList } from './batch';
import { jsonList, selectRows } from './fast-select';
import type { Asset, NewAsset } from './rows';
import type { Tx } from './types';

export async function insertAsset(tx: Tx, row: NewAsset): Promise<void> {
  await tx.db.insert(tx.t.assets).values(row);
}

export async function getAsset(tx: Tx, id: string): Promise<Asset | undefined> {
  const { assets } = tx.t;
  const [row] = await tx.db.select().from(assets).where(eq(assets.id, id));
  return row;
}

export async function getAssets(tx: Tx, ids: readonly string[]): Promise<Map<string, Asset>> {
  const { assets } = tx.t;
  const result = new Map<string, Asset>();
  if (ids.length === 0) return result;
  if (tx.sqlite) {
    for (const row of selectRows(tx.sqlite, assets, 'where "id" IN (SELECT value FROM json_each(?))', [jsonList([...new Set(ids)])])) result.set(row.id, row);
    return result;
  }
  for (const row of await tx.db.select().from(assets).where(inList(tx, assets.id, [...new Set(ids)]))) result.set(row.id, row);
  return result;
}

export async function getAssetByOriginAndName(tx: Tx, originWalletId: string, name: string): Promise<Asset | undefined> {
  const { assets } = tx.t;
  const [row] = await tx.db.select().from(assets).where(and(eq(assets.originWalletId, originWalletId), eq(assets.name, name)));
  return row;
}

export async function listAssets(tx: Tx): Promise<Asset[]> {
  const { assets } = tx.t;
  if (tx.sqlite) return selectRows(tx.sqlite, assets, 'order by "created_at" asc, "id" asc', []);
  return tx.db.select().from(assets).orderBy(asc(assets.createdAt), asc(assets.id));
}

export async function setAssetArchived(tx: Tx, id: string, archived: boolean): Promise<boolean> {
  const { assets } = tx.t;
  const updated = await tx.db.update(assets).set({ archived }).where(eq(assets.id, id)).returning({ id: assets.id });
  return updated.length === 1;
}
