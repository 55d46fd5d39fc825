import { decimalAmount, decimalSeparator, parsePositiveAmount } from '@fedow/protocol/words';
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
  const number = decimalAmount(Math.abs(value), decimals, { separator: decimalSeparator(language()) });
  return asset ? `${sign}${number} ${asset.code}` : `${sign}${number}`;
}

/** What the holder typed, as positive minor units of the asset (the shared vocabulary's reading). */
export const parseMoney = parsePositiveAmount;

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
