import type { BalanceActivity, MeltPolicy, RuleCode } from '@fedow/protocol';
import { RULE_MESSAGES } from '@fedow/protocol';
import { transferDeltas } from './deltas';
import type { Asset, Card, Federation, Membership, Place, TransferDraft, User, Wallet } from './entities';
import { balanceKey, firstTagIdOf } from './entities';

/**
 * The facts the rules read. The in-memory ledger holds all of them; the hub
 * loads the part a batch of entries needs (places, assets, federations, the
 * batch's cards with their wallets and balances) into the same shape.
 */
export interface LedgerState {
  primaryWallet: string;
  wallets: Map<string, Wallet>;
  users: Map<string, User>;
  places: Map<string, Place>;
  /** Wallet id → place id. */
  placeByWallet: Map<string, string>;
  federations: Map<string, Federation>;
  assets: Map<string, Asset>;
  /** Assets that have their FST transfer. */
  firsts: Set<string>;
  cards: Map<string, Card>;
  /** Full UID and firstTagId → card id. */
  cardByTag: Map<string, string>;
  /** `wallet:asset` → value in minor units. */
  balances: Map<string, number>;
  /** `wallet:asset` → membership validity. */
  memberships: Map<string, Membership>;
  paymentRefs: Set<string>;
  /** Asset → its melt policy in force (only assets that melt). */
  melts: Map<string, MeltPolicy>;
  /** `wallet:asset` → last activity and what melted since (absent: none known). */
  activity: Map<string, BalanceActivity>;
}

export function emptyState(primaryWallet: string): LedgerState {
  return {
    primaryWallet,
    wallets: new Map([[primaryWallet, { id: primaryWallet, kind: 'primary', name: 'primary', publicKey: null }]]),
    users: new Map(),
    places: new Map(),
    placeByWallet: new Map(),
    federations: new Map(),
    assets: new Map(),
    firsts: new Set(),
    cards: new Map(),
    cardByTag: new Map(),
    balances: new Map(),
    memberships: new Map(),
    paymentRefs: new Set(),
    melts: new Map(),
    activity: new Map(),
  };
}

// ── decisions ────────────────────────────────────────────────────────────────

export type Effect =
  | { type: 'wallet-created'; wallet: Wallet }
  | { type: 'card-enrolled'; card: Card }
  | { type: 'card-wallet'; card: string; ephemeralWallet: string }
  | { type: 'card-detached'; card: string; place: string }
  | { type: 'card-lost'; card: string; at: string }
  | { type: 'card-user'; card: string; user: string }
  /** A reader gave the full UID of a card known only by its first 4 bytes. */
  | { type: 'card-uid'; card: string; uid: string }
  | { type: 'membership'; membership: Membership }
  | { type: 'payment-ref'; ref: string; transfer: string }
  /** An offline-authorised sale overdrew the card: it is blocked until topped up. */
  | { type: 'debt'; card: string; wallet: string; asset: string; balance: number }
  /**
   * A stored balance that drifted from the replay of the transfers is set back to
   * the replay (`fedow verify --apply`): no transfer, because a transfer moves the
   * replay as much as the stored value and could never close the gap.
   */
  | { type: 'balance-restored'; wallet: string; asset: string; from: number; to: number };

export interface Refusal {
  ok: false;
  code: RuleCode;
  message: string;
}
export interface Acceptance {
  ok: true;
  transfers: TransferDraft[];
  effects: Effect[];
}
export type Decision = Acceptance | Refusal;

export function refuse(code: RuleCode, detail?: string): Refusal {
  return { ok: false, code, message: detail ? `${RULE_MESSAGES[code]}: ${detail}` : RULE_MESSAGES[code] };
}

export function accept(transfers: TransferDraft[], effects: Effect[] = []): Acceptance {
  return { ok: true, transfers, effects };
}

/** What a decision needs from outside: hub time and fresh ids (the ledger draws neither). */
export interface DecisionContext {
  at: string;
  newId: () => string;
}

// ── queries ──────────────────────────────────────────────────────────────────

export function balanceOf(state: LedgerState, wallet: string, asset: string): number {
  return state.balances.get(balanceKey(wallet, asset)) ?? 0;
}

export function findCard(state: LedgerState, uid: string): Card | undefined {
  const id = state.cardByTag.get(uid.toUpperCase()) ?? state.cardByTag.get(firstTagIdOf(uid));
  return id === undefined ? undefined : state.cards.get(id);
}

/** The wallet of a card: its user's, else its ephemeral one. */
export function walletOfCard(state: LedgerState, card: Card): string | null {
  if (card.user !== null) return state.users.get(card.user)?.wallet ?? null;
  return card.ephemeralWallet;
}

/** A place accepts an asset (LEDGER.md): not archived, and origin, FED, or a shared federation. */
export function placeAccepts(state: LedgerState, placeId: string, asset: Asset): boolean {
  if (asset.archived) return false;
  const place = state.places.get(placeId);
  if (!place) return false;
  if (asset.origin === place.wallet || asset.category === 'FED') return true;
  return shareFederation(state, placeId, asset.id);
}

export function shareFederation(state: LedgerState, placeId: string, assetId: string): boolean {
  for (const federation of state.federations.values()) {
    if (federation.places.includes(placeId) && federation.assets.includes(assetId)) return true;
  }
  return false;
}

/**
 * Negative balances of a wallet: debt from offline-authorised sales. A balance
 * only ever exists in an asset the state knows (every rule requires the asset),
 * so one lookup per asset finds them all, at a cost that does not grow with the
 * number of wallets the state holds (scanning every balance did).
 */
export function debtsOf(state: LedgerState, wallet: string): { asset: string; value: number }[] {
  const debts: { asset: string; value: number }[] = [];
  for (const asset of state.assets.keys()) {
    const value = state.balances.get(balanceKey(wallet, asset));
    if (value !== undefined && value < 0) debts.push({ asset, value });
  }
  return debts;
}

/** Why a card is refused everywhere, or null: LEDGER.md's lost and debt rules. */
export type CardBlock = 'lost' | 'debt';

/**
 * The block rule on its own, for whoever holds a card's facts without a ledger
 * state (the hub's card feed): a card declared lost is blocked as lost; else
 * any balance below zero blocks it as in debt.
 */
export function cardBlockOf(lost: boolean, balances: Iterable<number>): CardBlock | null {
  if (lost) return 'lost';
  for (const value of balances) if (value < 0) return 'debt';
  return null;
}

/** Blocked for sales: lost, or in debt on any asset (invariant 5). */
export function cardBlock(state: LedgerState, card: Card): CardBlock | null {
  const wallet = walletOfCard(state, card);
  const debts = wallet === null ? [] : debtsOf(state, wallet);
  return cardBlockOf(card.lostAt !== null, debts.map((debt) => debt.value));
}

// ── commit ───────────────────────────────────────────────────────────────────

/**
 * Applies an accepted decision to the state. Only the in-memory ledger and the
 * hub's batch working set call this — after the decision, never inside it.
 */
export function commit(state: LedgerState, decision: Acceptance): void {
  for (const effect of decision.effects) commitEffect(state, effect);
  for (const transfer of decision.transfers) {
    if (transfer.action === 'FST') state.firsts.add(transfer.asset);
    const asset = state.assets.get(transfer.asset);
    if (!asset) throw new Error(`commit: transfer of unknown asset ${transfer.asset}`);
    for (const { wallet, delta } of transferDeltas(transfer, asset.category, state.primaryWallet)) {
      const key = balanceKey(wallet, transfer.asset);
      state.balances.set(key, (state.balances.get(key) ?? 0) + delta);
      if (delta !== 0) state.activity.set(key, nextActivity(state.activity.get(key), transfer, wallet));
    }
  }
}

/**
 * A balance's activity after a transfer moved it (DECISIONS.md): a melt adds to
 * what melted since the last activity; any other movement is activity.
 */
export function nextActivity(previous: BalanceActivity | undefined, transfer: { action: string; sender: string; amount: number; at: string }, wallet: string): BalanceActivity {
  if (transfer.action === 'MLT' && transfer.sender === wallet) return { at: previous?.at ?? null, melted: (previous?.melted ?? 0) + transfer.amount };
  return { at: transfer.at, melted: 0 };
}

function commitEffect(state: LedgerState, effect: Effect): void {
  switch (effect.type) {
    case 'wallet-created':
      state.wallets.set(effect.wallet.id, effect.wallet);
      return;
    case 'card-enrolled':
      state.cards.set(effect.card.id, effect.card);
      indexCard(state, effect.card);
      return;
    case 'card-wallet':
      updateCard(state, effect.card, (card) => ({ ...card, ephemeralWallet: effect.ephemeralWallet }));
      return;
    case 'card-detached':
      updateCard(state, effect.card, (card) => ({
        ...card,
        user: null,
        ephemeralWallet: null,
        primaryFor: card.primaryFor.filter((place) => place !== effect.place),
      }));
      return;
    case 'card-lost':
      updateCard(state, effect.card, (card) => ({ ...card, lostAt: effect.at, primaryFor: [] }));
      return;
    case 'card-user':
      updateCard(state, effect.card, (card) => ({ ...card, user: effect.user }));
      return;
    case 'card-uid':
      updateCard(state, effect.card, (card) => ({ ...card, uid: effect.uid }));
      state.cardByTag.set(effect.uid, effect.card);
      return;
    case 'membership':
      state.memberships.set(balanceKey(effect.membership.wallet, effect.membership.asset), effect.membership);
      return;
    case 'payment-ref':
      state.paymentRefs.add(effect.ref);
      return;
    case 'debt':
      return;
    case 'balance-restored':
      state.balances.set(balanceKey(effect.wallet, effect.asset), effect.to);
      return;
  }
}

function updateCard(state: LedgerState, id: string, change: (card: Card) => Card): void {
  const card = state.cards.get(id);
  if (!card) throw new Error(`commit: unknown card ${id}`);
  state.cards.set(id, change(card));
}

export function indexCard(state: LedgerState, card: Card): void {
  state.cardByTag.set(card.firstTagId, card.id);
  if (card.uid !== null) state.cardByTag.set(card.uid, card.id);
}
