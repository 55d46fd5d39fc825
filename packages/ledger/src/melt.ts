import { MELT_MONTH_DAYS, type BalanceActivity, type MeltPolicy, type MeltRule } from '@fedow/protocol';
import type { TransferDraft } from './entities';
import { balanceKey } from './entities';
import { draft } from './rules-common';
import type { Decision, DecisionContext, LedgerState } from './state';
import { accept, balanceOf, commit } from './state';

/**
 * Melting currency (DECISIONS.md, "Melting currency"). Everything here is a
 * function of its arguments: the hub's decisions, `fedow verify`, the balances
 * shown and the till's offline authoriser all call the same code.
 */

const DAY_MS = 86_400_000;
export const MELT_MONTH_MS = MELT_MONTH_DAYS * DAY_MS;
const BASIS = 10_000;
/** Above this, `left × basisPoints` leaves the safe integers: BigInt takes over. */
const SAFE_LEFT = Math.floor(Number.MAX_SAFE_INTEGER / BASIS);

export const NO_ACTIVITY: BalanceActivity = { at: null, melted: 0 };

function thresholdMs(rule: MeltRule): number {
  return rule.rule === 'rate' ? rule.afterDays * DAY_MS : rule.afterMonths * MELT_MONTH_MS;
}

/** Melt steps reached after `inactiveMs`: the first when the threshold is reached, then one per month. */
export function meltSteps(rule: MeltRule, inactiveMs: number): number {
  const threshold = thresholdMs(rule);
  return inactiveMs < threshold ? 0 : 1 + Math.floor((inactiveMs - threshold) / MELT_MONTH_MS);
}

/** Total taken by `steps` steps from `base` (the balance at its last activity). Rounded down at every step: the holder keeps the fraction. */
export function meltTakenAfter(rule: MeltRule, base: number, steps: number): number {
  if (base <= 0 || steps <= 0) return 0;
  switch (rule.rule) {
    case 'rate':
      return base - rateRemaining(base, rule.basisPoints, steps);
    case 'fixed':
      return steps >= Math.ceil(base / rule.amount) ? base : steps * rule.amount;
    case 'expiry':
      return base;
  }
}

function rateRemaining(base: number, basisPoints: number, steps: number): number {
  let left = base;
  for (let step = 0; step < steps; step++) {
    const cut = left <= SAFE_LEFT ? Math.floor((left * basisPoints) / BASIS) : Number((BigInt(left) * BigInt(basisPoints)) / BigInt(BASIS));
    // Once the cut rounds to zero it stays zero: the rest never melts.
    if (cut === 0) break;
    left -= cut;
  }
  return left;
}

/** Inactivity counts from the last activity, and never from before the policy's `since`. */
export function meltStart(since: string, activity: BalanceActivity): number {
  const from = Date.parse(since);
  return activity.at === null ? from : Math.max(from, Date.parse(activity.at));
}

/**
 * What is due at `at` and not yet booked: what the rule takes from the balance
 * as it was at its last activity (value + melted since), minus what already
 * melted since. Never more than the balance, nothing from a debt.
 */
export function meltDue(rule: MeltRule, since: string, value: number, activity: BalanceActivity, at: string): number {
  if (value <= 0) return 0;
  const base = value + activity.melted;
  const taken = meltTakenAfter(rule, base, meltSteps(rule, Date.parse(at) - meltStart(since, activity)));
  return Math.max(0, Math.min(value, taken - activity.melted));
}

/** The balance as shown at `at`: what is held, less what is due. */
export function meltedBalance(rule: MeltRule | null, since: string, value: number, activity: BalanceActivity, at: string): number {
  return rule === null ? value : value - meltDue(rule, since, value, activity, at);
}

/** The next melt after `at` (what the card page and the till's card check announce), or null when nothing will melt. */
export function nextMelt(rule: MeltRule, since: string, value: number, activity: BalanceActivity, at: string): { at: string; amount: number } | null {
  if (value <= 0) return null;
  const start = meltStart(since, activity);
  const base = value + activity.melted;
  const steps = meltSteps(rule, Date.parse(at) - start);
  const shown = value - meltDue(rule, since, value, activity, at);
  const amount = Math.min(shown, meltTakenAfter(rule, base, steps + 1) - Math.max(activity.melted, meltTakenAfter(rule, base, steps)));
  if (amount <= 0) return null;
  return { at: new Date(start + thresholdMs(rule) + steps * MELT_MONTH_MS).toISOString(), amount };
}

// ── in the ledger state ──────────────────────────────────────────────────────

/** Melting applies to what card holders hold (user and card wallets), never to places. */
function holds(state: LedgerState, wallet: string): boolean {
  const kind = state.wallets.get(wallet)?.kind;
  return kind === 'user' || kind === 'ephemeral';
}

export function activityOf(state: LedgerState, wallet: string, asset: string): BalanceActivity {
  return state.activity.get(balanceKey(wallet, asset)) ?? NO_ACTIVITY;
}

/** What is due on one balance at the decision's time, by the policy in force in the state. */
export function meltDueIn(state: LedgerState, wallet: string, asset: string, at: string): number {
  const policy = state.melts.get(asset);
  if (!policy || policy.rule === null || !holds(state, wallet)) return 0;
  return meltDue(policy.rule, policy.since, balanceOf(state, wallet, asset), activityOf(state, wallet, asset), at);
}

/** The MLT transfer of what is due on one balance, or null. Its meta says what it was computed from. */
export function meltTransfer(state: LedgerState, wallet: string, asset: string, context: DecisionContext, entry: string | null): TransferDraft | null {
  const amount = meltDueIn(state, wallet, asset, context.at);
  if (amount === 0) return null;
  const policy = state.melts.get(asset)!;
  const activity = activityOf(state, wallet, asset);
  const meta = { policy: policy.id, activeAt: activity.at, meltedBefore: activity.melted };
  return draft(context, { action: 'MLT', sender: wallet, receiver: policy.wallet, asset, amount, entry, meta });
}

/** The sweep's decision: book what is due on each named balance (nothing for a balance not due). */
export function decideMelt(state: LedgerState, balances: readonly { wallet: string; asset: string }[], context: DecisionContext, request: string): Decision {
  const transfers = balances.flatMap(({ wallet, asset }) => meltTransfer(state, wallet, asset, context, request) ?? []);
  return accept(transfers);
}

/**
 * A decision taken on the melted balances: the due melts of the balances it
 * moves are applied to a copy of the state, the rule decides again on that copy,
 * and those melts are booked before its transfers (the others wait for the
 * sweep). A refusal books nothing. Only the wallets a first decision moves are
 * looked at, so a batch of till entries does not recompute every loaded balance
 * per entry; a refusal is decided again on every loaded balance melted, so its
 * words (what is missing) are the melted ones.
 */
export function decideWithMelts(state: LedgerState, context: DecisionContext, decide: (state: LedgerState) => Decision): Decision {
  if (state.melts.size === 0) return decide(state);
  const first = decide(state);
  const wallets = first.ok ? first.transfers.flatMap((transfer) => [transfer.sender, transfer.receiver]) : null;
  const pending = pendingMelts(state, context, wallets);
  if (pending.length === 0) return first;
  const melted: LedgerState = { ...state, balances: new Map(state.balances), activity: new Map(state.activity), firsts: new Set(state.firsts) };
  commit(melted, accept(pending));
  const decision = decide(melted);
  if (!decision.ok) return decision;
  const touched = new Set(decision.transfers.flatMap((transfer) => [balanceKey(transfer.sender, transfer.asset), balanceKey(transfer.receiver, transfer.asset)]));
  const entry = decision.transfers[0]?.entry ?? null;
  const booked = pending.filter((transfer) => touched.has(balanceKey(transfer.sender, transfer.asset))).map((transfer) => ({ ...transfer, entry }));
  return booked.length === 0 ? decision : accept([...booked, ...decision.transfers], decision.effects);
}

/** The due melts of the given wallets' balances (every loaded balance when null). */
function pendingMelts(state: LedgerState, context: DecisionContext, wallets: readonly string[] | null): TransferDraft[] {
  const pending: TransferDraft[] = [];
  const pairs =
    wallets === null
      ? [...state.balances.keys()].map((key) => [key.slice(0, key.lastIndexOf(':')), key.slice(key.lastIndexOf(':') + 1)] as const)
      : [...new Set(wallets)].flatMap((wallet) => [...state.melts.keys()].map((asset) => [wallet, asset] as const));
  for (const [wallet, asset] of pairs) {
    if (!state.melts.has(asset)) continue;
    const transfer = meltTransfer(state, wallet, asset, context, null);
    if (transfer) pending.push(transfer);
  }
  return pending;
}
