import type { EntryKind } from '@fedow/protocol';
import type { CardCache } from '../store/card-cache';
import type { Journal } from '../store/journal';
import { formatAmount, type Language } from '../reason';

/**
 * The cash register's totals: what a cashier's session took in and paid out,
 * per kind, asset and payment method (the close-register screen and its print).
 * A read-only view over the journal and the card cache's asset list.
 */

export type Payment = 'cash' | 'card';

export interface RegisterRow {
  kind: EntryKind;
  asset: string | null;
  assetName: string;
  /** Top-ups and memberships record how they were paid; sales and refunds do not. */
  payment: Payment | null;
  count: number;
  amount: number;
  formatted: string;
}

export interface RegisterTotals {
  primary: string;
  openedAt: number;
  /** Till clock when the totals were taken. */
  at: number;
  entries: number;
  rows: RegisterRow[];
  /** Money the cashier took in, per payment method, per currency code. */
  taken: Record<Payment, Record<string, number>>;
}

/**
 * The session's totals from the journal itself (not from counters kept in
 * memory), so a restart in the middle of a shift loses nothing. A split sale
 * counts once per asset it took money from.
 */
export function registerTotals(journal: Journal, cache: CardCache, primary: string, openedAt: number, now: number, language: Language): RegisterTotals {
  const rows = journal.sessionTotals(primary, openedAt);
  const assets = cache.assets();
  const taken: RegisterTotals['taken'] = { cash: {}, card: {} };
  const views = rows.map((row): RegisterRow => {
    const asset = row.asset === null ? undefined : assets.get(row.asset);
    const payment = row.payment === 'cash' || row.payment === 'card' ? row.payment : null;
    if (payment && asset && (row.kind === 'REF' || row.kind === 'SUB')) {
      taken[payment][asset.currencyCode] = (taken[payment][asset.currencyCode] ?? 0) + row.amount;
    }
    return {
      kind: row.kind,
      asset: row.asset,
      assetName: asset?.name ?? (row.kind === 'VID' ? '—' : (row.asset ?? '—')),
      payment,
      count: row.count,
      amount: row.amount,
      formatted: asset ? formatAmount(row.amount, asset, language) : String(row.amount),
    };
  });
  return { primary, openedAt, at: now, entries: views.reduce((total, row) => total + row.count, 0), rows: views, taken };
}
