import { balanceKey, type Asset, type Card, type Membership, type TransferDraft } from './entities';
import { draft, isRefusal, knownCard, requireAmount, requireAsset, requireWallet, walletForCard } from './rules-common';
import type { Decision, DecisionContext, Effect, LedgerState } from './state';
import { accept, balanceOf, cardBlock, debtsOf, findCard, placeAccepts, refuse } from './state';

/**
 * Ledger actions that do not come from a till's journal: the admin API, the CLI
 * and wallet owners' signed requests. Authentication happens before these run;
 * here only the ledger rules of LEDGER.md are checked.
 */

/** FST: exactly one per asset, written when it is created. */
export function decideFirst(state: LedgerState, asset: Asset, context: DecisionContext, request: string | null = null): Decision {
  if (state.firsts.has(asset.id)) return refuse('duplicate_first', asset.name);
  return accept([draft(context, { action: 'FST', sender: asset.origin, receiver: asset.origin, asset: asset.id, amount: 0, entry: request })]);
}

export interface TopUpRequest {
  asset: string;
  amount: number;
  /** The receiving wallet, or a card (by UID) whose wallet receives. */
  wallet?: string;
  card?: string;
  /** Required for FED: a bank or card payment reference, usable once. */
  paymentRef?: string;
  request: string;
}

/** CRE + REF in one decision (a top-up); FED needs a payment reference used once. */
export function decideTopUp(state: LedgerState, request: TopUpRequest, context: DecisionContext): Decision {
  const amountRefusal = requireAmount(request.amount, 1);
  if (amountRefusal) return amountRefusal;
  const asset = requireAsset(state, request.asset, ['FED', 'TLF', 'TNF', 'TIM', 'FID']);
  if (isRefusal(asset)) return asset;
  const effects = [];
  if (asset.category === 'FED') {
    if (!request.paymentRef) return refuse('payment_reference_required');
    if (state.paymentRefs.has(request.paymentRef)) return refuse('payment_reference_used', request.paymentRef);
  }
  let receiver: string;
  let cardId: string | null = null;
  if (request.card !== undefined) {
    const card = knownCard(state, request.card);
    if (isRefusal(card)) return card;
    const found = walletForCard(state, card, context);
    receiver = found.wallet;
    cardId = card.id;
    effects.push(...found.effects);
  } else {
    const wallet = requireWallet(state, request.wallet ?? '', ['user', 'ephemeral']);
    if (isRefusal(wallet)) return wallet;
    receiver = wallet.id;
  }
  const fields = { asset: asset.id, amount: request.amount, card: cardId, entry: request.request };
  const meta = request.paymentRef ? { paymentRef: request.paymentRef } : null;
  const creation = draft(context, { action: 'CRE', sender: asset.origin, receiver: asset.origin, meta, ...fields });
  const refill = draft(context, { action: 'REF', sender: asset.origin, receiver, meta, ...fields });
  if (request.paymentRef) effects.push({ type: 'payment-ref' as const, ref: request.paymentRef, transfer: creation.id });
  return accept([creation, refill], effects);
}

/** QRS: a wallet owner pays a place by signature; never debt. */
export function decideQrSale(
  state: LedgerState,
  request: { wallet: string; place: string; asset: string; amount: number; request: string },
  context: DecisionContext,
): Decision {
  const amountRefusal = requireAmount(request.amount, 1);
  if (amountRefusal) return amountRefusal;
  const place = state.places.get(request.place);
  if (!place) return refuse('unknown_wallet', request.place);
  const asset = requireAsset(state, request.asset, ['FED', 'TLF', 'TNF', 'TIM', 'FID']);
  if (isRefusal(asset)) return asset;
  if (!placeAccepts(state, place.id, asset)) return refuse('asset_not_accepted', `${place.name} does not accept ${asset.name}`);
  const wallet = requireWallet(state, request.wallet, ['user']);
  if (isRefusal(wallet)) return wallet;
  const balance = balanceOf(state, wallet.id, asset.id);
  if (balance < request.amount) return refuse('insufficient_funds', `${request.amount - balance} missing`);
  return accept([draft(context, { action: 'QRS', sender: wallet.id, receiver: place.wallet, asset: asset.id, amount: request.amount, entry: request.request })]);
}

/**
 * FUS: a card without user joins a user; every balance of its ephemeral wallet
 * moves (one transfer per asset) and so do its memberships. A card in debt is
 * refused: a negative balance cannot be moved, and the debt would be left behind.
 */
export function decideFusion(state: LedgerState, request: { card: string; user: string; request: string }, context: DecisionContext): Decision {
  const card = knownCard(state, request.card);
  if (isRefusal(card)) return card;
  if (card.user !== null) return refuse('card_has_user', request.card);
  const user = state.users.get(request.user);
  if (!user) return refuse('unknown_wallet', request.user);
  if (cardBlock(state, card) === 'debt') return refuse('card_blocked', 'a card in debt cannot be merged');
  return accept(fusionOf(state, card, user.wallet, request.request, context), [
    ...carriedMemberships(state, card.ephemeralWallet, user.wallet),
    { type: 'card-user', card: card.id, user: user.id },
  ]);
}

/** BNK: a place deposits money at the bank; it leaves the system. */
export function decideBankDeposit(state: LedgerState, request: { place: string; asset: string; amount: number; request: string }, context: DecisionContext): Decision {
  const amountRefusal = requireAmount(request.amount, 1);
  if (amountRefusal) return amountRefusal;
  const place = state.places.get(request.place);
  if (!place) return refuse('unknown_wallet', request.place);
  const asset = state.assets.get(request.asset);
  if (!asset) return refuse('unknown_asset', request.asset);
  const balance = balanceOf(state, place.wallet, asset.id);
  if (balance < request.amount) return refuse('insufficient_funds', `${request.amount - balance} missing`);
  return accept([draft(context, { action: 'BNK', sender: place.wallet, receiver: state.primaryWallet, asset: asset.id, amount: request.amount, entry: request.request })]);
}

/** COR: an operator's correction, with its reason: r += a, or s −= a when r is the primary wallet. */
export function decideCorrection(
  state: LedgerState,
  request: { sender: string; receiver: string; asset: string; amount: number; reason: string; request: string },
  context: DecisionContext,
): Decision {
  if (request.reason.trim() === '') return refuse('reason_required');
  const amountRefusal = requireAmount(request.amount, 1);
  if (amountRefusal) return amountRefusal;
  const asset = state.assets.get(request.asset);
  if (!asset) return refuse('unknown_asset', request.asset);
  for (const wallet of [request.sender, request.receiver]) {
    if (!state.wallets.has(wallet)) return refuse('unknown_wallet', wallet);
  }
  if (request.receiver === state.primaryWallet && balanceOf(state, request.sender, asset.id) < request.amount) {
    return refuse('insufficient_funds', 'a correction never creates debt');
  }
  return accept([
    draft(context, { action: 'COR', sender: request.sender, receiver: request.receiver, asset: asset.id, amount: request.amount, entry: request.request, meta: { reason: request.reason } }),
  ]);
}

/** TRF: user → user, authorised by the sender's signature; never debt. */
export function decideTransfer(
  state: LedgerState,
  request: { sender: string; receiver: string; asset: string; amount: number; request: string },
  context: DecisionContext,
): Decision {
  const amountRefusal = requireAmount(request.amount, 1);
  if (amountRefusal) return amountRefusal;
  const asset = requireAsset(state, request.asset, ['FED', 'TLF', 'TNF', 'TIM', 'FID']);
  if (isRefusal(asset)) return asset;
  const sender = requireWallet(state, request.sender, ['user']);
  if (isRefusal(sender)) return sender;
  const receiver = requireWallet(state, request.receiver, ['user']);
  if (isRefusal(receiver)) return receiver;
  const balance = balanceOf(state, sender.id, asset.id);
  if (balance < request.amount) return refuse('insufficient_funds', `${request.amount - balance} missing`);
  return accept([draft(context, { action: 'TRF', sender: sender.id, receiver: receiver.id, asset: asset.id, amount: request.amount, entry: request.request })]);
}

/** A card declared lost: blocked everywhere, no longer primary anywhere; its money stays in its wallet. */
export function decideLost(state: LedgerState, request: { card: string }, context: DecisionContext): Decision {
  const card = knownCard(state, request.card);
  if (isRefusal(card)) return card;
  return accept([], [{ type: 'card-lost', card: card.id, at: context.at }]);
}

/**
 * A lost card's money to its replacement (declaring the lost card lost if it is
 * not yet). A card with a user needs nothing moved: the new card joins the same
 * user, whose wallet holds the money (and any debt: it stays the user's, and
 * blocks the new card for sales as it blocked the old one). An anonymous card's
 * balances move (`FUS`, one transfer per asset, `meta.replaces` naming the lost
 * card) to the new card's wallet, with its memberships; an anonymous card in debt
 * is refused, as its negative balance cannot move: the debt is settled first.
 */
export function decideReplacement(state: LedgerState, request: { lost: string; replacement: string; request: string }, context: DecisionContext): Decision {
  const lost = findCard(state, request.lost);
  if (!lost) return refuse('unknown_card', request.lost);
  const replacement = knownCard(state, request.replacement);
  if (isRefusal(replacement)) return replacement;
  if (replacement.id === lost.id) return refuse('wrong_wallet_kind', 'a card cannot replace itself');
  const declared: Effect[] = lost.lostAt === null ? [{ type: 'card-lost', card: lost.id, at: context.at }] : [];
  if (lost.user !== null) return replaceUserCard(state, lost.user, replacement, declared, request, context);
  const from = lost.ephemeralWallet;
  if (from !== null && debtsOf(state, from).length > 0) return refuse('card_blocked', 'a card in debt cannot be replaced before its debt is settled');
  const balances = from === null ? [] : positiveBalances(state, from);
  const memberships = from === null ? [] : membershipsOf(state, from);
  if (balances.length === 0 && memberships.length === 0) return accept([], declared);
  const target = walletForCard(state, replacement, context);
  const transfers = balances.map(({ asset, value }) =>
    draft(context, { action: 'FUS', sender: from!, receiver: target.wallet, asset, amount: value, card: replacement.id, entry: request.request, meta: { replaces: lost.id } }),
  );
  return accept(transfers, [...declared, ...target.effects, ...carriedMemberships(state, from, target.wallet)]);
}

/** The replacement joins the lost card's user; its own ephemeral balances merge into the user's wallet. */
function replaceUserCard(state: LedgerState, userId: string, replacement: Card, declared: Effect[], request: { replacement: string; request: string }, context: DecisionContext): Decision {
  const user = state.users.get(userId);
  if (!user) return refuse('unknown_wallet', userId);
  if (replacement.user === userId) return accept([], declared);
  if (replacement.user !== null) return refuse('card_has_user', request.replacement);
  if (replacement.ephemeralWallet !== null && debtsOf(state, replacement.ephemeralWallet).length > 0) return refuse('card_blocked', 'a card in debt cannot be merged');
  return accept(fusionOf(state, replacement, user.wallet, request.request, context), [
    ...declared,
    ...carriedMemberships(state, replacement.ephemeralWallet, user.wallet),
    { type: 'card-user', card: replacement.id, user: userId },
  ]);
}

/**
 * FED paid back out of the system to a card holder (a Stripe refund or a SEPA
 * payout): `RFD` from the card's or user's wallet to the primary wallet, which
 * destroys it (DECISIONS.md). Never beyond the balance.
 */
export function decideFedPayout(state: LedgerState, request: { wallet: string; amount: number; card?: string | null; request: string; meta?: Record<string, unknown> }, context: DecisionContext): Decision {
  const amountRefusal = requireAmount(request.amount, 1);
  if (amountRefusal) return amountRefusal;
  const fed = [...state.assets.values()].find((asset) => asset.category === 'FED');
  if (!fed) return refuse('unknown_asset', 'FED');
  const wallet = requireWallet(state, request.wallet, ['user', 'ephemeral']);
  if (isRefusal(wallet)) return wallet;
  if (inDebt(state, wallet.id)) return refuse('card_blocked', 'a wallet in debt is paid nothing back before its debt is settled');
  const balance = balanceOf(state, wallet.id, fed.id);
  if (balance < request.amount) return refuse('insufficient_funds', `${request.amount - Math.max(balance, 0)} missing`);
  return accept([
    draft(context, { action: 'RFD', sender: wallet.id, receiver: state.primaryWallet, asset: fed.id, amount: request.amount, card: request.card ?? null, entry: request.request, meta: request.meta ?? null }),
  ]);
}

/** The FUS transfers that move every positive balance of a card's ephemeral wallet to `wallet`. */
function fusionOf(state: LedgerState, card: Card, wallet: string, request: string, context: DecisionContext): TransferDraft[] {
  if (card.ephemeralWallet === null) return [];
  const from = card.ephemeralWallet;
  return positiveBalances(state, from).map(({ asset, value }) => draft(context, { action: 'FUS', sender: from, receiver: wallet, asset, amount: value, card: card.id, entry: request }));
}

/** A wallet's positive balances, by asset id: the order of the FUS transfers does not depend on insertion order. */
function positiveBalances(state: LedgerState, wallet: string): { asset: string; value: number }[] {
  const balances: { asset: string; value: number }[] = [];
  for (const asset of sortedAssets(state)) {
    const value = balanceOf(state, wallet, asset.id);
    if (value > 0) balances.push({ asset: asset.id, value });
  }
  return balances;
}

function membershipsOf(state: LedgerState, wallet: string): Membership[] {
  return sortedAssets(state).flatMap((asset) => state.memberships.get(balanceKey(wallet, asset.id)) ?? []);
}

/**
 * A membership is a wallet's, not only a balance: merging a card keeps it valid.
 * The receiving wallet keeps its own when it lasts longer.
 */
function carriedMemberships(state: LedgerState, from: string | null, to: string): Effect[] {
  if (from === null) return [];
  return membershipsOf(state, from).flatMap((membership): Effect[] => {
    const held = state.memberships.get(balanceKey(to, membership.asset));
    if (held && held.validUntil >= membership.validUntil) return [];
    return [{ type: 'membership', membership: { ...membership, wallet: to } }];
  });
}

/** Any negative balance of the wallet among those loaded: the wallet owes money. */
function inDebt(state: LedgerState, wallet: string): boolean {
  for (const asset of state.assets.keys()) if (balanceOf(state, wallet, asset) < 0) return true;
  return false;
}

function sortedAssets(state: LedgerState): Asset[] {
  return [...state.assets.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
}
