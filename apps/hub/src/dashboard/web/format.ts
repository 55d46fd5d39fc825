import { groupedAmount, parsePositiveAmount } from '@fedow/protocol/words';
import type { AssetInfo } from '../views';
import { h } from '../../web/dom';
import { language, t } from './i18n';

/** Server time minus browser time: "time since" counts on the hub's clock, not the phone's. */
let offsetMs = 0;

export function setServerNow(iso: string): void {
  offsetMs = Date.parse(iso) - Date.now();
}

export function serverNow(): number {
  return Date.now() + offsetMs;
}

/** An amount in minor units, with the asset's decimals, at the edge (STYLE.md habit 7). */
/** A cash drawer holds euros, in cents, whatever assets went through it (shifts). */
export const DRAWER_EUROS: AssetInfo = { id: 'drawer', name: 'EUR', code: '€', category: 'TLF', decimals: 2, archived: false };

export function money(value: number, asset: AssetInfo | undefined): string {
  // Time is counted in minutes (LEDGER.md) and read in hours.
  if (asset?.category === 'TIM') return `${hours(value)} ${asset.code}`;
  // Grouped as en-GB's and fr-FR's number formats write it, from the integer's digits: no float rounds a large balance.
  const number = groupedAmount(value, asset?.decimals ?? 0, language());
  return asset ? `${number} ${asset.code}` : number;
}

/** What an operator typed, as positive minor units of the asset (the shared vocabulary's reading). */
export const parseMoney = parsePositiveAmount;

/** "12 s", "4 min", "2 h 05", "3 d". */
export function duration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${String(minutes % 60).padStart(2, '0')}`;
  return `${Math.floor(hours / 24)} ${language() === 'fr' ? 'j' : 'd'}`;
}

export function dateTime(iso: string | null): string {
  if (iso === null) return t('never');
  return new Date(iso).toLocaleString(language() === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'short', timeStyle: 'medium' });
}

/** A "time since" cell: the 1 s tick rewrites every element with data-since. */
export function since(iso: string | null): HTMLElement {
  const element = h('span', { class: 'since', 'data-since': iso ?? '', title: iso === null ? '' : dateTime(iso) });
  renderSince(element);
  return element;
}

/** A countdown: the tick rewrites every element with data-until. */
export function until(iso: string): HTMLElement {
  const element = h('span', { class: 'until', 'data-until': iso });
  renderUntil(element);
  return element;
}

export function renderSince(element: HTMLElement): void {
  const at = element.dataset.since;
  element.textContent = at ? (language() === 'fr' ? `${t('ago')} ${duration(serverNow() - Date.parse(at))}` : `${duration(serverNow() - Date.parse(at))} ${t('ago')}`) : t('never');
}

export function renderUntil(element: HTMLElement): void {
  const left = Date.parse(element.dataset.until ?? '') - serverNow();
  element.textContent = left > 0 ? `${Math.floor(left / 60_000)}:${String(Math.floor((left % 60_000) / 1000)).padStart(2, '0')}` : t('codeExpired');
  element.classList.toggle('expired', left <= 0);
}

export function tickAll(): void {
  document.querySelectorAll<HTMLElement>('[data-since]').forEach(renderSince);
  document.querySelectorAll<HTMLElement>('[data-until]').forEach(renderUntil);
}

/** Minutes as hours and minutes: 90 → "1 h 30", −45 → "−0 h 45". */
export function hours(minutes: number): string {
  const sign = minutes < 0 ? '−' : '';
  const total = Math.abs(minutes);
  return `${sign}${Math.floor(total / 60)} h ${String(total % 60).padStart(2, '0')}`;
}
