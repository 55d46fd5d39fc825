/** Money per asset and per place, the conservation check, transfers per minute. */
import type { MoneyAsset, MoneyReport } from '../views';
import { api } from './api';
import { h, replace, svg } from '../../web/dom';
import { money } from './format';
import { t, type Word } from './i18n';
import type { Directory, View } from './state';
import { totalsBy, type TurnoverReport } from '../../reports/turnover-lines';
import { todayUtc, totalsTable, turnoverPath } from './views-reports';

type Field = 'created' | 'userWallets' | 'places' | 'destroyed' | 'debt' | 'balances' | 'expected';
const COLUMNS: [Field, Word][] = [
  ['created', 'created'],
  ['userWallets', 'userWallets'],
  ['places', 'heldByPlaces'],
  ['destroyed', 'destroyed'],
  ['debt', 'debt'],
  ['balances', 'balances'],
  ['expected', 'expected'],
];

/** Each amount cell carries its minor units in data-value: the page shows words, tests read numbers. */
function assetRow(row: MoneyAsset): HTMLElement {
  return h(
    'tr',
    { 'data-asset': row.asset.id },
    h('th', { scope: 'row', 'data-label': t('asset') }, `${row.asset.name} (${row.asset.code})`),
    ...COLUMNS.map(([field, word]) =>
      h('td', { 'data-label': t(word), 'data-field': field, 'data-value': row[field], class: `num${field === 'debt' && row.debt < 0 ? ' bad' : ''}` }, money(row[field], row.asset)),
    ),
    h(
      'td',
      { 'data-label': t('conservation'), 'data-field': 'ok', 'data-ok': String(row.ok) },
      h('span', { class: `badge ${row.ok ? 'state-online' : 'state-offline'}` }, row.ok ? '✓ OK' : `✗ ${money(row.balances - row.expected, row.asset)}`),
    ),
  );
}

function assetsTable(report: MoneyReport): HTMLElement {
  // Assets that never moved (only their FST) stay out of the way.
  const rows = report.assets.filter((row) => row.created !== 0 || row.balances !== 0 || row.destroyed !== 0 || !row.ok);
  return h(
    'table',
    { class: 'money responsive', id: 'money' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('asset')), ...COLUMNS.map(([, word]) => h('th', { scope: 'col', class: 'num' }, t(word))), h('th', { scope: 'col' }, t('conservation')))),
    h('tbody', {}, ...rows.map(assetRow)),
  );
}

function placesTable(report: MoneyReport, directory: Directory): HTMLElement {
  return h(
    'table',
    { class: 'places responsive', id: 'place-totals' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('place')), h('th', { scope: 'col' }, t('balance')))),
    h(
      'tbody',
      {},
      ...report.places.map((place) =>
        h(
          'tr',
          { 'data-place': place.id },
          h('th', { scope: 'row', 'data-label': t('place') }, place.name),
          h(
            'td',
            { 'data-label': t('balance') },
            Object.keys(place.totals).length === 0
              ? '—'
              : h('ul', { class: 'plain' }, ...Object.entries(place.totals).map(([asset, value]) => h('li', { 'data-asset': asset, 'data-value': value }, money(value, directory.assets.get(asset))))),
          ),
        ),
      ),
    ),
  );
}

/** Bars of transfers per minute, inline SVG scaled by the viewBox (no chart library). */
export function perMinuteChart(perMinute: MoneyReport['perMinute']): SVGElement {
  const width = 600;
  const height = 120;
  const max = Math.max(1, ...perMinute.map((bucket) => bucket.transfers));
  const bar = width / Math.max(1, perMinute.length);
  const chart = svg('svg', { viewBox: `0 0 ${width} ${height + 16}`, class: 'chart', role: 'img', 'aria-label': t('transfersPerMinute'), id: 'per-minute' });
  chart.appendChild(svg('line', { x1: 0, y1: height, x2: width, y2: height, class: 'axis' }));
  perMinute.forEach((bucket, index) => {
    const barHeight = Math.round((bucket.transfers / max) * (height - 4));
    const rect = svg('rect', { x: index * bar + 1, y: height - barHeight, width: Math.max(1, bar - 2), height: barHeight, class: 'bar', 'data-minute': bucket.minute, 'data-count': bucket.transfers });
    rect.appendChild(svg('title', {}, `${bucket.minute.slice(11)} UTC: ${bucket.transfers}`));
    chart.appendChild(rect);
  });
  chart.appendChild(svg('text', { x: 0, y: height + 14, class: 'label' }, perMinute[0]?.minute.slice(11) ?? ''));
  chart.appendChild(svg('text', { x: width, y: height + 14, class: 'label end' }, perMinute.at(-1)?.minute.slice(11) ?? ''));
  chart.appendChild(svg('text', { x: 2, y: 12, class: 'label' }, `max ${max}`));
  return chart;
}

export class MoneyView implements View {
  readonly topics = ['money'] as const;
  readonly element = h('section', { class: 'view' });

  constructor(private readonly directory: () => Directory) {}

  async refresh(): Promise<void> {
    const today = todayUtc();
    const [report, turnover] = await Promise.all([api<MoneyReport>('money'), api<TurnoverReport>(turnoverPath(today, today, ''))]);
    const sales = totalsBy(turnover.lines, 'place').filter((total) => total.kind === 'sale');
    replace(
      this.element,
      h('h2', {}, t('money')),
      h('h3', {}, t('salesToday'), ' ', h('a', { href: `#/reports?from=${today}&to=${today}`, class: 'small' }, t('reports'))),
      totalsTable('sales-today', turnover, 'place', this.directory(), sales),
      assetsTable(report),
      h('div', { class: 'columns' }, h('div', {}, h('h3', {}, t('perPlace')), placesTable(report, this.directory())), h('div', {}, h('h3', {}, t('transfersPerMinute')), perMinuteChart(report.perMinute))),
    );
  }
}
