/** Places: the venues that run tills, each with its own wallet and offline policy. */
import { asc, eq } from 'drizzle-orm';
import { selectRows } from './fast-select';
import type { NewPlace, Place } from './rows';
import type { Tx } from './types';

export async function insertPlace(tx: Tx, row: NewPlace): Promise<void> {
  await tx.db.insert(tx.t.places).values(row);
}

export async function getPlace(tx: Tx, id: string): Promise<Place | undefined> {
  const { places } = tx.t;
  if (tx.sqlite) return selectRows(tx.sqlite, places, 'where "id" = ?', [id])[0];
  const [row] = await tx.db.select().from(places).where(eq(places.id, id));
  return row;
}

export async function getPlaceByWallet(tx: Tx, walletId: string): Promise<Place | undefined> {
  const { places } = tx.t;
  const [row] = await tx.db.select().from(places).where(eq(places.walletId, walletId));
  return row;
}

export async function getPlaceByName(tx: Tx, name: string): Promise<Place | undefined> {
  const { places } = tx.t;
  const [row] = await tx.db.select().from(places).where(eq(places.name, name));
  return row;
}

export async function listPlaces(tx: Tx): Promise<Place[]> {
  const { places } = tx.t;
  if (tx.sqlite) return selectRows(tx.sqlite, places, 'order by "name" asc', []);
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
