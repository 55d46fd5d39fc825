/**
 * Money in words, at the edge (STYLE.md habit 7): amounts are integers in minor
 * units everywhere else, and only here do they get a decimal separator. Digits
 * are cut from the integer's decimal string, never divided as floats, so 2^53 - 1
 * minor units print exactly. One module for the till, the kiosk UI, the dashboard
 * and the CLI: each screen picks its separator, grouping and unit label.
 */
import type { Language } from './language';

/** What an amount is counted in: the asset's decimals and its currency code. */
export interface MoneyUnit {
  decimals: number;
  currencyCode: string;
}

export interface DecimalStyle {
  /** Between units and minor units; '.' unless said otherwise. */
  separator?: string;
  /** Between groups of three digits of the whole part; none unless said otherwise. */
  grouping?: string;
}

const SYMBOLS: Record<string, string> = { EUR: '€', USD: '$', GBP: '£', CHF: 'CHF' };

/** "€" for EUR; an asset of the place ("MLA") is shown by its own code. */
export function currencySymbol(currencyCode: string): string {
  return SYMBOLS[currencyCode] ?? currencyCode;
}

/**
 * Minor units → "-1234.56" with `decimals` digits after the separator. A
 * non-integer or an unsafe integer is a programmer's error: no screen may round
 * money silently.
 */
export function decimalAmount(amount: number, decimals: number, style: DecimalStyle = {}): string {
  if (!Number.isSafeInteger(amount)) throw new RangeError(`amounts are safe integers in minor units, not ${amount}`);
  if (!Number.isInteger(decimals) || decimals < 0) throw new RangeError(`an asset has 0 or more decimals, not ${decimals}`);
  const sign = amount < 0 ? '-' : '';
  const digits = Math.abs(amount).toString().padStart(decimals + 1, '0');
  const whole = group(digits.slice(0, digits.length - decimals), style.grouping);
  if (decimals === 0) return `${sign}${whole}`;
  return `${sign}${whole}${style.separator ?? '.'}${digits.slice(digits.length - decimals)}`;
}

function group(whole: string, separator: string | undefined): string {
  if (!separator) return whole;
  return whole.replace(/\B(?=(\d{3})+$)/g, separator);
}

/** The decimal separator people of a language expect. */
export function decimalSeparator(language: Language): string {
  return language === 'fr' ? ',' : '.';
}

/**
 * The till's way (packages/terminal, the kiosk UI): "2.40 €" / "2,40 €", no
 * grouping (a cashier reads small sums at arm's length), the currency's symbol.
 */
export function formatAmount(amount: number, unit: MoneyUnit, language: Language): string {
  const number = decimalAmount(amount, unit.decimals, { separator: decimalSeparator(language) });
  return `${number} ${currencySymbol(unit.currencyCode)}`;
}

/**
 * The dashboard's way: grouped thousands as the browser's en-GB and fr-FR number
 * formats write them ("1,234.56" / "1 234,56" with a narrow no-break space), so
 * an operator reads the large totals of a festival at a glance.
 */
export function groupedAmount(amount: number, decimals: number, language: Language): string {
  return decimalAmount(amount, decimals, { separator: decimalSeparator(language), grouping: language === 'fr' ? '\u202f' : ',' });
}

/**
 * What someone typed ("12,50", "12.5", "3", "1 234,5") in the asset's unit, as
 * minor units: the digits are read as digits, never through a float, and null
 * comes back for anything else — a sign, a letter, more decimals than the asset
 * has, an amount beyond 2^53 - 1 minor units. Zero is an amount (a counted drawer
 * can be empty): a form that needs a positive one says so.
 */
export function parseAmount(text: string, decimals: number): number | null {
  const match = /^(\d{1,16})(?:[.,](\d*))?$/.exec(text.replace(/\s/g, ''));
  if (!match) return null;
  const fraction = match[2] ?? '';
  if (fraction.length > decimals) return null;
  // Below 2^53 a digit string reads exactly; above it the safe-integer check refuses it.
  const minor = Number(`${match[1]}${fraction.padEnd(decimals, '0')}`);
  return Number.isSafeInteger(minor) ? minor : null;
}

/** The same, for the forms that move money: a positive amount or null. */
export function parsePositiveAmount(text: string, decimals: number): number | null {
  const minor = parseAmount(text, decimals);
  return minor !== null && minor > 0 ? minor : null;
}
