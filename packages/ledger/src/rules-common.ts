import type { AssetCategory, TransferAction } from '@fedow/protocol';
import { AMOUNT_MAX } from '@fedow/protocol';
import type { Asset, Card, Place, TransferDraft, Wallet } from './entities';
import type { DecisionContext, Effect, LedgerState, Refusal } from './state';
import { findCard, placeAccepts, refuse, walletOfCard } from './state';

/** Lookups that refuse with a code instead of returning undefined. */

export function requireAsset(state: LedgerState, assetId: string, categories?: readonly AssetCategory[]): Asset | Refusal {
  const asset = state.assets.get(assetId);
  if (!asset) return refuse('unknown_asset', assetId);
  if (asset.archived) return refuse('asset_archived', asset.name);
  if (categories && !categories.includes(asset.category)) return refuse('wrong_asset_category', `${asset.name} is ${asset.category}`);
  return asset;
}

export function requireAccepted(state: LedgerState, place: Place, assetId: string, categories: readonly AssetCategory[]): Asset | Refusal {
  const asset = requireAsset(state, assetId, categories);
  if (isRefusal(asset)) return asset;
  if (!placeAccepts(state, place.id, asset)) return refuse('asset_not_accepted', `${place.name} does not accept ${asset.name}`);
  return asset;
}

/** The cashier's card, when it is a primary card of the place and not lost. */
export function requirePrimary(state: LedgerState, uid: string, place: Place): Card | Refusal {
  const card = findCard(state, uid);
  if (!card || card.lostAt !== null || !card.primaryFor.includes(place.id)) return refuse('invalid_primary_card', uid);
  return card;
}

export function requireWallet(state: LedgerState, walletId: string, kinds: readonly Wallet['kind'][]): Wallet | Refusal {
  const wallet = state.wallets.get(walletId);
  if (!wallet) return refuse('unknown_wallet', walletId);
  if (!kinds.includes(wallet.kind)) return refuse('wrong_wallet_kind', `${wallet.kind} wallet`);
  return wallet;
}

export function requireAmount(amount: number, min: number): Refusal | null {
  return Number.isSafeInteger(amount) && amount >= min && amount <= AMOUNT_MAX ? null : refuse('invalid_amount', String(amount));
}

export function isRefusal(value: unknown): value is Refusal {
  return typeof value === 'object' && value !== null && (value as { ok?: unknown }).ok === false;
}

/** A known card's wallet, creating its ephemeral wallet on first need. */
export function walletForCard(state: LedgerState, card: Card, context: DecisionContext): { wallet: string; effects: Effect[] } {
  const existing = walletOfCard(state, card);
  if (existing !== null) return { wallet: existing, effects: [] };
  const wallet: Wallet = { id: context.newId(), kind: 'ephemeral', name: null, publicKey: null };
  return {
    wallet: wallet.id,
    effects: [
      { type: 'wallet-created', wallet },
      { type: 'card-wallet', card: card.id, ephemeralWallet: wallet.id },
    ],
  };
}

/** A card by UID; an unknown one is enrolled when the place allows it (top-ups, memberships). */
export function cardOrEnroll(
  state: LedgerState,
  uid: string,
  place: Place,
  context: DecisionContext,
): { card: Card; effects: Effect[] } | Refusal {
  const known = findCard(state, uid);
  if (known) return known.lostAt === null ? { card: known, effects: [] } : refuse('card_lost', uid);
  if (!place.enrollUnknownCards) return refuse('unknown_card', uid);
  const card: Card = {
    id: context.newId(),
    firstTagId: uid.slice(0, 8),
    uid,
    qrcode: null,
    numberPrinted: null,
    batch: null,
    user: null,
    ephemeralWallet: null,
    primaryFor: [],
    lostAt: null,
  };
  return { card, effects: [{ type: 'card-enrolled', card }] };
}

export function knownCard(state: LedgerState, uid: string): Card | Refusal {
  const card = findCard(state, uid);
  if (!card) return refuse('unknown_card', uid);
  if (card.lostAt !== null) return refuse('card_lost', uid);
  return card;
}

export interface TransferFields {
  action: TransferAction;
  sender: string;
  receiver: string;
  asset: string;
  amount: number;
  card?: string | null;
  primaryCard?: string | null;
  entry?: string | null;
  tillAt?: string | null;
  meta?: Record<string, unknown> | null;
}

export function draft(context: DecisionContext, fields: TransferFields): TransferDraft {
  return {
    id: context.newId(),
    action: fields.action,
    sender: fields.sender,
    receiver: fields.receiver,
    asset: fields.asset,
    amount: fields.amount,
    card: fields.card ?? null,
    primaryCard: fields.primaryCard ?? null,
    entry: fields.entry ?? null,
    at: context.at,
    tillAt: fields.tillAt ?? null,
    meta: fields.meta ?? null,
  };
}
