import { HISTORY_PAGE_MAX, USERS_PAGE_MAX } from '@fedow/protocol';
import { iso } from '../clock';
import type { HubContext } from '../context';
import { isUniqueViolation, notFound } from '../directory/common';
import * as repo from '../storage/repo';
import { currentMelts, shownBalances } from './melt-policies';
import type { Tx } from '../storage/types';

/** A user as the admin API and the CLI show it in lists. */
export interface UserSummary {
  id: string;
  email: string;
  wallet: string;
  createdAt: string;
}

/** One line of a wallet's history, in the terms a person reads it. */
export interface HistoryRow {
  seq: number;
  id: string;
  action: string;
  asset: string;
  amount: number;
  at: string;
  /** `in` when the money reached the wallet, `out` when it left it. */
  direction: 'in' | 'out';
  /** Who was on the other side: a place's name, a user's e-mail, a card's tag; null for the wallet itself or the primary wallet. */
  counterpart: string | null;
  /** The card the transfer was made with, by tag. */
  card: string | null;
}

/** A user with everything an operator asks about them (LEDGER.md: a user shows with wallets, cards, balances, memberships, history). */
export interface UserView {
  user: UserSummary;
  /** The user's wallet, then each card's ephemeral wallet (emptied by the link, kept for its history). */
  wallets: { id: string; kind: 'user' | 'ephemeral'; card: string | null; balances: Record<string, number> }[];
  cards: { id: string; firstTagId: string; uid: string | null; numberPrinted: string | null; qrcode: string | null; lostAt: string | null }[];
  /** The user wallet's balances, by asset, in minor units. */
  balances: Record<string, number>;
  memberships: { asset: string; start: string; validUntil: string; valid: boolean }[];
  history: { transfers: HistoryRow[]; nextBefore: number | null };
}

/** The wallet, then the users row, in the caller's transaction: a user never exists without its wallet. */
export async function userForEmail(context: Pick<HubContext, 'newId'>, tx: Tx, email: string, createdAt: string): Promise<{ user: repo.User; created: boolean }> {
  const existing = await repo.getUserByEmail(tx, email);
  if (existing) return { user: existing, created: false };
  const user = { id: context.newId(), email: email.toLowerCase(), walletId: context.newId(), createdAt };
  await repo.insertWallets(tx, [{ id: user.walletId, kind: 'user', name: null, publicKey: null }]);
  await repo.insertUser(tx, user);
  return { user, created: true };
}

/**
 * Runs a transaction that may create a user; when another one created the same
 * e-mail meanwhile (the unique key refuses the second insert), runs it once more:
 * the second time it finds that user. Two cash desks typing the same e-mail at once
 * end with one user, not a 500.
 */
export async function withUserRace<T>(context: HubContext, fn: (tx: Tx) => Promise<T>): Promise<T> {
  try {
    return await context.storage.transaction(fn);
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    return context.storage.transaction(fn);
  }
}

/** Finds the user with this e-mail (lower-cased), or creates it with its user wallet. */
export async function findOrCreateUser(context: HubContext, email: string): Promise<UserSummary & { created: boolean }> {
  const at = iso(context.clock.now());
  const { user, created } = await withUserRace(context, (tx) => userForEmail(context, tx, email.trim().toLowerCase(), at));
  return { ...summary(user), created };
}

export async function listUsers(context: HubContext, page: { search?: string; after?: string; limit?: number }): Promise<{ users: UserSummary[]; next: string | null }> {
  const limit = Math.min(page.limit ?? 50, USERS_PAGE_MAX);
  const rows = await repo.listUsers(context.storage.read, { search: page.search, afterEmail: page.after?.toLowerCase(), limit: limit + 1 });
  const users = rows.slice(0, limit).map(summary);
  return { users, next: rows.length > limit ? (users[users.length - 1]?.email ?? null) : null };
}

/** A user by e-mail, with wallets, cards, balances, memberships and a page of history (newest first, before `before`). */
export async function showUser(context: HubContext, email: string, page: { before?: number; limit?: number } = {}): Promise<UserView> {
  const tx = context.storage.read;
  const user = await repo.getUserByEmail(tx, email.trim().toLowerCase());
  if (!user) throw notFound('user', email);
  const cards = await repo.listCardsOfUser(tx, user.id);
  const walletIds = [user.walletId, ...cards.flatMap((card) => (card.ephemeralWalletId ? [card.ephemeralWalletId] : []))];
  const now = iso(context.clock.now());
  const melts = await currentMelts(tx);
  const rows = await repo.loadWalletBalances(tx, walletIds);
  // Shown melted, like every card holder's balance (DECISIONS.md, "Melting currency").
  const balances = new Map(walletIds.map((id) => [id, shownBalances(rows.filter((row) => row.walletId === id), melts, now).balances]));
  const memberships = await repo.loadMemberships(tx, [user.walletId]);
  const limit = Math.min(page.limit ?? 50, HISTORY_PAGE_MAX);
  const transfers = await repo.listWalletTransfers(tx, user.walletId, { beforeSeq: page.before, limit: limit + 1 });
  const shown = transfers.slice(0, limit);
  return {
    user: summary(user),
    wallets: [
      { id: user.walletId, kind: 'user', card: null, balances: balances.get(user.walletId) ?? {} },
      ...cards.flatMap((card) => (card.ephemeralWalletId ? [{ id: card.ephemeralWalletId, kind: 'ephemeral' as const, card: card.firstTagId, balances: balances.get(card.ephemeralWalletId) ?? {} }] : [])),
    ],
    cards: cards.map((card) => ({ id: card.id, firstTagId: card.firstTagId, uid: card.uid, numberPrinted: card.numberPrinted, qrcode: card.qrcode, lostAt: card.lostAt })),
    balances: balances.get(user.walletId) ?? {},
    memberships: memberships.map((row) => ({ asset: row.assetId, start: row.start, validUntil: row.validUntil, valid: row.validUntil > now })),
    history: { transfers: await historyRows(tx, user.walletId, shown), nextBefore: transfers.length > limit ? (shown[shown.length - 1]?.seq ?? null) : null },
  };
}

/** Transfers of a wallet with the other side named: places by name, users by e-mail, cards by tag. */
export async function historyRows(tx: Tx, wallet: string, transfers: readonly repo.Transfer[]): Promise<HistoryRow[]> {
  const others = transfers.map((transfer) => (transfer.senderWalletId === wallet ? transfer.receiverWalletId : transfer.senderWalletId));
  const names = await repo.walletLabels(tx, others);
  const cardTags = await repo.cardTags(tx, transfers.flatMap((transfer) => (transfer.cardId ? [transfer.cardId] : [])));
  return transfers.map((transfer, index) => {
    const out = transfer.senderWalletId === wallet && transfer.receiverWalletId !== wallet;
    const other = others[index]!;
    return {
      seq: transfer.seq,
      id: transfer.id,
      action: transfer.action,
      asset: transfer.assetId,
      amount: transfer.amount,
      at: transfer.at,
      direction: out ? 'out' : 'in',
      counterpart: other === wallet ? null : (names.get(other) ?? null),
      card: transfer.cardId ? (cardTags.get(transfer.cardId) ?? null) : null,
    };
  });
}

function summary(user: repo.User): UserSummary {
  return { id: user.id, email: user.email, wallet: user.walletId, createdAt: user.createdAt };
}
