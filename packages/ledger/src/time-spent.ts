import type { TransferDraft } from './entities';
import { draft, isRefusal, requireAmount, requireAsset } from './rules-common';
import type { Decision, DecisionContext, LedgerState } from './state';
import { accept, balanceOf, findCard, placeAccepts, refuse, walletOfCard } from './state';

/**
 * Time spent in a place (issue 14.4, DECISIONS.md "Time spent in a place"): the
 * badge taps (`BDG`) of a place's door till, paired per card and day in till-time
 * order into visits, counted in minutes with the place's rules, then accrued in
 * the place's `TIM` asset or debited from a time credit.
 */

export interface TimeRules {
  /** A visit counts in started blocks of this many minutes (15: the started quarter hour). */
  roundingMinutes: number;
  /** At most this many minutes per card and day; null: no cap. */
  dailyCapMinutes: number | null;
  /** `HH:MM`, UTC: an entry without an exit that day is closed at this time. */
  closingTime: string;
  /** A tap this close to the previous one of the same card is the same tap read twice. */
  debounceSeconds: number;
}

export const DEFAULT_TIME_RULES: TimeRules = { roundingMinutes: 15, dailyCapMinutes: null, closingTime: '23:00', debounceSeconds: 60 };

export interface Tap {
  /** The BDG transfer's id: ties of till time are ordered by it. */
  id: string;
  /** Till time (RFC 3339): what the door saw, not when the hub heard of it. */
  at: string;
}

export interface Visit {
  entry: string;
  exit: string | null;
  from: string;
  to: string;
  /** True when no exit was tapped and the closing time closed the visit. */
  closedByClosingTime: boolean;
  minutes: number;
}

const MINUTE_MS = 60_000;

/** The UTC day (YYYY-MM-DD) a tap counts in. */
export function tapDay(at: string): string {
  return new Date(at).toISOString().slice(0, 10);
}

export function closingOf(day: string, rules: TimeRules): number {
  return Date.parse(`${day}T${rules.closingTime}:00.000Z`);
}

/**
 * One card's taps of one day as visits: sorted by till time (then id), a tap
 * within `debounceSeconds` of the previous one dropped, then entry, exit, entry,
 * exit… The last entry without an exit is closed at the closing time, or left
 * open (null) while the day is not closed at `now`. Taps arriving late or out of
 * order give the same visits once all are known.
 */
export function pairTaps(taps: readonly Tap[], day: string, rules: TimeRules, now: number): (Visit | null)[] {
  const sorted = [...taps].filter((tap) => tapDay(tap.at) === day).sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const kept: Tap[] = [];
  for (const tap of sorted) {
    const previous = kept.at(-1);
    if (previous && Date.parse(tap.at) - Date.parse(previous.at) < rules.debounceSeconds * 1_000) continue;
    kept.push(tap);
  }
  const visits: (Visit | null)[] = [];
  for (let index = 0; index < kept.length; index += 2) {
    const entry = kept[index]!;
    const exit = kept[index + 1];
    if (exit) {
      visits.push(visit(entry, exit.id, exit.at, false, rules));
      continue;
    }
    const closing = closingOf(day, rules);
    if (now < closing) visits.push(null);
    else visits.push(visit(entry, null, new Date(Math.max(closing, Date.parse(entry.at))).toISOString(), true, rules));
  }
  return visits;
}

function visit(entry: Tap, exit: string | null, to: string, closedByClosingTime: boolean, rules: TimeRules): Visit {
  const duration = Date.parse(to) - Date.parse(entry.at);
  const blockMs = rules.roundingMinutes * MINUTE_MS;
  return { entry: entry.id, exit, from: entry.at, to, closedByClosingTime, minutes: Math.ceil(duration / blockMs) * rules.roundingMinutes };
}

/** The day's minutes: Σ of its visits, capped; null while a visit is still open. */
export function dayMinutes(visits: readonly (Visit | null)[], rules: TimeRules): number | null {
  if (visits.some((visit) => visit === null)) return null;
  const total = visits.reduce((sum, visit) => sum + visit!.minutes, 0);
  return rules.dailyCapMinutes === null ? total : Math.min(total, rules.dailyCapMinutes);
}

export type TimeMode = 'accrue' | 'debit';

export interface TimeBooking {
  place: string;
  /** The TIM asset: issued by the place to accrue, accepted by it to debit. */
  asset: string;
  /** The card by id. */
  card: string;
  minutes: number;
  mode: TimeMode;
  request: string;
  meta: Record<string, unknown>;
}

/**
 * Accrue: the place issues the minutes to the card (`CRE` + `REF`, as a top-up).
 * Debit: the card's time credit pays the place (`SAL`), never into debt: what the
 * credit does not cover is not taken, and the meta says how much that was.
 */
export function decideTimeSpent(state: LedgerState, booking: TimeBooking, context: DecisionContext): Decision {
  const invalid = requireAmount(booking.minutes, 1);
  if (invalid) return invalid;
  const place = state.places.get(booking.place);
  if (!place) return refuse('unknown_wallet', `place ${booking.place}`);
  const asset = requireAsset(state, booking.asset, ['TIM']);
  if (isRefusal(asset)) return asset;
  const card = [...state.cards.values()].find((candidate) => candidate.id === booking.card) ?? findCard(state, booking.card);
  if (!card) return refuse('unknown_card', booking.card);
  const wallet = walletOfCard(state, card);
  if (wallet === null) return refuse('unknown_wallet', `card ${card.firstTagId} has no wallet`);
  const fields = { card: card.id, entry: booking.request, meta: booking.meta };
  if (booking.mode === 'accrue') {
    if (asset.origin !== place.wallet) return refuse('not_asset_origin', `${place.name} does not issue ${asset.name}`);
    const transfers: TransferDraft[] = [
      draft(context, { action: 'CRE', sender: place.wallet, receiver: place.wallet, asset: asset.id, amount: booking.minutes, ...fields }),
      draft(context, { action: 'REF', sender: place.wallet, receiver: wallet, asset: asset.id, amount: booking.minutes, ...fields }),
    ];
    return accept(transfers);
  }
  if (!placeAccepts(state, place.id, asset)) return refuse('asset_not_accepted', `${place.name} does not accept ${asset.name}`);
  const credit = Math.max(0, balanceOf(state, wallet, asset.id));
  const taken = Math.min(credit, booking.minutes);
  if (taken === 0) return refuse('insufficient_funds', `card ${card.firstTagId} has no ${asset.name} left for ${booking.minutes} minutes`);
  const meta = taken < booking.minutes ? { ...booking.meta, uncovered: booking.minutes - taken } : booking.meta;
  return accept([draft(context, { action: 'SAL', sender: wallet, receiver: place.wallet, asset: asset.id, amount: taken, ...fields, meta })]);
}
