/** Compensation runs: the matrix of gross claims between parties, the netted positions, the payments that settle them. */
import type { AssetInfo } from '../views';
import { api } from './api';
import { h, replace } from '../../web/dom';
import { money } from './format';
import { language, t } from './i18n';
import { LastDrawn, type Directory, type View } from './state';

/** GET /dashboard/api/compensations, as the page reads it. */
interface RunJson {
  request: string;
  federation: { id: string; name: string };
  from: string;
  to: string;
  unit: { code: string; decimals: number };
  parties: { wallet: string; name: string; place: string | null }[];
  matrix: { holder: string; issuer: string; amount: number }[];
  net: { wallet: string; amount: number }[];
  payments: { id: string; debtor: string; creditor: string; amount: number }[];
}

function unitOf(run: RunJson, directory: Directory): AssetInfo | undefined {
  return [...directory.assets.values()].find((asset) => asset.category === 'FED' && asset.code === run.unit.code);
}

/** Each amount cell carries its minor units in data-value: the page shows words, tests read numbers. */
function amountCell(value: number, unit: AssetInfo | undefined, attributes: Record<string, string> = {}): HTMLElement {
  return h('td', { class: `num${value < 0 ? ' bad' : ''}`, 'data-value': value, ...attributes }, value === 0 ? '—' : money(value, unit));
}

function matrixTable(run: RunJson, unit: AssetInfo | undefined): HTMLElement {
  const cell = (holder: string, issuer: string) => run.matrix.find((entry) => entry.holder === holder && entry.issuer === issuer)?.amount ?? 0;
  const net = (wallet: string) => run.net.find((entry) => entry.wallet === wallet)?.amount ?? 0;
  return h(
    'table',
    { class: 'matrix', 'data-matrix': run.request },
    h('caption', {}, t('claimsMatrix')),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('claimsHolder')), ...run.parties.map((party) => h('th', { scope: 'col', class: 'num' }, party.name)), h('th', { scope: 'col', class: 'num' }, t('netPosition')))),
    h(
      'tbody',
      {},
      ...run.parties.map((holder) =>
        h(
          'tr',
          { 'data-holder': holder.wallet },
          h('th', { scope: 'row' }, holder.name),
          ...run.parties.map((issuer) => amountCell(cell(holder.wallet, issuer.wallet), unit, { 'data-issuer': issuer.wallet })),
          amountCell(net(holder.wallet), unit, { 'data-field': 'net' }),
        ),
      ),
    ),
  );
}

function paymentsTable(run: RunJson, unit: AssetInfo | undefined): HTMLElement {
  const name = (wallet: string) => run.parties.find((party) => party.wallet === wallet)?.name ?? wallet;
  return h(
    'table',
    { class: 'payments', 'data-payments': run.request },
    h('caption', {}, t('settlementPayments')),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('payer')), h('th', { scope: 'col' }, t('payee')), h('th', { scope: 'col', class: 'num' }, t('amount')))),
    h('tbody', {}, ...run.payments.map((payment) => h('tr', { 'data-payment': payment.id }, h('td', {}, name(payment.debtor)), h('td', {}, name(payment.creditor)), amountCell(payment.amount, unit)))),
  );
}

function statementLinks(run: RunJson): HTMLElement {
  const places = run.parties.filter((party) => party.place !== null);
  const base = (place: string) => `/dashboard/api/compensations/${run.request}/statements/${place}`;
  return h(
    'ul',
    { class: 'plain statements' },
    ...places.map((party) =>
      h('li', {}, `${t('statement')} ${party.name}: `, h('a', { href: `${base(party.place!)}?lang=${language()}`, target: '_blank' }, 'HTML'), ' · ', h('a', { href: `${base(party.place!)}?format=csv`, download: '' }, 'CSV')),
    ),
  );
}

function runSection(run: RunJson, directory: Directory, open: boolean): HTMLElement {
  const unit = unitOf(run, directory);
  return h(
    'details',
    { open, 'data-run': run.request },
    h('summary', {}, `${run.federation.name} — ${t('period')} ${run.from.slice(0, 10)} → ${run.to.slice(0, 10)}`),
    matrixTable(run, unit),
    paymentsTable(run, unit),
    statementLinks(run),
  );
}

export class CompensationView implements View {
  // A run is booked as transfers: the money topic says one may have been.
  readonly topics = ['money'] as const;
  readonly element = h('section', { class: 'view', id: 'compensation' });
  private readonly drawn = new LastDrawn();

  constructor(private readonly directory: () => Directory) {}

  async refresh(): Promise<void> {
    const { runs } = await api<{ runs: RunJson[] }>('compensations');
    // Every sale says money changed; redrawn for nothing, the page would close the runs an operator opened.
    if (!this.drawn.changed(JSON.stringify(runs), this.directory())) return;
    replace(
      this.element,
      h('h2', {}, t('compensation')),
      ...(runs.length === 0 ? [h('p', { class: 'empty' }, t('noCompensation'))] : runs.map((run, index) => runSection(run, this.directory(), index === 0))),
    );
  }
}
