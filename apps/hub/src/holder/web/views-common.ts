import { h } from '../../web/dom';
import { day, money, when, type Asset } from './format';
import { language, setLanguage, t } from './i18n';

export interface WalletView {
  balances: Record<string, number>;
  /** Per melting asset: what melts next, and when. */
  melting?: Record<string, { held: number; due: number; next: { at: string; amount: number } | null }>;
  memberships: { asset: string; validUntil: string; valid: boolean }[];
  debt: boolean;
  history: HistoryRow[];
  assets: Asset[];
}

export interface HistoryRow {
  id: string;
  action: string;
  at: string;
  asset: string;
  amount: number;
  direction: 'in' | 'out';
  place: string | null;
  person: string | null;
  lines: { label: string; qty: number }[];
}

export function assetMap(view: WalletView): Map<string, Asset> {
  return new Map(view.assets.map((asset) => [asset.id, asset]));
}

/** Balances per asset in its own unit, memberships, and the debt in words. */
export function balancesSection(view: WalletView): HTMLElement {
  const assets = assetMap(view);
  const rows = Object.entries(view.balances).filter(([, value]) => value !== 0);
  return h(
    'section',
    { id: 'balances' },
    h('h2', {}, t().balances),
    rows.length === 0 ? h('p', { class: 'muted' }, t().nothing) : h('ul', { class: 'balances' }, ...rows.map(([asset, value]) => h('li', { 'data-asset': asset, 'data-value': value, class: value < 0 ? 'negative' : '' }, h('span', {}, assets.get(asset)?.name ?? asset), h('strong', {}, money(value, assets.get(asset)))))),
    ...view.memberships.map((membership) =>
      h('p', { class: membership.valid ? 'membership' : 'membership over', 'data-asset': membership.asset }, `${assets.get(membership.asset)?.name ?? ''} — ${membership.valid ? t().membership : t().membershipOver} ${day(membership.validUntil)}`),
    ),
    ...Object.entries(view.melting ?? {})
      .filter(([, melting]) => melting.next !== null && melting.next.amount > 0)
      .map(([asset, melting]) => h('p', { class: 'melting', 'data-asset': asset, title: t().meltsHint }, `${money(melting.next!.amount, assets.get(asset))} ${t().melts} ${day(melting.next!.at)}`)),
    view.debt ? h('p', { class: 'bad', id: 'debt' }, t().debt) : null,
  );
}

/** Days spent in a place, in hours and minutes: "14 July — Coworking du port — 2 h 15". */
export function timeSpentSection(rows: readonly { day: string; place: string; minutes: number }[]): HTMLElement | null {
  if (rows.length === 0) return null;
  const duration = (minutes: number) => `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')}`;
  return h('section', { id: 'time-spent' }, h('h2', {}, t().timeSpent), h('ul', {}, ...rows.map((row) => h('li', {}, `${day(row.day)} — ${row.place} — ${duration(row.minutes)}`))));
}

/** "Beer ×2 at Buvette du port, 21:03", "Top-up 20.00 LAC at the welcome desk". */
export function historyWords(row: HistoryRow, assets: Map<string, Asset>): string {
  const words = t();
  const what = row.lines.length > 0 ? row.lines.map((line) => `${line.label} ×${line.qty}`).join(', ') : `${words.actions[row.action] ?? row.action} ${money(row.amount, assets.get(row.asset))}`;
  const where = row.place ? ` ${words.at} ${row.place}` : row.person ? ` ${row.direction === 'out' ? words.toWord : words.from} ${row.person}` : '';
  return `${what}${where}, ${when(row.at)}`;
}

export function historySection(view: WalletView): HTMLElement {
  const assets = assetMap(view);
  return h(
    'section',
    { id: 'history' },
    h('h2', {}, t().history),
    view.history.length === 0
      ? h('p', { class: 'muted' }, t().noHistory)
      : h(
          'ul',
          { class: 'history' },
          ...view.history.map((row) =>
            h('li', { 'data-action': row.action, 'data-direction': row.direction }, h('span', {}, historyWords(row, assets)), h('strong', { class: row.direction }, `${row.direction === 'out' ? '−' : '+'}${money(row.amount, assets.get(row.asset))}`)),
          ),
        ),
  );
}

/** The header: the page's title and the FR/EN switch, which redraws the page. */
export function header(title: string, redraw: () => void): HTMLElement {
  const other = language() === 'fr' ? 'en' : 'fr';
  return h(
    'header',
    {},
    h('h1', {}, title),
    h('button', { type: 'button', id: 'language', class: 'link', onclick: () => (setLanguage(other), redraw()) }, other === 'fr' ? 'Français' : 'English'),
  );
}

export function notice(id: string, text: string, kind: 'good' | 'bad' = 'good'): HTMLElement {
  return h('p', { id, class: kind, role: kind === 'bad' ? 'alert' : 'status' }, text);
}
