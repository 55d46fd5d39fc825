/** Wallets as their holders see them: users by e-mail, their cards, a wallet's history page by page. */
import { and, asc, desc, eq, gt, lt, or, sql } from 'drizzle-orm';
import { inList } from './batch';
import type { Card, Transfer, User } from './rows';
import type { Tx } from './types';

/** A page of a wallet's history: transfers that moved money in or out of it, newest first, before `beforeSeq`. */
export async function listWalletTransfers(tx: Tx, walletId: string, page: { beforeSeq?: number; limit: number }): Promise<Transfer[]> {
  const { transfers } = tx.t;
  const touches = or(eq(transfers.senderWalletId, walletId), eq(transfers.receiverWalletId, walletId));
  return tx.db
    .select()
    .from(transfers)
    .where(page.beforeSeq === undefined ? touches : and(touches, lt(transfers.seq, page.beforeSeq)))
    .orderBy(desc(transfers.seq))
    .limit(page.limit);
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

/** The cards linked to a user, lost ones included (a lost card's history stays the user's). */
export async function listCardsOfUser(tx: Tx, userId: string): Promise<Card[]> {
  const { cards } = tx.t;
  return tx.db.select().from(cards).where(eq(cards.userId, userId)).orderBy(asc(cards.firstTagId));
}

/** What to call each wallet in a history: a place's (or named wallet's) name, a user's e-mail, a card's tag. Unnamed wallets are absent. */
export async function walletLabels(tx: Tx, walletIds: readonly string[]): Promise<Map<string, string>> {
  const wanted = [...new Set(walletIds)];
  const labels = new Map<string, string>();
  if (wanted.length === 0) return labels;
  const { wallets, users, cards } = tx.t;
  for (const row of await tx.db.select({ id: wallets.id, name: wallets.name }).from(wallets).where(inList(tx, wallets.id, wanted))) {
    if (row.name) labels.set(row.id, row.name);
  }
  for (const row of await tx.db.select({ wallet: users.walletId, email: users.email }).from(users).where(inList(tx, users.walletId, wanted))) labels.set(row.wallet, row.email);
  for (const row of await tx.db.select({ wallet: cards.ephemeralWalletId, tag: cards.firstTagId }).from(cards).where(inList(tx, cards.ephemeralWalletId, wanted))) {
    if (row.wallet) labels.set(row.wallet, row.tag);
  }
  return labels;
}

/** First tag ids of cards, by card id. */
export async function cardTags(tx: Tx, cardIds: readonly string[]): Promise<Map<string, string>> {
  const wanted = [...new Set(cardIds)];
  if (wanted.length === 0) return new Map();
  const { cards } = tx.t;
  const rows = await tx.db.select({ id: cards.id, tag: cards.firstTagId }).from(cards).where(inList(tx, cards.id, wanted));
  return new Map(rows.map((row) => [row.id, row.tag]));
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
