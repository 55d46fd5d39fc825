import type { EntryBody, OfflinePolicy } from '@fedow/protocol';
import type { Asset, Card, Place } from './entities';
import { addDays, laterOf } from './time';
import {
  cardOrEnroll,
  draft,
  isRefusal,
  knownCard,
  requireAccepted,
  requireAmount,
  requirePrimary,
  walletForCard,
} from './rules-common';
import type { Decision, DecisionContext, Effect, LedgerState, Refusal } from './state';
import { accept, balanceOf, cardBlock, findCard, refuse, walletOfCard } from './state';

/** Who signed the entry, and the policy in force for that till. */
export interface TillContext extends DecisionContext {
  place: string;
  policy: OfflinePolicy;
}

const SPENDABLE = ['TLF', 'TNF', 'FED', 'TIM', 'FID'] as const;
const TOP_UP = ['TLF', 'TNF', 'TIM', 'FID'] as const;
const DEFAULT_MEMBERSHIP_DAYS = 365;

/**
 * The transfers a till entry produces (LEDGER.md + SYNC.md), or the rule it
 * breaks. Pure: reads `state`, returns a decision; `commit` applies it.
 */
export function decideEntry(state: LedgerState, body: EntryBody, context: TillContext): Decision {
  const place = state.places.get(context.place);
  if (!place) throw new Error(`decideEntry: the till's place ${context.place} is not loaded`);
  const cashier = requirePrimary(state, body.primary, place);
  if (isRefusal(cashier)) return cashier;
  const identity = cardIdentity(state, body.card);
  if (isRefusal(identity)) return identity;
  const decision = decideKind(state, body, place, { ...context, cashier });
  return decision.ok && identity ? { ...decision, effects: [identity, ...decision.effects] } : decision;
}

/**
 * The full UID a reader gave, against the one the hub knows: stored when the card
 * was known only by its first 4 bytes (an imported batch), refused when it differs
 * (two cards share the first 4 bytes of a UID only by accident or by cloning).
 */
function cardIdentity(state: LedgerState, uid: string): Effect | Refusal | null {
  if (uid.length === 8) return null;
  const card = findCard(state, uid);
  if (!card) return null;
  const full = uid.toUpperCase();
  if (card.uid === null) return { type: 'card-uid', card: card.id, uid: full };
  return card.uid === full ? null : refuse('uid_mismatch', `read ${full}, known ${card.uid}`);
}

function decideKind(state: LedgerState, body: EntryBody, place: Place, till: Till): Decision {
  switch (body.kind) {
    case 'SAL':
      return decideSale(state, body, place, till);
    case 'REF':
      return decideTopUp(state, body, place, till);
    case 'SUB':
      return decideMembership(state, body, place, till);
    case 'BDG':
      return decideBadge(state, body, place, till);
    case 'RFD':
      return decideRefund(state, body, place, till);
    case 'VID':
      return decideVoid(state, body, place, till);
    case 'SHO':
    case 'SHC':
      return decideShift(body, till);
  }
}

/** The context once the cashier's card is checked. */
interface Till extends TillContext {
  cashier: Card;
}

function entryFields(body: EntryBody, card: Card, till: Till) {
  return { card: card.id, primaryCard: till.cashier.id, entry: body.id, tillAt: body.at, meta: body.meta ?? null };
}

/**
 * SAL: card wallet → place wallet. Short balance is refused when the till was
 * online; an offline-authorised sale inside the policy is applied and the card
 * goes into debt (DESIGN.md: a sale the till approved is never thrown away).
 */
function decideSale(state: LedgerState, body: EntryBody, place: Place, context: Till): Decision {
  const amountRefusal = requireAmount(body.amount, 1);
  if (amountRefusal) return amountRefusal;
  const asset = requireAccepted(state, place, body.asset!, SPENDABLE);
  if (isRefusal(asset)) return asset;
  const card = knownCard(state, body.card);
  if (isRefusal(card)) return card;
  const online = body.auth === 'online';
  if (online && cardBlock(state, card) === 'debt') return refuse('card_blocked', body.card);
  const { wallet, effects } = walletForCard(state, card, context);
  const balance = balanceOf(state, wallet, asset.id);
  const after = balance - body.amount;
  if (after < 0) {
    if (online) return refuse('insufficient_funds', `${-after} missing`);
    if (body.amount > context.policy.maxOfflineSale) {
      return refuse('offline_policy_exceeded', `sale of ${body.amount} above the offline cap ${context.policy.maxOfflineSale}`);
    }
    effects.push({ type: 'debt', card: card.id, wallet, asset: asset.id, balance: after });
  }
  const sale = draft(context, { action: 'SAL', sender: wallet, receiver: place.wallet, asset: asset.id, amount: body.amount, ...entryFields(body, card, context) });
  return accept([sale], effects);
}

/** REF at a till: CRE + REF of the place's own asset, in one decision. */
function decideTopUp(state: LedgerState, body: EntryBody, place: Place, context: Till): Decision {
  const amountRefusal = requireAmount(body.amount, 1);
  if (amountRefusal) return amountRefusal;
  const asset = state.assets.get(body.asset!);
  if (!asset) return refuse('unknown_asset', body.asset!);
  if (asset.category === 'FED') return refuse('payment_reference_required', 'FED enters only against a payment reference');
  const checked = requireAccepted(state, place, asset.id, TOP_UP);
  if (isRefusal(checked)) return checked;
  if (asset.origin !== place.wallet) return refuse('not_asset_origin', `${place.name} is not the origin of ${asset.name}`);
  const found = cardOrEnroll(state, body.card, place, context);
  if (isRefusal(found)) return found;
  const { wallet, effects } = walletForCard(state, found.card, context);
  const fields = entryFields(body, found.card, context);
  return accept(
    [
      draft(context, { action: 'CRE', sender: asset.origin, receiver: asset.origin, asset: asset.id, amount: body.amount, ...fields }),
      draft(context, { action: 'REF', sender: asset.origin, receiver: wallet, asset: asset.id, amount: body.amount, ...fields }),
    ],
    [...found.effects, ...effects],
  );
}

/** SUB: r += a; validity runs from the later of the sale and the current end. */
function decideMembership(state: LedgerState, body: EntryBody, place: Place, context: Till): Decision {
  const amountRefusal = requireAmount(body.amount, 0);
  if (amountRefusal) return amountRefusal;
  const asset = requireAccepted(state, place, body.asset!, ['SUB']);
  if (isRefusal(asset)) return asset;
  const found = cardOrEnroll(state, body.card, place, context);
  if (isRefusal(found)) return found;
  const { wallet, effects } = walletForCard(state, found.card, context);
  const current = state.memberships.get(`${wallet}:${asset.id}`);
  const start = current ? laterOf(body.at, current.validUntil) : body.at;
  const validUntil = addDays(start, asset.membershipDays ?? DEFAULT_MEMBERSHIP_DAYS);
  const transfer = draft(context, {
    action: 'SUB',
    sender: place.wallet,
    receiver: wallet,
    asset: asset.id,
    amount: body.amount,
    ...entryFields(body, found.card, context),
  });
  const membership: Effect = { type: 'membership', membership: { wallet, asset: asset.id, start, validUntil } };
  return accept([transfer], [...found.effects, ...effects, membership]);
}

function decideBadge(state: LedgerState, body: EntryBody, place: Place, context: Till): Decision {
  if (body.amount !== 0) return refuse('invalid_amount', 'a badge passage has amount 0');
  const asset = requireAccepted(state, place, body.asset!, ['BDG']);
  if (isRefusal(asset)) return asset;
  const card = knownCard(state, body.card);
  if (isRefusal(card)) return card;
  const { wallet, effects } = walletForCard(state, card, context);
  const passage = draft(context, { action: 'BDG', sender: wallet, receiver: place.wallet, asset: asset.id, amount: 0, ...entryFields(body, card, context) });
  return accept([passage], effects);
}

/** An asset this place may refund: FED, or a local asset it issued (the money is destroyed). */
function refundable(asset: Asset, place: Place): boolean {
  return asset.category === 'FED' || (asset.origin === place.wallet && (asset.category === 'TLF' || asset.category === 'TNF'));
}

function offlineRefusal(body: EntryBody, context: Till) {
  return body.auth === 'offline' && !context.policy.offlineRefunds ? refuse('offline_not_allowed', `${body.kind} while offline`) : null;
}

function decideRefund(state: LedgerState, body: EntryBody, place: Place, context: Till): Decision {
  const refusal = offlineRefusal(body, context) ?? requireAmount(body.amount, 1);
  if (refusal) return refusal;
  const asset = state.assets.get(body.asset!);
  if (!asset) return refuse('unknown_asset', body.asset!);
  if (!refundable(asset, place)) return refuse('not_asset_origin', `${place.name} cannot refund ${asset.name}`);
  const card = knownCard(state, body.card);
  if (isRefusal(card)) return card;
  // Refunding one asset while another is in debt would pay out money the card owes.
  if (cardBlock(state, card) === 'debt') return refuse('card_blocked', 'a card in debt cannot be refunded');
  const wallet = walletOfCard(state, card);
  const balance = wallet === null ? 0 : balanceOf(state, wallet, asset.id);
  if (wallet === null || balance < body.amount) return refuse('insufficient_funds', `refund of ${body.amount}, balance ${balance}`);
  return accept([draft(context, { action: 'RFD', sender: wallet, receiver: place.wallet, asset: asset.id, amount: body.amount, ...entryFields(body, card, context) })]);
}

/**
 * VID: one RFD per positive refundable balance, then the card leaves its wallet.
 * The entry's amount is what the till showed; the hub refunds what the ledger
 * holds. A card in debt cannot be voided: that would walk away from the debt.
 */
function decideVoid(state: LedgerState, body: EntryBody, place: Place, context: Till): Decision {
  const refusal = offlineRefusal(body, context);
  if (refusal) return refusal;
  const card = knownCard(state, body.card);
  if (isRefusal(card)) return card;
  if (cardBlock(state, card) === 'debt') return refuse('card_blocked', 'a card in debt cannot be voided');
  const wallet = walletOfCard(state, card);
  const refunds = [];
  if (wallet !== null) {
    for (const asset of [...state.assets.values()].sort((a, b) => (a.id < b.id ? -1 : 1))) {
      const balance = balanceOf(state, wallet, asset.id);
      if (balance > 0 && refundable(asset, place)) {
        refunds.push(draft(context, { action: 'RFD', sender: wallet, receiver: place.wallet, asset: asset.id, amount: balance, ...entryFields(body, card, context) }));
      }
    }
  }
  return accept(refunds, [{ type: 'card-detached', card: card.id, place: place.id }]);
}

/**
 * SHO/SHC: a cashier's shift opens with its float and closes with its cash count.
 * They move no money, so they produce no transfer: the hub records the shift and
 * compares the count with the cash the ledger says went through the drawer
 * (docs/DECISIONS.md, "Cashier shifts"). The shift is the cashier's: the card it
 * names is the valid primary card that signed in (checked before this rule).
 */
function decideShift(body: EntryBody, context: Till): Decision {
  if (body.card.slice(0, 8) !== body.primary.slice(0, 8)) return refuse('invalid_primary_card', 'a shift belongs to the cashier card that opened the session');
  if (context.cashier.lostAt !== null) return refuse('card_lost', body.card);
  return accept([]);
}
