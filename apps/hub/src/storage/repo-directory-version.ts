/** The directory's version token (migration 0015): the database's triggers replace it at every directory write. */
import { eq } from 'drizzle-orm';
import { selectValues } from './fast-select';
import type { Tx } from './types';

/** The current token, or null if the row is missing (then nothing may be cached under it). */
export async function directoryToken(tx: Tx): Promise<string | null> {
  const { directoryVersion } = tx.t;
  if (tx.sqlite) return (selectValues(tx.sqlite, 'select "token" from "directory_version" where "id" = 1', [])[0]?.[0] as string | undefined) ?? null;
  const [row] = await tx.db.select({ token: directoryVersion.token }).from(directoryVersion).where(eq(directoryVersion.id, 1));
  return row?.token ?? null;
}
