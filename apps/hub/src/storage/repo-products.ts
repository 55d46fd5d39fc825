/** Products: what a place's tills sell, in the order the cashier sees them. */
import { and, asc, eq } from 'drizzle-orm';
import { chunks } from './batch';
import type { NewProduct, Product } from './rows';
import type { Tx } from './types';

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

export async function getProduct(tx: Tx, id: string): Promise<Product | undefined> {
  const { products } = tx.t;
  const [row] = await tx.db.select().from(products).where(eq(products.id, id));
  return row;
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
