/** Cashier shifts on the reports page and the printable close of day (issue 16, item 9). */
import type { ShiftsReport } from '../../shifts/report';
import { h } from '../../web/dom';
import { DRAWER_EUROS, dateTime, money } from './format';
import { t } from './i18n';

export function shiftsPath(from: string, to: string, place: string, format?: 'csv'): string {
  const query = new URLSearchParams({ from, to });
  if (place) query.set('place', place);
  if (format) query.set('format', format);
  return `reports/shifts?${query}`;
}

/** One row per shift; amounts in euros (a drawer holds euros), each cell's cents in data-value; an alert row is marked. */
export function shiftsTable(id: string, report: ShiftsReport): HTMLElement {
  if (report.shifts.length === 0) return h('p', { class: 'muted', id }, t('noShifts'));
  const cents = (label: string, field: string, value: number | null) =>
    h('td', { 'data-label': label, class: 'num', 'data-field': field, 'data-value': value ?? '' }, value === null ? '—' : money(value, DRAWER_EUROS));
  const heads = [t('shiftOpenedAt'), t('shiftClosedAt'), t('till'), t('cashierCard'), t('shiftFloat'), t('shiftExpected'), t('shiftCounted'), t('shiftDifference')];
  return h(
    'table',
    { class: 'responsive shifts', id },
    h('thead', {}, h('tr', {}, ...heads.map((head, index) => h('th', { scope: 'col', class: index >= 4 ? 'num' : '' }, head)))),
    h(
      'tbody',
      {},
      ...report.shifts.map((shift) =>
        h(
          'tr',
          { 'data-shift': shift.id, 'data-alert': String(shift.alert), class: shift.alert ? 'alert-row' : '' },
          h('th', { scope: 'row', 'data-label': heads[0]! }, dateTime(shift.openedAt)),
          h('td', { 'data-label': heads[1]! }, shift.closedAt === null ? t('shiftStillOpen') : dateTime(shift.closedAt)),
          h('td', { 'data-label': heads[2]! }, `${shift.tillName} · ${shift.placeName}`),
          h('td', { 'data-label': heads[3]! }, shift.cashier),
          cents(heads[4]!, 'float', shift.float),
          cents(heads[5]!, 'expected', shift.expected),
          cents(heads[6]!, 'counted', shift.counted),
          cents(heads[7]!, 'difference', shift.difference),
        ),
      ),
    ),
  );
}
