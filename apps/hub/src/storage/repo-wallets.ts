/** Wallets: the rows money is held in, and what to call each one in a history. */
import { eq } from 'drizzle-orm';
import { chunks, inList } from './batch';
import { jsonList, selectRows } from './fast-select';
import type { NewWallet, Wallet } from './rows';
import type { Tx } from './types';

export async function insertWallets(tx: Tx, rows: readonly NewWallet[]): Promise<void> {
  for (const chunk of chunks(rows, 4)) await tx.db.insert(tx.t.wallets).values(chunk);
}

export async function getWallets(tx: Tx, ids: readonly string[]): Promise<Map<string, Wallet>> {
  const { wallets } = tx.t;
  const result = new Map<string, Wallet>();
  if (ids.length === 0) return result;
  if (tx.sqlite) {
    for (const row of selectRows(tx.sqlite, wallets, 'where "id" IN (SELECT value FROM json_each(?))', [jsonList([...new Set(ids)])])) result.set(row.id, row);
    return result;
  }
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
  if (tx.sqlite) return selectRows(tx.sqlite, wallets, `where "kind" = 'primary'`, [])[0];
  const [row] = await tx.db.select().from(wallets).where(eq(wallets.kind, 'primary'));
  return row;
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
