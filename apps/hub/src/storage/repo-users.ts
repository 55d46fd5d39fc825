/** Users: card holders and place administrators, known by their lower-cased e-mail. */
import { and, asc, eq, gt, sql } from 'drizzle-orm';
import { inList } from './batch';
import { jsonList, selectRows } from './fast-select';
import type { NewUser, User } from './rows';
import type { Tx } from './types';

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
  if (tx.sqlite) {
    for (const row of selectRows(tx.sqlite, users, 'where "id" IN (SELECT value FROM json_each(?))', [jsonList([...new Set(ids)])])) result.set(row.id, row);
    return result;
  }
  for (const row of await tx.db.select().from(users).where(inList(tx, users.id, [...new Set(ids)]))) result.set(row.id, row);
  return result;
}

/**
 * Users by e-mail, in e-mail order, after `afterEmail`; `search` keeps those whose
 * e-mail contains it. E-mails are stored lower-cased, so the search is lower-cased
 * too, and its `%` and `_` are matched literally.
 */
export async function listUsers(tx: Tx, page: { search?: string; afterEmail?: string; limit: number }): Promise<User[]> {
  const { users } = tx.t;
  const conditions = [];
  if (page.search !== undefined && page.search !== '') {
    const pattern = `%${page.search.toLowerCase().replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
    conditions.push(sql`${users.email} like ${pattern} escape '\\'`);
  }
  if (page.afterEmail !== undefined) conditions.push(gt(users.email, page.afterEmail));
  return tx.db
    .select()
    .from(users)
    .where(conditions.length === 0 ? undefined : and(...conditions))
    .orderBy(asc(users.email))
    .limit(page.limit);
}

/**
 * Removes a user created in the current transaction, and its wallet, before the
 * commit: a refused card link must not leave a user behind. Only for a user that
 * nothing references yet (no card, transfer or balance).
 */
export async function removeNewUser(tx: Tx, user: Pick<User, 'id' | 'walletId'>): Promise<void> {
  const { users, wallets } = tx.t;
  await tx.db.delete(users).where(eq(users.id, user.id));
  await tx.db.delete(wallets).where(eq(wallets.id, user.walletId));
}
