import type { EntryBody, EntryKind, OfflinePolicy } from '@fedow/protocol';
import { decideFusion, decideQrSale } from './rules-operator';
import { draft, isRefusal, knownCard, requireAccepted, requireAmount, requireAsset, requireWallet } from './rules-common';
import { decideEntry } from './rules-till';
import { addDays, laterOf } from './time';
import type { Decision, DecisionContext, Effect, LedgerState } from './state';
import { accept, balanceOf, refuse, shareFederation } from './state';

/**
 * The rules of requests from a Fedow-compatible client (LaBoutik, Lespass),
 * authenticated by the hub before they run. LaBoutik's card movements are a
 * till's (a cashier's primary card, a customer's card): they are decided by the
 * till's rules as an always-online till, so a sale through the API and a sale at
 * one of our tills obey the same rule and never create debt.
 */

/** An API request is decided online: no offline allowance ever applies to it. */
const POLICY_ONLINE_ONLY: OfflinePolicy = { maxOfflineSale: 0, maxOfflineCardSpend: 0, maxOfflineExposure: 0, maxOfflineMinutes: 0, offlineRefunds: false, unknownCardTopUp: false };

export interface ApiCardMovement {
  kind: Exclude<EntryKind, 'VID' | 'SHO' | 'SHC'>;
  place: string;
  asset: string;
  amount: number;
  /** The customer's card and the cashier's primary card, by first tag id. */
  card: string;
  primary: string;
  request: string;
}

/** SAL, REF (CRE + REF), SUB, BDG or RFD of one asset, as an online till of `place` would have it decided. */
export function decideApiCardMovement(state: LedgerState, movement: ApiCardMovement, context: DecisionContext): Decision {
  return decideEntry(state, apiEntry(movement.kind, movement, context), { ...context, place: movement.place, policy: POLICY_ONLINE_ONLY });
}

/**
 * The original's `/card/refund/`: one RFD per refundable balance of the card at
 * this place (LEDGER.md's VID); `detach` (action VID) also takes the card away
 * from its wallet, RFD alone leaves it.
 */
export function decideApiCardRefund(
  state: LedgerState,
  request: { place: string; card: string; primary: string; detach: boolean; request: string },
  context: DecisionContext,
): Decision {
  const decision = decideEntry(state, apiEntry('VID', { ...request, asset: null, amount: 0 }, context), { ...context, place: request.place, policy: POLICY_ONLINE_ONLY });
  if (!decision.ok || request.detach) return decision;
  return { ...decision, effects: decision.effects.filter((effect) => effect.type !== 'card-detached') };
}

function apiEntry(kind: EntryKind, movement: { place: string; asset: string | null; amount: number; card: string; primary: string; request: string }, context: DecisionContext): EntryBody {
  return {
    v: 1,
    id: movement.request,
    terminal: movement.place,
    seq: 1,
    prev: '0'.repeat(64),
    at: context.at,
    kind,
    asset: movement.asset,
    amount: movement.amount,
    card: movement.card,
    primary: movement.primary,
    auth: 'online',
  };
}

const DEFAULT_MEMBERSHIP_DAYS = 365;

/**
 * SUB to a wallet without a card (Lespass's `create_membership`, a LaBoutik
 * membership with no card): the place is the asset's origin or shares a
 * federation with it; validity runs from `start` (the sale's time by default)
 * or the end of the current membership, whichever is later.
 */
export function decideWalletMembership(
  state: LedgerState,
  request: { place: string; wallet: string; asset: string; amount: number; start?: string; request: string },
  context: DecisionContext,
): Decision {
  const amountRefusal = requireAmount(request.amount, 0);
  if (amountRefusal) return amountRefusal;
  const place = state.places.get(request.place);
  if (!place) return refuse('unknown_wallet', request.place);
  const asset = requireAsset(state, request.asset, ['SUB']);
  if (isRefusal(asset)) return asset;
  if (asset.origin !== place.wallet && !shareFederation(state, place.id, asset.id)) return refuse('asset_not_accepted', `${place.name} does not sell ${asset.name}`);
  const wallet = state.wallets.get(request.wallet);
  if (!wallet) return refuse('unknown_wallet', request.wallet);
  if (wallet.kind !== 'user' && wallet.kind !== 'ephemeral') return refuse('wrong_wallet_kind', `${wallet.kind} wallet`);
  const current = state.memberships.get(`${wallet.id}:${asset.id}`);
  const from = request.start ?? context.at;
  const start = current ? laterOf(from, current.validUntil) : from;
  const membership: Effect = { type: 'membership', membership: { wallet: wallet.id, asset: asset.id, start, validUntil: addDays(start, asset.membershipDays ?? DEFAULT_MEMBERSHIP_DAYS) } };
  return accept([draft(context, { action: 'SUB', sender: place.wallet, receiver: wallet.id, asset: asset.id, amount: request.amount, entry: request.request })], [membership]);
}

/**
 * The original's QR payment in euros (`asset_type: EURO`): the place's own local
 * currency first, then FED, one QRS per asset; refused whole when the two together
 * fall short (nothing is paid in part).
 */
export function decideQrSplit(
  state: LedgerState,
  request: { wallet: string; place: string; assets: readonly string[]; amount: number; request: string },
  context: DecisionContext,
): Decision {
  const amountRefusal = requireAmount(request.amount, 1);
  if (amountRefusal) return amountRefusal;
  let left = request.amount;
  const parts: { asset: string; amount: number }[] = [];
  for (const asset of request.assets) {
    const amount = Math.min(left, Math.max(0, balanceOf(state, request.wallet, asset)));
    if (amount > 0) parts.push({ asset, amount });
    left -= amount;
  }
  if (left > 0) return refuse('insufficient_funds', `${left} missing`);
  const transfers = [];
  for (const part of parts) {
    const decision = decideQrSale(state, { wallet: request.wallet, place: request.place, asset: part.asset, amount: part.amount, request: request.request }, context);
    if (!decision.ok) return decision;
    transfers.push(...decision.transfers);
  }
  return accept(transfers);
}

/**
 * The original's badge by wallet signature (`GET /wallet/{asset}/badge/`): a
 * passage (BDG, amount 0) of a user's wallet at the place, no card involved; the
 * place must accept the badge asset.
 */
export function decideWalletBadge(state: LedgerState, request: { place: string; wallet: string; asset: string; request: string }, context: DecisionContext): Decision {
  const place = state.places.get(request.place);
  if (!place) return refuse('unknown_wallet', request.place);
  const asset = requireAccepted(state, place, request.asset, ['BDG']);
  if (isRefusal(asset)) return asset;
  const wallet = requireWallet(state, request.wallet, ['user']);
  if (isRefusal(wallet)) return wallet;
  return accept([draft(context, { action: 'BDG', sender: wallet.id, receiver: place.wallet, asset: asset.id, amount: 0, entry: request.request })]);
}

/**
 * A FUS asked through the original's `POST /transaction/` (`action: "FUS"`): the
 * amount must be the card's whole balance of the named asset, as the original
 * checks; then LEDGER.md's fusion applies whole (every balance, the memberships,
 * the card joins the user), since after it the card has a user and no second
 * fusion of it could follow.
 */
export function decideApiFusion(state: LedgerState, request: { card: string; user: string; asset: string; amount: number; request: string }, context: DecisionContext): Decision {
  const amountRefusal = requireAmount(request.amount, 1);
  if (amountRefusal) return amountRefusal;
  const card = knownCard(state, request.card);
  if (isRefusal(card)) return card;
  if (card.user !== null) return refuse('card_has_user', request.card);
  const held = card.ephemeralWallet === null ? 0 : balanceOf(state, card.ephemeralWallet, request.asset);
  if (held !== request.amount) return refuse('invalid_amount', `a fusion moves the whole balance: ${held}, not ${request.amount}`);
  return decideFusion(state, { card: request.card, user: request.user, request: request.request }, context);
}
