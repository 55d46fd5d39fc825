/**
 * Turnover: sales, top-ups, refunds and memberships per day, place, till, cashier
 * card, asset and payment method, from the ledger's transfers. Read-only: a report
 * never writes, so it needs no ledger rule of its own.
 */
import type { HubContext } from '../context';
import { HubError } from '../errors';
import * as repo from '../storage/repo';
import type { ReportedAction } from '../storage/repo-reports';

export type TurnoverKind = 'sale' | 'topup' | 'refund' | 'membership';
/** `card` is a bank card, `transfer` a bank transfer; `balance` is paid from the visitor card's own balance; `other` a top-up without a recorded method. */
export type PaymentMethod = 'cash' | 'card' | 'transfer' | 'fed' | 'balance' | 'other';
export type TurnoverDimension = 'place' | 'till' | 'cashier' | 'day' | 'asset' | 'method';
export const TURNOVER_DIMENSIONS: readonly TurnoverDimension[] = ['place', 'till', 'cashier', 'day', 'asset', 'method'];

/** A report covers at most this many days: one grouped query over a bounded range. */
export const REPORT_DAYS_MAX = 366;

const KIND_OF: Record<ReportedAction, TurnoverKind> = { SAL: 'sale', QRS: 'sale', REF: 'topup', RFD: 'refund', SUB: 'membership' };

export interface TurnoverLine {
  day: string;
  kind: TurnoverKind;
  action: ReportedAction;
  asset: string;
  place: string | null;
  till: string | null;
  /** The cashier card's tag (firstTagId). */
  cashier: string | null;
  method: PaymentMethod;
  count: number;
  amount: number;
}

export interface TurnoverReport {
  /** Days, both included (UTC). */
  from: string;
  to: string;
  place: string | null;
  lines: TurnoverLine[];
  /** Names of what the lines refer to, by id. */
  names: { places: Record<string, string>; tills: Record<string, string> };
}

export interface TurnoverRange {
  from: string;
  to: string;
  place?: string;
}

export async function turnoverReport(context: HubContext, range: TurnoverRange): Promise<TurnoverReport> {
  const { fromIso, toIso } = dayRange(range.from, range.to);
  const tx = context.storage.read;
  const groups = await repo.turnoverGroups(tx, { from: fromIso, to: toIso, ...(range.place === undefined ? {} : { placeId: range.place }) });
  const assets = await repo.getAssets(tx, [...new Set(groups.map((group) => group.assetId))]);
  const tags = await repo.cardTags(tx, groups.flatMap((group) => (group.primaryCardId ? [group.primaryCardId] : [])));
  const places = Object.fromEntries((await repo.listPlaces(tx)).map((place) => [place.id, place.name]));
  const tills = Object.fromEntries((await repo.listTerminals(tx)).map((terminal) => [terminal.id, terminal.name]));
  const lines = groups.map(
    (group): TurnoverLine => ({
      day: group.day,
      kind: KIND_OF[group.action],
      action: group.action,
      asset: group.assetId,
      place: group.placeId,
      till: group.terminalId,
      cashier: group.primaryCardId === null ? null : (tags.get(group.primaryCardId) ?? null),
      method: methodOf(KIND_OF[group.action], group.payment, assets.get(group.assetId)?.category === 'FED'),
      count: group.transfers,
      amount: group.amount,
    }),
  );
  return { from: range.from, to: range.to, place: range.place ?? null, lines, names: { places, tills } };
}

export function methodOf(kind: TurnoverKind, payment: string | null, fed: boolean): PaymentMethod {
  if (payment === 'cash' || payment === 'card' || payment === 'transfer') return payment;
  if (fed) return 'fed';
  return kind === 'sale' || kind === 'refund' ? 'balance' : 'other';
}

/** UTC day bounds of an inclusive range of days; a range backwards or too long is the caller's error. */
export function dayRange(from: string, to: string): { fromIso: string; toIso: string } {
  const start = Date.parse(`${from}T00:00:00.000Z`);
  const end = Date.parse(`${to}T00:00:00.000Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(from) || !/^\d{4}-\d{2}-\d{2}$/.test(to) || Number.isNaN(start) || Number.isNaN(end)) {
    throw new HubError('bad_request', 'days are written YYYY-MM-DD');
  }
  if (end < start) throw new HubError('bad_request', `the report ends (${to}) before it starts (${from})`);
  const days = (end - start) / 86_400_000 + 1;
  if (days > REPORT_DAYS_MAX) throw new HubError('bad_request', `a report covers at most ${REPORT_DAYS_MAX} days, not ${days}`);
  return { fromIso: new Date(start).toISOString(), toIso: new Date(end + 86_400_000).toISOString() };
}

export interface TurnoverTotal {
  /** The value of the dimension (a place id, a day, a method…); null = none (the cash desk has no till). */
  key: string | null;
  kind: TurnoverKind;
  asset: string;
  count: number;
  amount: number;
}

/** Lines summed along one dimension, per kind and asset: amounts of different assets never add up. */
export function totalsBy(lines: readonly TurnoverLine[], dimension: TurnoverDimension): TurnoverTotal[] {
  const totals = new Map<string, TurnoverTotal>();
  for (const line of lines) {
    const key = keyOf(line, dimension);
    const id = JSON.stringify([key, line.kind, line.asset]);
    const total = totals.get(id) ?? { key, kind: line.kind, asset: line.asset, count: 0, amount: 0 };
    total.count += line.count;
    total.amount += line.amount;
    totals.set(id, total);
  }
  return [...totals.values()].sort((a, b) => (a.key ?? '').localeCompare(b.key ?? '') || KINDS.indexOf(a.kind) - KINDS.indexOf(b.kind) || a.asset.localeCompare(b.asset));
}

const KINDS: readonly TurnoverKind[] = ['sale', 'topup', 'refund', 'membership'];

function keyOf(line: TurnoverLine, dimension: TurnoverDimension): string | null {
  switch (dimension) {
    case 'place':
      return line.place;
    case 'till':
      return line.till;
    case 'cashier':
      return line.cashier;
    case 'day':
      return line.day;
    case 'asset':
      return line.asset;
    case 'method':
      return line.method;
  }
}
