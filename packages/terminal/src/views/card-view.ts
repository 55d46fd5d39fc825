import { emptyCardState } from '../store/card-set';
import type { AssetCategory, AssetInfo, CardState, EntryBody, EntryKind } from '@fedow/protocol';
import { availableBalance } from '../decision/authoriser';
import type { CardCache } from '../store/card-cache';
import type { Journal } from '../store/journal';
import { meltedState, meltNotice } from '../decision/melt';
import { formatAmount, type Language } from '../reason';

/**
 * What the till shows about one card: its balances (the card check screen, the
 * new balance after a decision), memberships, standing and recent entries here.
 * Read-only views over the journal and the card cache.
 */

export interface BalanceView {
  asset: string;
  name: string;
  category: AssetCategory;
  /** Cached balance − this till's pending debits + pending credits, minor units. */
  available: number;
  formatted: string;
  /** The next melt of a melting currency, in words (card check only). */
  melt?: { at: string; amount: number; text: string };
}

export interface MembershipView {
  asset: string;
  name: string;
  validUntil: string;
  valid: boolean;
}

/** TILL.md screen 5: green member, orange anonymous card, red unknown or blocked. */
export type CardStanding = 'member' | 'anonymous' | 'unknown' | 'blocked' | 'lost';

export interface CardCheck {
  card: string;
  known: boolean;
  standing: CardStanding;
  blocked: boolean;
  balances: BalanceView[];
  memberships: MembershipView[];
  /** Last entries of this card at this till, newest first. */
  recent: Array<{ seq: number; at: string; kind: EntryKind; asset: string | null; amount: number; acknowledged: boolean }>;
  /** When the hub last told this till the card's state (till clock ms), if ever. */
  freshAt: number | null;
}

const RECENT_ENTRIES_MAX = 10;

/** With `now`, melting currencies show what melted by then (and card checks what melts next). */
export function balancesOf(cache: CardCache, journal: Journal, card: string, language: Language, only?: ReadonlySet<string>, now?: number): BalanceView[] {
  const assets = cache.assets();
  const cached = cache.lookup(card)?.state;
  const state = now === undefined ? cached : meltedState(cached, assets, now);
  const pending = journal.pendingForCard(card);
  const ids = new Set<string>([...Object.keys(state?.balances ?? {}), ...pending.flatMap((entry) => (entry.asset ? [entry.asset] : []))]);
  const views: BalanceView[] = [];
  for (const id of ids) {
    if (only && !only.has(id)) continue;
    const asset = assets.get(id);
    if (!asset || asset.category === 'SUB' || asset.category === 'BDG') continue;
    const available = availableBalance(state, pending, card, id);
    const melt = now === undefined ? null : meltNotice(cached, asset, now, language);
    views.push({ asset: id, name: asset.name, category: asset.category, available, formatted: formatAmount(available, asset, language), ...(melt ? { melt } : {}) });
  }
  return views.sort((a, b) => a.name.localeCompare(b.name));
}

export function checkCard(cache: CardCache, journal: Journal, card: string, now: number, language: Language, knownToHub = false): CardCheck {
  const cached = cache.lookup(card);
  // In the hub's card set but never sent to this till: a card with nothing on it, not an unknown one.
  const state = cached?.state ?? (knownToHub ? emptyCardState(card) : undefined);
  const memberships = membershipsOf(state, cache.assets(), now);
  return {
    card,
    known: state !== undefined,
    standing: standing(state, memberships),
    blocked: state?.blocked ?? false,
    balances: balancesOf(cache, journal, card, language, undefined, now),
    memberships,
    recent: journal.recentForCard(card, RECENT_ENTRIES_MAX).map(({ body, acked }) => ({
      seq: body.seq,
      at: body.at,
      kind: body.kind,
      asset: body.asset,
      amount: body.amount,
      acknowledged: acked,
    })),
    freshAt: cached?.freshAt ?? null,
  };
}

function membershipsOf(state: CardState | undefined, assets: ReadonlyMap<string, AssetInfo>, now: number): MembershipView[] {
  return Object.entries(state?.membership ?? {}).map(([asset, validUntil]) => ({
    asset,
    name: assets.get(asset)?.name ?? asset,
    validUntil,
    valid: Date.parse(validUntil) > now,
  }));
}

function standing(state: CardState | undefined, memberships: readonly MembershipView[]): CardStanding {
  if (!state) return 'unknown';
  if (state.reason === 'lost') return 'lost';
  if (state.blocked) return 'blocked';
  return memberships.some((membership) => membership.valid) ? 'member' : 'anonymous';
}

/** Entries of the journal a body list came from: used to name an approval's assets. */
export function entryAssets(bodies: readonly EntryBody[]): Set<string> {
  return new Set(bodies.flatMap((body) => (body.asset ? [body.asset] : [])));
}
