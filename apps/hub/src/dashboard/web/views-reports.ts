/** Turnover on screen, as CSV, and a printable close of day per place (issue 16, item 9). */
import { totalsBy, TURNOVER_DIMENSIONS, type PaymentMethod, type TurnoverDimension, type TurnoverKind, type TurnoverReport, type TurnoverTotal } from '../../reports/turnover-lines';
import { api } from './api';
import { h, replace } from '../../web/dom';
import { money, serverNow } from './format';
import { t, type Word } from './i18n';
import type { Directory, View } from './state';
import type { ShiftsReport } from '../../shifts/report';
import { shiftsPath, shiftsTable } from './views-shifts';

const KIND_WORDS: Record<TurnoverKind, Word> = { sale: 'kindSale', topup: 'kindTopup', refund: 'kindRefund', membership: 'kindMembership' };
const METHOD_WORDS: Record<PaymentMethod, Word> = { cash: 'cash', card: 'methodBankCard', transfer: 'bankTransfer', fed: 'methodFed', balance: 'methodBalance', other: 'methodOther' };
const DIMENSION_WORDS: Record<TurnoverDimension, Word> = { place: 'place', till: 'till', cashier: 'cashierCard', day: 'day', asset: 'asset', method: 'paymentMethod' };

/** Today on the hub's clock, as the reports count days: UTC. */
export function todayUtc(): string {
  return new Date(serverNow()).toISOString().slice(0, 10);
}

export function turnoverPath(from: string, to: string, place: string, format?: 'csv'): string {
  const query = new URLSearchParams({ from, to });
  if (place) query.set('place', place);
  if (format) query.set('format', format);
  return `reports/turnover?${query}`;
}

/** What a total's key means, in words: a place's or till's name, a method, an asset… */
function keyLabel(total: TurnoverTotal, dimension: TurnoverDimension, report: TurnoverReport, directory: Directory): string {
  const key = total.key;
  switch (dimension) {
    case 'place':
      return key === null ? '—' : (report.names.places[key] ?? key);
    case 'till':
      return key === null ? t('cashDesk') : (report.names.tills[key] ?? key);
    case 'method':
      // Along the method dimension, keys are the PaymentMethod of the lines (totalsBy).
      return t(METHOD_WORDS[key as PaymentMethod] ?? 'methodOther');
    case 'asset': {
      const asset = key === null ? undefined : directory.assets.get(key);
      return asset ? `${asset.name} (${asset.code})` : (key ?? '—');
    }
    default:
      return key ?? '—';
  }
}

/** One table of totals along a dimension; each amount cell carries its minor units in data-value. */
export function totalsTable(id: string, report: TurnoverReport, dimension: TurnoverDimension, directory: Directory, totals = totalsBy(report.lines, dimension)): HTMLElement {
  if (totals.length === 0) return h('p', { class: 'muted', id }, t('noTurnover'));
  const label = t(DIMENSION_WORDS[dimension]);
  return h(
    'table',
    { class: 'responsive turnover', id },
    h(
      'thead',
      {},
      h('tr', {}, h('th', { scope: 'col' }, label), h('th', { scope: 'col' }, t('turnoverKind')), h('th', { scope: 'col' }, t('asset')), h('th', { scope: 'col', class: 'num' }, t('count')), h('th', { scope: 'col', class: 'num' }, t('amount'))),
    ),
    h(
      'tbody',
      {},
      ...totals.map((total) => {
        const asset = directory.assets.get(total.asset);
        return h(
          'tr',
          { 'data-key': total.key ?? '', 'data-kind': total.kind, 'data-asset': total.asset },
          h('th', { scope: 'row', 'data-label': label }, keyLabel(total, dimension, report, directory)),
          h('td', { 'data-label': t('turnoverKind') }, t(KIND_WORDS[total.kind])),
          h('td', { 'data-label': t('asset') }, asset ? `${asset.name} (${asset.code})` : total.asset),
          h('td', { 'data-label': t('count'), class: 'num', 'data-field': 'count', 'data-value': total.count }, total.count),
          h('td', { 'data-label': t('amount'), class: 'num', 'data-field': 'amount', 'data-value': total.amount }, money(total.amount, asset)),
        );
      }),
    ),
  );
}

function placeSelect(id: string, directory: Directory, selected: string, empty: Word): HTMLSelectElement {
  return h(
    'select',
    { id, name: 'place' },
    h('option', { value: '', selected: selected === '' }, t(empty)),
    ...directory.meta.places.map((place) => h('option', { value: place.id, selected: place.id === selected }, place.name)),
  );
}

export class ReportsView implements View {
  readonly topics = ['money'] as const;
  readonly element = h('section', { class: 'view reports' });
  private readonly results = h('div', { id: 'report-results' });
  private readonly from: string;
  private readonly to: string;
  private readonly place: string;
  private readonly by: TurnoverDimension;

  constructor(
    private readonly directory: () => Directory,
    params: URLSearchParams,
  ) {
    const today = todayUtc();
    this.from = params.get('from') ?? today;
    this.to = params.get('to') ?? this.from;
    this.place = params.get('place') ?? '';
    const by = params.get('by');
    this.by = TURNOVER_DIMENSIONS.find((dimension) => dimension === by) ?? 'place';
    // The form is built once: a refresh (new sales) replaces the results, never what the operator is typing.
    replace(this.element, h('h2', {}, t('reports')), this.form(), this.links(), this.results);
  }

  private form(): HTMLElement {
    const from = h('input', { type: 'date', id: 'report-from', name: 'from', value: this.from, required: true });
    const to = h('input', { type: 'date', id: 'report-to', name: 'to', value: this.to, required: true });
    const place = placeSelect('report-place', this.directory(), this.place, 'allPlaces');
    const by = h('select', { id: 'report-by', name: 'by' }, ...TURNOVER_DIMENSIONS.map((dimension) => h('option', { value: dimension, selected: dimension === this.by }, t(DIMENSION_WORDS[dimension]))));
    const submit = (event: Event) => {
      event.preventDefault();
      const query = new URLSearchParams({ from: from.value, to: to.value, by: by.value });
      if (place.value) query.set('place', place.value);
      location.hash = `#/reports?${query}`;
    };
    return h(
      'form',
      { class: 'inline-form filters', id: 'report-form', onsubmit: submit },
      h('label', {}, t('fromDay'), ' ', from),
      h('label', {}, t('toDay'), ' ', to),
      h('label', {}, t('place'), ' ', place),
      h('label', {}, t('groupBy'), ' ', by),
      h('button', { type: 'submit', id: 'report-submit' }, t('showReport')),
    );
  }

  private links(): HTMLElement {
    const closeOfDay = new URLSearchParams({ day: this.to });
    if (this.place) closeOfDay.set('place', this.place);
    return h(
      'p',
      { class: 'report-links' },
      h('a', { class: 'button', id: 'report-csv', href: `/dashboard/api/${turnoverPath(this.from, this.to, this.place, 'csv')}`, download: '' }, t('downloadCsv')),
      ' ',
      h('a', { class: 'button', id: 'report-close', href: `#/close-of-day?${closeOfDay}` }, t('closeOfDay')),
      ' ',
      h('a', { class: 'button', id: 'report-shifts-csv', href: `/dashboard/api/${shiftsPath(this.from, this.to, this.place, 'csv')}`, download: '' }, t('downloadShiftsCsv')),
    );
  }

  async refresh(): Promise<void> {
    const [report, shifts] = await Promise.all([api<TurnoverReport>(turnoverPath(this.from, this.to, this.place)), api<ShiftsReport>(shiftsPath(this.from, this.to, this.place))]);
    replace(this.results, totalsTable('turnover', report, this.by, this.directory()), h('h3', {}, t('shifts')), shiftsTable('report-shifts', shifts));
  }
}

/** The close of day of one place: totals, per method, per till and per cashier card, on one printable page. */
export class CloseOfDayView implements View {
  readonly topics = ['money'] as const;
  readonly element = h('section', { class: 'view close-of-day' });
  private readonly day: string;
  private readonly place: string;

  constructor(
    private readonly directory: () => Directory,
    params: URLSearchParams,
  ) {
    this.day = params.get('day') ?? todayUtc();
    this.place = params.get('place') ?? '';
  }

  async refresh(): Promise<void> {
    const directory = this.directory();
    const select = placeSelect('close-place', directory, this.place, 'pickPlace');
    select.addEventListener('change', () => (location.hash = `#/close-of-day?${new URLSearchParams({ day: this.day, place: select.value })}`));
    const day = h('input', { type: 'date', id: 'close-day', value: this.day });
    day.addEventListener('change', () => (location.hash = `#/close-of-day?${new URLSearchParams({ day: day.value, place: this.place })}`));
    const controls = h('p', { class: 'no-print inline-form' }, select, day, h('button', { type: 'button', id: 'close-print', onclick: () => window.print(), disabled: this.place === '' }, t('print')));
    if (this.place === '') {
      replace(this.element, h('h2', {}, t('closeOfDay')), controls, h('p', { id: 'close-pick' }, t('pickPlace')));
      return;
    }
    const [report, shifts] = await Promise.all([api<TurnoverReport>(turnoverPath(this.day, this.day, this.place)), api<ShiftsReport>(shiftsPath(this.day, this.day, this.place))]);
    const name = directory.places.get(this.place)?.name ?? this.place;
    replace(
      this.element,
      h('h2', { id: 'close-title' }, `${t('closeOfDay')} — ${name} — ${this.day}`),
      controls,
      h('h3', {}, t('totals')),
      totalsTable('close-totals', report, 'asset', directory),
      h('h3', {}, t('byMethod')),
      totalsTable('close-methods', report, 'method', directory),
      h('h3', {}, t('byTill')),
      totalsTable('close-tills', report, 'till', directory),
      h('h3', {}, t('byCashier')),
      totalsTable('close-cashiers', report, 'cashier', directory),
      h('h3', {}, t('shifts')),
      shiftsTable('close-shifts', shifts),
    );
  }
}
