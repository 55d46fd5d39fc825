/**
 * The till screen's numbers beyond the shared vocabulary: the keypad's digits,
 * dates and the time since the hub last spoke. Amounts are written by
 * `formatAmount` of @fedow/protocol/words, the agent's own, so both say the same.
 */
import type { Language, MoneyUnit } from '@fedow/protocol/words';

/** A unit of the till screen: the asset's decimals and currency code. */
export type Unit = MoneyUnit;

/** The unit of a sale typed on the keypad before the place's assets arrive. */
export const EURO_CENTS: Unit = { decimals: 2, currencyCode: 'EUR' };

/** Keypad digits are minor units typed left to right, like a card terminal: 2, 5, 0 → 2.50. */
export const KEYPAD_DIGITS_MAX = 7;

export function keypadAmount(digits: string): number {
  return digits.length === 0 ? 0 : Number.parseInt(digits, 10);
}

export function formatDate(iso: string | number, language: Language): string {
  const date = new Date(iso);
  return date.toLocaleString(language === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'short', timeStyle: 'short' });
}

/** "12 s", "4 min", "2 h": how long ago the hub last spoke, at a glance. */
export function formatElapsed(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.round(minutes / 60)} h`;
}
