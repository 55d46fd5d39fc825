/**
 * Minor units → words at the edge (STYLE.md habit 7), with the same rules as the
 * agent's `formatAmount` (packages/terminal/src/reason.ts), which the UI cannot
 * import: it lives in a Node package beside SQLite. money.test.ts holds both to
 * the same outputs.
 */
import type { Language } from './i18n';

export interface Unit {
  decimals: number;
  currencyCode: string;
}

const SYMBOLS: Record<string, string> = { EUR: '€', USD: '$', GBP: '£', CHF: 'CHF' };

/** The unit of a sale typed on the keypad before the place's assets arrive. */
export const EURO_CENTS: Unit = { decimals: 2, currencyCode: 'EUR' };

export function formatAmount(amount: number, unit: Unit, language: Language): string {
  const sign = amount < 0 ? '-' : '';
  const digits = Math.abs(Math.trunc(amount)).toString().padStart(unit.decimals + 1, '0');
  const whole = digits.slice(0, digits.length - unit.decimals);
  const fraction = digits.slice(digits.length - unit.decimals);
  const separator = language === 'fr' ? ',' : '.';
  const number = unit.decimals > 0 ? `${whole}${separator}${fraction}` : whole;
  return `${sign}${number} ${SYMBOLS[unit.currencyCode] ?? unit.currencyCode}`;
}

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
