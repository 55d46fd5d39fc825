import { language } from './i18n';

export interface Asset {
  id: string;
  name: string;
  code: string;
  category: string;
  decimals: number;
}

/** Minor units in the asset's own unit: "12.50 LAC" / "12,50 LAC". */
export function money(value: number, asset: Asset | undefined): string {
  const decimals = asset?.decimals ?? 0;
  const sign = value < 0 ? '−' : '';
  const text = (Math.abs(value) / 10 ** decimals).toFixed(decimals);
  const number = language() === 'fr' ? text.replace('.', ',') : text;
  return asset ? `${sign}${number} ${asset.code}` : `${sign}${number}`;
}

/** "12,50", "12.5", "3" in the asset's unit, as minor units; null when it is not a positive amount. */
export function parseMoney(text: string, decimals: number): number | null {
  const match = /^(\d{1,9})(?:[.,](\d*))?$/.exec(text.trim().replace(/\s/g, ''));
  if (!match) return null;
  const fraction = match[2] ?? '';
  if (fraction.length > decimals) return null;
  const minor = Number(match[1]) * 10 ** decimals + Number(fraction.padEnd(decimals, '0') || '0');
  return Number.isSafeInteger(minor) && minor > 0 ? minor : null;
}

/** "21:03" today, "12/07 21:03" before. */
export function when(iso: string): string {
  const date = new Date(iso);
  const locale = language() === 'fr' ? 'fr-FR' : 'en-GB';
  const time = date.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' });
  if (date.toDateString() === new Date().toDateString()) return time;
  return `${date.toLocaleDateString(locale, { day: '2-digit', month: '2-digit' })} ${time}`;
}

export function day(iso: string): string {
  return new Date(iso).toLocaleDateString(language() === 'fr' ? 'fr-FR' : 'en-GB', { day: 'numeric', month: 'long', year: 'numeric' });
}
