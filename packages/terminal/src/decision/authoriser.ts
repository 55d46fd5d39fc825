import {
  AMOUNT_MAX,
  type AssetCategory,
  type AssetInfo,
  type CardState,
  type EntryBody,
  type EntryKind,
  type EntryMeta,
  type OfflinePolicy,
  type RuleCode,
} from '@fedow/protocol';
import { sameCard } from '../card-uid';
import { meltedState } from './melt';
import type { Connectivity, EntryDraft, OfflineCounters } from '../types';

/**
 * The till's authoriser (TILL.md): a pure function from what the till knows to
 * approve-with-entries or decline-with-a-code. It reads no clock, no database and
 * no network: the caller gathers the inputs, and the decision never waits.
 *
 * Decisions the spec leaves open, taken here:
 * - Rules are checked in this order: cashier card, amount, the till's own
 *   situation (refunds offline, too long offline), the customer's card, the
 *   asset, then money and caps. The first failure is the answer.
 * - Every kind needs a valid primary card (the cashier's session), badges too.
 * - Primary and customer cards match by firstTagId: the hub keeps the first 4
 *   UID bytes unique, and some readers (keyboard wedges) give only those 4.
 * - `asset: 'sale'` (SAL only) splits across TNF → TLF → FED; within one category,
 *   older assets first (uuid v7 ids sort by creation). TIM and FID units are not
 *   money and never join a split: they are spent only when asked for by id. The
 *   split assumes TNF, TLF and FED share the price's minor unit.
 * - A sale's `meta` (lines, payment) goes on its first entry only, so a report
 *   adding up lines does not count a split sale twice.
 * - Money and caps are checked together: the decline names the tightest limit and
 *   `missing` = amount − what the card may pay now, so the cashier can take that
 *   part in cash. An offline cap binds only when it is tighter than the balance.
 * - A card with a pending VID at this till has nothing left before later top-ups.
 * - Debt-blocked cards may be topped up (that is how the debt is settled), get
 *   memberships and pass badge doors; they may not buy, refund or be voided. Lost
 *   cards can do nothing at a till.
 * - Unknown cards: top-ups and memberships follow `unknownCardTopUp` (the hub
 *   enrolls them); a badge needs a card the till knows, as the hub's BDG rule
 *   needs a known card — a door does not let a stranger's tag through.
 * - Top-ups credit TLF, TNF, TIM or FID. FED money enters only against a payment
 *   reference, which a till entry cannot carry: `payment_reference_required`.
 * - Refunds pay back FED, TLF or TNF (the hub also requires that this place issued
 *   a TLF/TNF asset: `AssetInfo.issuedHere` says so, else `not_asset_origin`; top-ups
 *   follow the same rule).
 *   Time and points are not cash.
 * - An offline refund (when `offlineRefunds`) is a debit: it counts against the
 *   card and till caps, but `maxOfflineSale` is about sales and does not apply.
 * - A void's asset is null and its amount is what the till showed as refunded
 *   (the caller sums the card's refundable balances); the hub refunds what the
 *   ledger holds. Offline (when `offlineRefunds`), that amount counts against the
 *   card and till caps. Voids, like refunds, refuse debt-blocked cards.
 * - Offline time is counted from the last moment the till was in sync with the hub
 *   (`connectivity.since`), not from the start of that session: a till online all
 *   day must not stop selling the minute the link drops. `since: null` (never
 *   welcomed) refuses sales offline.
 * - Offline top-ups, memberships and badges are not capped: no money leaves.
 */

export interface AuthoriseRequest {
  kind: EntryKind;
  /** Minor units of the asset (of the price, for a split sale). */
  amount: number;
  /** The customer's card UID as the reader gave it. */
  card: string;
  /** The cashier's card UID. */
  primary: string;
  /** An asset id, or `'sale'` to split a sale across the card's money. Ignored for VID. */
  asset: string | 'sale';
  meta?: EntryMeta;
}

export interface AuthoriseInput {
  request: AuthoriseRequest;
  /** The cache's state of the card, undefined when the till does not know it. */
  card: CardState | undefined;
  /** The till knows a card with these first 4 bytes under another full UID: possibly a clone. */
  uidConflict?: boolean;
  assets: ReadonlyMap<string, AssetInfo>;
  /** Ids of the assets the place accepts. */
  accepted: ReadonlySet<string>;
  primaries: ReadonlySet<string>;
  /** This till's unacknowledged entries (any card; others are ignored). */
  pending: readonly EntryBody[];
  policy: OfflinePolicy;
  connectivity: Connectivity;
  /** Till clock, unix ms. */
  now: number;
  counters: OfflineCounters;
}

export const DECLINE_CODES = [
  'invalid_primary_card',
  'invalid_amount',
  'offline_not_allowed',
  'unknown_card',
  'card_lost',
  'card_blocked',
  'unknown_asset',
  'asset_archived',
  'asset_not_accepted',
  'wrong_asset_category',
  'payment_reference_required',
  'not_asset_origin',
  'insufficient_funds',
  'offline_policy_exceeded',
  'uid_mismatch',
] as const satisfies readonly RuleCode[];
export type DeclineCode = (typeof DECLINE_CODES)[number];

export interface Decline {
  approve: false;
  code: DeclineCode;
  /** What the card cannot pay, in minor units of `asset`. */
  missing?: number;
  /** The asset whose unit `missing` is in. */
  asset?: string;
  /** The policy setting that refused. */
  limit?: keyof OfflinePolicy;
  /** That setting's value (an offline cap, in minor units of `asset`): the words name it. */
  cap?: number;
}

export interface Approval {
  approve: true;
  entries: EntryDraft[];
}

export type Decision = Approval | Decline;

/** Split order for `asset: 'sale'`, first spent first. */
export const SPLIT_ORDER: readonly AssetCategory[] = ['TNF', 'TLF', 'FED'];
const SPENDABLE: readonly AssetCategory[] = ['TNF', 'TLF', 'FED', 'TIM', 'FID'];
const TOP_UP: readonly AssetCategory[] = ['TLF', 'TNF', 'TIM', 'FID'];
const REFUNDABLE: readonly AssetCategory[] = ['FED', 'TLF', 'TNF'];

export function authorise(given: AuthoriseInput): Decision {
  // Melting currency: the card pays with what it holds now, melted (DECISIONS.md).
  const input = { ...given, card: meltedState(given.card, given.assets, given.now) };
  const { request } = input;
  if (!holdsCard(input.primaries, request.primary)) return decline('invalid_primary_card');
  if (!validAmount(request.kind, request.amount)) return decline('invalid_amount');
  // The hub refuses it too (uid_mismatch): declining here keeps cash from being taken for it.
  if (input.uidConflict) return decline('uid_mismatch');
  switch (request.kind) {
    case 'SAL':
      return authoriseSale(input);
    case 'REF':
      return authoriseCredit(input, TOP_UP);
    case 'SUB':
      return authoriseCredit(input, ['SUB']);
    case 'BDG':
      return authoriseBadge(input);
    case 'RFD':
      return authoriseRefund(input);
    case 'VID':
      return authoriseVoid(input);
    case 'SHO':
    case 'SHC':
      // A shift is the cashier's act on the drawer, not a card's: the agent journals it (shift.ts).
      throw new Error(`authorise: ${request.kind} is not a card decision`);
  }
}

function authoriseSale(input: AuthoriseInput): Decision {
  const { request, policy, connectivity } = input;
  if (offlineTooLong(connectivity, policy, input.now)) return decline('offline_not_allowed', { limit: 'maxOfflineMinutes' });
  const cardRefusal = refuseCard(input.card, 'debit');
  if (cardRefusal) return cardRefusal;
  const candidates = saleAssets(input);
  if (!Array.isArray(candidates)) return candidates;
  const available = candidates.map((asset) => Math.max(0, availableBalance(input.card, input.pending, request.card, asset.id)));
  // A split's shortfall is shown in the place's own currency, the unit its prices are in, never converted to €.
  const localCurrencies = candidates.filter((asset) => asset.category === 'TLF');
  const unit = localCurrencies.find((asset) => asset.issuedHere) ?? localCurrencies[0] ?? candidates[0]!;
  const shortfall = refuseShortfall(input, sum(available), unit.id, true);
  if (shortfall) return shortfall;
  return { approve: true, entries: splitSale(input, candidates, available) };
}

/** The assets a sale may take money from, in spending order, or why none. */
function saleAssets(input: AuthoriseInput): AssetInfo[] | Decline {
  const { request } = input;
  if (request.asset !== 'sale') {
    const asset = resolveAsset(input, request.asset, SPENDABLE);
    return 'approve' in asset ? asset : [asset];
  }
  const candidates = [...input.accepted]
    .map((id) => input.assets.get(id))
    .filter((asset): asset is AssetInfo => asset !== undefined && !asset.archived && SPLIT_ORDER.includes(asset.category))
    .sort((a, b) => SPLIT_ORDER.indexOf(a.category) - SPLIT_ORDER.indexOf(b.category) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return candidates.length > 0 ? candidates : decline('asset_not_accepted');
}

function splitSale(input: AuthoriseInput, candidates: readonly AssetInfo[], available: readonly number[]): EntryDraft[] {
  const { request } = input;
  const entries: EntryDraft[] = [];
  let remaining = request.amount;
  for (const [index, asset] of candidates.entries()) {
    if (remaining === 0) break;
    const take = Math.min(remaining, available[index]!);
    if (take === 0) continue;
    entries.push(draft(input, 'SAL', asset.id, take, entries.length === 0));
    remaining -= take;
  }
  if (remaining !== 0) throw new Error('splitSale: approved a sale the card cannot pay');
  return entries;
}

/** Top-ups (REF) and memberships (SUB): money or rights go onto the card. */
function authoriseCredit(input: AuthoriseInput, categories: readonly AssetCategory[]): Decision {
  const { request, card, policy } = input;
  if (card === undefined && !policy.unknownCardTopUp) return decline('unknown_card', { limit: 'unknownCardTopUp' });
  const cardRefusal = refuseCard(card, 'credit');
  if (cardRefusal) return cardRefusal;
  const asset = resolveAsset(input, request.asset, categories);
  if ('approve' in asset) return asset;
  return { approve: true, entries: [draft(input, request.kind, asset.id, request.amount, true)] };
}

function authoriseBadge(input: AuthoriseInput): Decision {
  if (input.card === undefined) return decline('unknown_card');
  const cardRefusal = refuseCard(input.card, 'credit');
  if (cardRefusal) return cardRefusal;
  const asset = resolveAsset(input, input.request.asset, ['BDG']);
  if ('approve' in asset) return asset;
  return { approve: true, entries: [draft(input, 'BDG', asset.id, 0, true)] };
}

function authoriseRefund(input: AuthoriseInput): Decision {
  const { request } = input;
  const offlineRefusal = refuseOfflineRefund(input);
  if (offlineRefusal) return offlineRefusal;
  const cardRefusal = refuseCard(input.card, 'debit');
  if (cardRefusal) return cardRefusal;
  const asset = resolveAsset(input, request.asset, REFUNDABLE);
  if ('approve' in asset) return asset;
  const funds = availableBalance(input.card, input.pending, request.card, asset.id);
  const shortfall = refuseShortfall(input, funds, asset.id, false);
  if (shortfall) return shortfall;
  return { approve: true, entries: [draft(input, 'RFD', asset.id, request.amount, true)] };
}

function authoriseVoid(input: AuthoriseInput): Decision {
  const offlineRefusal = refuseOfflineRefund(input);
  if (offlineRefusal) return offlineRefusal;
  const cardRefusal = refuseCard(input.card, 'debit');
  if (cardRefusal) return cardRefusal;
  // No funds check: the hub refunds what the card holds, never more.
  const shortfall = refuseShortfall(input, Number.MAX_SAFE_INTEGER, undefined, false);
  if (shortfall) return shortfall;
  return { approve: true, entries: [draft(input, 'VID', null, input.request.amount, true)] };
}

function refuseOfflineRefund(input: AuthoriseInput): Decline | undefined {
  const { connectivity, policy } = input;
  if (connectivity.online) return undefined;
  if (!policy.offlineRefunds) return decline('offline_not_allowed', { limit: 'offlineRefunds' });
  if (offlineTooLong(connectivity, policy, input.now)) return decline('offline_not_allowed', { limit: 'maxOfflineMinutes' });
  return undefined;
}

/** `debit`: money leaves the card; `credit`: it arrives, or nothing moves. */
function refuseCard(card: CardState | undefined, direction: 'debit' | 'credit'): Decline | undefined {
  if (card === undefined) return direction === 'debit' ? decline('unknown_card') : undefined;
  if (card.reason === 'lost') return decline('card_lost');
  if (card.blocked && direction === 'debit') return decline('card_blocked');
  return undefined;
}

function resolveAsset(input: AuthoriseInput, id: string, categories: readonly AssetCategory[]): AssetInfo | Decline {
  if (id === 'sale') return decline('wrong_asset_category');
  const asset = input.assets.get(id);
  if (!asset) return decline('unknown_asset');
  if (asset.archived) return decline('asset_archived');
  if (!input.accepted.has(id)) return decline('asset_not_accepted');
  if (!categories.includes(asset.category)) {
    return decline(input.request.kind === 'REF' && asset.category === 'FED' ? 'payment_reference_required' : 'wrong_asset_category');
  }
  // Only the issuing place tops up or refunds a local asset (LEDGER.md REF, RFD):
  // decline here rather than take money the hub would then refuse.
  if ((input.request.kind === 'REF' || input.request.kind === 'RFD') && asset.category !== 'FED' && asset.issuedHere === false) {
    return decline('not_asset_origin');
  }
  return asset;
}

type Limit = { code: 'insufficient_funds' | 'offline_policy_exceeded'; payable: number; limit?: keyof OfflinePolicy };

/**
 * Declines when the card cannot pay the whole amount now: its funds, and offline
 * each cap, say how much it may pay; the tightest one is the answer.
 */
function refuseShortfall(input: AuthoriseInput, funds: number, unitAsset: string | undefined, isSale: boolean): Decline | undefined {
  const limits: Limit[] = [{ code: 'insufficient_funds', payable: funds }];
  if (!input.connectivity.online) limits.push(...offlineLimits(input, isSale));
  const tightest = limits.reduce((a, b) => (b.payable < a.payable ? b : a));
  if (tightest.payable >= input.request.amount) return undefined;
  return decline(tightest.code, {
    missing: input.request.amount - Math.max(0, tightest.payable),
    ...(unitAsset === undefined ? {} : { asset: unitAsset }),
    ...(tightest.limit === undefined ? {} : { limit: tightest.limit, cap: input.policy[tightest.limit] as number }),
  });
}

/** What each offline cap still lets the card pay now. */
function offlineLimits(input: AuthoriseInput, isSale: boolean): Limit[] {
  const { policy, counters } = input;
  const limits: Limit[] = [
    { code: 'offline_policy_exceeded', payable: policy.maxOfflineCardSpend - counters.cardOfflineSpend, limit: 'maxOfflineCardSpend' },
    { code: 'offline_policy_exceeded', payable: policy.maxOfflineExposure - counters.offlineExposure, limit: 'maxOfflineExposure' },
  ];
  if (isSale) limits.unshift({ code: 'offline_policy_exceeded', payable: policy.maxOfflineSale, limit: 'maxOfflineSale' });
  return limits;
}

function offlineTooLong(connectivity: Connectivity, policy: OfflinePolicy, now: number): boolean {
  if (connectivity.online) return false;
  if (connectivity.since === null) return true;
  return now - connectivity.since > policy.maxOfflineMinutes * 60_000;
}

/**
 * Cached balance − this till's pending debits + pending credits, for one card and
 * asset (TILL.md). A pending void empties the card; what follows it counts again.
 */
export function availableBalance(card: CardState | undefined, pending: readonly EntryBody[], uid: string, asset: string): number {
  let voided = false;
  let delta = 0;
  const mine = pending.filter((entry) => sameCard(entry.card, uid)).sort((a, b) => a.seq - b.seq);
  for (const entry of mine) {
    if (entry.kind === 'VID') {
      voided = true;
      delta = 0;
    } else if (entry.asset === asset) {
      delta += signedAmount(entry);
    }
  }
  const cached = voided ? 0 : (card?.balances[asset] ?? 0);
  return cached + delta;
}

function signedAmount(entry: EntryBody): number {
  switch (entry.kind) {
    case 'SAL':
    case 'RFD':
      return -entry.amount;
    case 'REF':
    case 'SUB':
      return entry.amount;
    case 'BDG':
    case 'VID':
    case 'SHO':
    case 'SHC':
      return 0;
  }
}

function validAmount(kind: EntryKind, amount: number): boolean {
  if (!Number.isSafeInteger(amount) || amount < 0 || amount > AMOUNT_MAX) return false;
  switch (kind) {
    case 'SAL':
    case 'REF':
    case 'RFD':
      return amount > 0;
    case 'BDG':
      return amount === 0;
    case 'SUB':
    case 'VID':
    case 'SHO':
    case 'SHC':
      // A free membership is a membership; an empty card may be voided; an empty drawer is counted.
      return true;
  }
}

function holdsCard(cards: ReadonlySet<string>, uid: string): boolean {
  if (cards.has(uid)) return true;
  for (const card of cards) if (sameCard(card, uid)) return true;
  return false;
}

function draft(input: AuthoriseInput, kind: EntryKind, asset: string | null, amount: number, withMeta: boolean): EntryDraft {
  const { request } = input;
  return {
    kind,
    asset,
    amount,
    card: request.card,
    primary: request.primary,
    auth: input.connectivity.online ? 'online' : 'offline',
    ...(withMeta && request.meta !== undefined ? { meta: request.meta } : {}),
  };
}

function decline(code: DeclineCode, details: Omit<Decline, 'approve' | 'code'> = {}): Decline {
  return { approve: false, code, ...details };
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
