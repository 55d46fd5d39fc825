/**
 * The turnover report's shape and its sums, without I/O: shared by the hub and the
 * dashboard's page (which sums along the dimension the operator picks).
 */

export type TurnoverKind = 'sale' | 'topup' | 'refund' | 'membership';
/** `card` is a bank card, `transfer` a bank transfer; `balance` is paid from the visitor card's own balance; `other` a top-up without a recorded method. */
export type PaymentMethod = 'cash' | 'card' | 'transfer' | 'fed' | 'balance' | 'other';
export type TurnoverDimension = 'place' | 'till' | 'cashier' | 'day' | 'asset' | 'method';
export const TURNOVER_DIMENSIONS: readonly TurnoverDimension[] = ['place', 'till', 'cashier', 'day', 'asset', 'method'];

export type ReportedAction = 'SAL' | 'QRS' | 'REF' | 'RFD' | 'SUB';

export const KIND_OF: Record<ReportedAction, TurnoverKind> = { SAL: 'sale', QRS: 'sale', REF: 'topup', RFD: 'refund', SUB: 'membership' };

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

export function methodOf(kind: TurnoverKind, payment: string | null, fed: boolean): PaymentMethod {
  if (payment === 'cash' || payment === 'card' || payment === 'transfer') return payment;
  if (fed) return 'fed';
  return kind === 'sale' || kind === 'refund' ? 'balance' : 'other';
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
