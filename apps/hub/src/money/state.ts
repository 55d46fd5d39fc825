import { balanceKey } from '@fedow/ledger';
import type { LedgerState } from '@fedow/ledger';
import { loadBalanceRows, loadWorkingSet } from '../ingest/working-set';
import * as repo from '../storage/repo';
import type { Tx } from '../storage/types';

/** What a request's decision reads, beyond the directory (places, assets). */
export interface StateNeeds {
  /** The place whose federations decide what it accepts (QR payments, deposits). */
  place?: string;
  /** Cards, by UID or first tag id. */
  cards?: readonly string[];
  /** Wallets whose balances the rules read (a user's, a place's, the primary one). */
  wallets?: readonly string[];
  /** Users, by id: their wallets come with them. */
  users?: readonly string[];
  /** FED payment references: the rules refuse one already used. */
  paymentRefs?: readonly string[];
  /** Assets whose FST is asked for: they count as first-less until one is stored. */
  firsts?: readonly string[];
}

/**
 * The part of the ledger a request needs, read inside its transaction, in the
 * shape the ledger's rules take: the same loader as a till's push, plus the
 * wallets, users and payment references a request may name.
 */
export async function loadRequestState(tx: Tx, needs: StateNeeds): Promise<LedgerState> {
  const state = await loadWorkingSet(tx, needs.place ?? '', needs.cards ?? []);
  const users = await repo.getUsers(tx, needs.users ?? []);
  for (const user of users.values()) state.users.set(user.id, { id: user.id, email: user.email, wallet: user.walletId });
  const walletIds = [...(needs.wallets ?? []), ...[...users.values()].map((user) => user.walletId)];
  for (const wallet of (await repo.getWallets(tx, walletIds)).values()) {
    state.wallets.set(wallet.id, { id: wallet.id, kind: wallet.kind, name: wallet.name, publicKey: wallet.publicKey });
  }
  loadBalanceRows(state, await repo.loadWalletBalances(tx, walletIds));
  for (const row of await repo.loadMemberships(tx, walletIds)) {
    state.memberships.set(balanceKey(row.walletId, row.assetId), { wallet: row.walletId, asset: row.assetId, start: row.start, validUntil: row.validUntil });
  }
  for (const ref of needs.paymentRefs ?? []) if (await repo.isPaymentRefUsed(tx, ref)) state.paymentRefs.add(ref);
  // The working set counts every stored asset as having its FST (they are created
  // together); the asset being created is asked about for real.
  for (const asset of needs.firsts ?? []) if (!(await repo.hasFirstTransfer(tx, asset))) state.firsts.delete(asset);
  return state;
}
