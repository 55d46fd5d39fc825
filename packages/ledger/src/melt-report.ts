import type { BalanceActivity, MeltRule } from '@fedow/protocol';
import { MELT_MONTH_MS, meltDue } from './melt';

/** What the dashboard shows about melting, computed from the real ledger's movements. */

/** One holder balance over a period: its value at the start and its movements (melts left out). */
export interface BalanceHistory {
  opening: number;
  moves: readonly { at: string; delta: number }[];
}

/**
 * What `rule` would have taken from one balance had it been in force from
 * `from` to `to`: booked at each movement (as the hub books it), plus what is
 * due at the end. The movements are replayed as they happened.
 */
export function meltPreview(rule: MeltRule, from: string, to: string, history: BalanceHistory): number {
  let value = history.opening;
  let activity: BalanceActivity = { at: null, melted: 0 };
  let taken = 0;
  for (const move of history.moves) {
    const due = meltDue(rule, from, value, activity, move.at);
    taken += due;
    value += move.delta - due;
    activity = { at: move.at, melted: 0 };
  }
  return taken + meltDue(rule, from, value, activity, to);
}

/** A holder wallet's movements in one asset, in ledger order; `topUp` marks the credits the curve follows. */
export interface WalletMoves {
  moves: readonly { at: string; delta: number; topUp: boolean }[];
}

export interface SurvivalPoint {
  month: number;
  /** Top-ups at least `month` months old: what the point is measured on. */
  toppedUp: number;
  /** Of them, what was still unspent `month` months after each top-up. */
  unspent: number;
}

interface Lot {
  at: number;
  amount: number;
  topUp: boolean;
  /** What was taken from it, and when. */
  taken: { at: number; amount: number }[];
}

/**
 * The survival curve: how much of a top-up is still unspent N months later.
 * Spending (any debit: sales, transfers, melts, refunds) consumes the oldest
 * credit first (first in, first out).
 */
export function survivalCurve(wallets: readonly WalletMoves[], now: string, months: number): SurvivalPoint[] {
  const end = Date.parse(now);
  const lots = wallets.flatMap((wallet) => consumeFifo(wallet.moves)).filter((lot) => lot.topUp);
  return Array.from({ length: months + 1 }, (_, month) => {
    let toppedUp = 0;
    let unspent = 0;
    for (const lot of lots) {
      const age = lot.at + month * MELT_MONTH_MS;
      if (age > end) continue;
      toppedUp += lot.amount;
      unspent += lot.amount - lot.taken.reduce((sum, take) => sum + (take.at <= age ? take.amount : 0), 0);
    }
    return { month, toppedUp, unspent };
  });
}

function consumeFifo(moves: WalletMoves['moves']): Lot[] {
  const lots: Lot[] = [];
  let oldest = 0;
  for (const move of moves) {
    const at = Date.parse(move.at);
    if (move.delta > 0) {
      lots.push({ at, amount: move.delta, topUp: move.topUp, taken: [] });
      continue;
    }
    let owed = -move.delta;
    while (owed > 0 && oldest < lots.length) {
      const lot = lots[oldest]!;
      const left = lot.amount - lot.taken.reduce((sum, take) => sum + take.amount, 0);
      const take = Math.min(left, owed);
      if (take > 0) lot.taken.push({ at, amount: take });
      owed -= take;
      if (take === left) oldest++;
    }
  }
  return lots;
}
