/** Tills and alerts: what an operator looks at first. */
import type { Alert, AuditLink, EntriesLink, Overview, TillRow } from '../views';
import { api } from './api';
import { h, replace } from '../../web/dom';
import { DRAWER_EUROS, money, since } from './format';
import { reasonText, t, type Word } from './i18n';
import type { Directory, View } from './state';

export function entriesHref(link: EntriesLink | AuditLink): string {
  if ('audit' in link) return `#/audit?${link.audit}`;
  return 'ids' in link ? `#/entries?ids=${link.ids.join(',')}` : `#/entries?terminal=${link.terminal}`;
}

const STATE_WORD: Record<TillRow['state'], Word> = { online: 'online', offline: 'offline', frozen: 'frozen', revoked: 'revoked' };

function stateBadge(till: TillRow): HTMLElement {
  const badge = h('span', { class: `badge state-${till.state}` }, t(STATE_WORD[till.state]));
  if (till.state === 'offline' && till.since !== null) return h('span', { class: 'state-cell' }, badge, ' ', h('small', {}, t('since'), ' ', since(till.since)));
  return badge;
}

function tillRow(till: TillRow): HTMLElement {
  const cell = (label: Word, ...content: (Node | string)[]) => h('td', { 'data-label': t(label) }, ...content);
  return h(
    'tr',
    { 'data-till': till.id, 'data-state': till.state, class: `till-${till.state}` },
    h('th', { scope: 'row', 'data-label': t('till') }, till.name),
    cell('place', till.placeName),
    cell('status', stateBadge(till)),
    cell('waiting', till.waiting === null ? '—' : h('span', { class: till.waiting > 0 ? 'warn' : '' }, String(till.waiting))),
    cell('lastSeen', since(till.lastSeenAt)),
    cell('lastSync', since(till.lastSyncAt)),
    cell('rejected', till.rejected > 0 ? h('a', { href: entriesHref({ terminal: till.id }), class: 'bad' }, String(till.rejected)) : '0'),
  );
}

export function tillsTable(tills: readonly TillRow[]): HTMLElement {
  if (tills.length === 0) return h('p', { class: 'empty' }, t('noTills'));
  const heads: Word[] = ['till', 'place', 'status', 'waiting', 'lastSeen', 'lastSync', 'rejected'];
  return h(
    'table',
    { class: 'tills responsive', id: 'tills' },
    h('thead', {}, h('tr', {}, ...heads.map((word) => h('th', { scope: 'col' }, t(word))))),
    h('tbody', {}, ...tills.map(tillRow)),
  );
}

const ALERT_WORD: Record<Alert['kind'], Word> = {
  rejected: 'alertRejected',
  quarantined: 'alertQuarantined',
  quarantine_flood: 'alertQuarantineFlood',
  fork: 'alertFork',
  debt: 'alertDebt',
  offline_policy: 'alertOfflinePolicy',
  correction: 'alertCorrection',
  shift: 'alertShift',
};

function alertItem(alert: Alert, directory: Directory): HTMLElement {
  const asset = alert.kind === 'shift' ? DRAWER_EUROS : alert.asset === null ? undefined : directory.assets.get(alert.asset);
  const facts = [
    alert.terminal ? `${alert.terminal.name}${alert.placeName ? ` · ${alert.placeName}` : ''}` : null,
    alert.card ? `${t('card')} ${alert.card}` : null,
    alert.amount !== null && alert.kind !== 'fork' ? money(alert.amount, asset) : null,
    alert.operator !== undefined ? `${t('by')} ${alert.operator}` : null,
    alert.count === undefined ? null : `${alert.count} ${t('seeEntries')}`,
  ].filter((fact) => fact !== null);
  return h(
    'li',
    { class: `alert alert-${alert.kind}`, 'data-alert-kind': alert.kind },
    h('span', { class: `badge kind-${alert.kind}` }, t(ALERT_WORD[alert.kind])),
    h('span', { class: 'alert-facts' }, facts.join(' · ')),
    h('span', { class: 'alert-reason' }, alert.note !== undefined ? `« ${alert.note} »` : reasonText(alert.reason)),
    alert.at === null ? null : since(alert.at),
    h('a', { href: entriesHref(alert.entries), class: 'alert-link' }, `${t('audit' in alert.entries ? 'audit' : 'seeEntries')} →`),
  );
}

export function alertsList(alerts: readonly Alert[], directory: Directory): HTMLElement {
  if (alerts.length === 0) return h('p', { class: 'empty ok-text', id: 'alerts' }, t('noAlerts'));
  return h('ul', { class: 'alerts', id: 'alerts' }, ...alerts.map((alert) => alertItem(alert, directory)));
}

/** The overview is fetched by main.ts for the nav badges too: views only draw it. */
export class StatusView implements View {
  readonly topics = ['tills', 'alerts'] as const;
  readonly element = h('section', { class: 'view' });

  constructor(
    private readonly which: 'tills' | 'alerts',
    private readonly directory: () => Directory,
    private readonly overview: () => Promise<Overview>,
  ) {}

  async refresh(): Promise<void> {
    const data = await this.overview();
    if (this.which === 'tills') replace(this.element, h('h2', {}, t('tills')), tillsTable(data.tills), h('h2', {}, t('alerts')), alertsList(data.alerts.slice(0, 5), this.directory()));
    else replace(this.element, h('h2', {}, t('alerts')), alertsList(data.alerts, this.directory()));
  }
}

export async function fetchOverview(): Promise<Overview> {
  return api<Overview>('overview');
}
