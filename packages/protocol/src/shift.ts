import { z } from 'zod';
import { COUNT_PIECES_MAX } from './limits';

/**
 * Euro notes and coins in cents, largest first: what a cashier counts in the
 * drawer. A shift's float and its closing count are written per denomination
 * (`{ "2000": 3, "50": 4 }`), or as one total when the cashier only has a total.
 */
export const EURO_NOTES = [50_000, 20_000, 10_000, 5_000, 2_000, 1_000, 500] as const;
export const EURO_COINS = [200, 100, 50, 20, 10, 5, 2, 1] as const;
export const EURO_DENOMINATIONS = [...EURO_NOTES, ...EURO_COINS] as const;

const DENOMINATION_KEYS = EURO_DENOMINATIONS.map(String) as [string, ...string[]];

/** A drawer counted by denomination: cents of the note or coin → how many. */
export const CashCount = z.partialRecord(z.enum(DENOMINATION_KEYS), z.number().int().min(0).max(COUNT_PIECES_MAX));
export type CashCount = z.infer<typeof CashCount>;

/** The value of a count, in cents. */
export function countTotal(count: CashCount): number {
  let total = 0;
  for (const [denomination, pieces] of Object.entries(count)) total += Number(denomination) * (pieces ?? 0);
  return total;
}

/**
 * What one applied movement puts into (or takes out of) the drawer, in cents.
 * Only cash counts: a top-up or membership paid in cash goes in, a refund at the
 * till goes out (a till refunds in cash); bank-card payments, sales from a card's
 * balance and badges never touch the drawer. Only euro-valued assets (federated
 * euro, local currency, vouchers, memberships; 2 decimals) count: time and points
 * are not bought at face value. The till and the hub both use this rule, the till
 * on its journal and the hub on the ledger's transfers.
 */
export function drawerDelta(movement: { kind: string; payment: string | null | undefined; category: string; decimals: number; amount: number }): number {
  if (movement.decimals !== 2 || !DRAWER_CATEGORIES.has(movement.category)) return 0;
  if ((movement.kind === 'REF' || movement.kind === 'SUB') && movement.payment === 'cash') return movement.amount;
  if (movement.kind === 'RFD') return -movement.amount;
  return 0;
}

const DRAWER_CATEGORIES = new Set(['FED', 'TLF', 'TNF', 'SUB']);

/** Beyond this difference (cents) between counted and expected cash, a shift raises an alert, unless its place sets another. */
export const SHIFT_ALERT_THRESHOLD_DEFAULT = 500;
