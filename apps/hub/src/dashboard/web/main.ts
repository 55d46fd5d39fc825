/**
 * The operator dashboard's page: a header with the sections, one view at a time in
 * the main area (the address's #hash says which), kept live by the hub's event
 * stream — the hub says what changed, the page re-fetches what it shows.
 */
import type { Meta, OperatorRole, Overview, StreamEvents, Topic } from '../views';
import { api } from './api';
import { h, replace } from '../../web/dom';
import { setServerNow, tickAll } from './format';
import { initialLanguage, language, setLanguage, t, type Word } from './i18n';
import { directoryOf, type Directory, type View } from './state';
import { CardsView } from './views-cards';
import { ChainView } from './views-chain';
import { CompensationView } from './views-compensation';
import { MeltView } from './views-melt';
import { MoneyView } from './views-money';
import { AuditView, TokensView } from './views-operators';
import { EntriesView, PairingView } from './views-pairing';
import { PayoutsView } from './views-payouts';
import { CloseOfDayView, ReportsView } from './views-reports';
import { UsersView } from './views-users';
import { WebhooksView } from './views-webhooks';
import { SetupView } from './views-setup';
import { fetchOverview, StatusView } from './views-status';

/** Sections, and the roles that see them (the hub refuses the others anyway). */
const SECTIONS: [string, Word, readonly OperatorRole[]][] = [
  ['tills', 'tills', ['admin', 'cashdesk', 'viewer']],
  ['alerts', 'alerts', ['admin', 'cashdesk', 'viewer']],
  ['money', 'money', ['admin', 'cashdesk', 'viewer']],
  ['reports', 'reports', ['admin', 'cashdesk', 'viewer']],
  ['payouts', 'payouts', ['admin']],
  ['compensation', 'compensation', ['admin', 'cashdesk', 'viewer']],
  ['melt', 'melt', ['admin', 'cashdesk', 'viewer']],
  ['chain', 'chain', ['admin', 'cashdesk', 'viewer']],
  ['cards', 'cards', ['admin', 'cashdesk', 'viewer']],
  ['users', 'users', ['admin', 'cashdesk', 'viewer']],
  ['audit', 'audit', ['admin', 'cashdesk', 'viewer']],
  ['setup', 'setup', ['admin', 'cashdesk', 'viewer']],
  ['pairing', 'pairing', ['admin']],
  ['tokens', 'tokens', ['admin']],
  ['webhooks', 'webhooks', ['admin']],
];

let directory: Directory;
let view: View | null = null;
let overview: Promise<Overview> | null = null;
const main = h('main', { id: 'main' });
const status = h('span', { class: 'live', id: 'live' });
const badges = new Map<string, HTMLElement>();

/** One overview fetch per change, shared by the nav badges and the tills and alerts views. */
function currentOverview(): Promise<Overview> {
  overview ??= fetchOverview();
  return overview;
}

function header(): HTMLElement {
  const nav = h(
    'nav',
    {},
    ...SECTIONS.filter(([, , roles]) => roles.includes(directory.meta.operator.role)).map(([route, word]) => {
      const badge = h('span', { class: 'count', hidden: true });
      badges.set(route, badge);
      return h('a', { href: `#/${route}`, 'data-route': route }, t(word), badge);
    }),
  );
  const other = language() === 'fr' ? 'en' : 'fr';
  const switcher = h('button', { type: 'button', class: 'small', id: 'language', onclick: () => (setLanguage(other), location.reload()) }, other.toUpperCase());
  const logout = h('form', { method: 'post', action: '/dashboard/logout', class: 'logout' }, h('button', { type: 'submit', class: 'small' }, t('logout')));
  const { name, role } = directory.meta.operator;
  const who = h('span', { class: 'who', id: 'operator', 'data-role': role, title: `${t('signedInAs')} ${name} (${role})` }, `${name} · ${role}`);
  return h('header', {}, h('h1', {}, 'Fedow'), nav, h('div', { class: 'tools' }, who, status, switcher, logout));
}

function route(): { name: string; query: string } {
  const [path = '', query = ''] = location.hash.replace(/^#\/?/, '').split('?');
  return { name: path || 'tills', query };
}

function viewFor(name: string, query: string): View {
  const params = new URLSearchParams(query);
  switch (name) {
    case 'alerts':
      return new StatusView('alerts', () => directory, currentOverview);
    case 'money':
      return new MoneyView(() => directory);
    case 'reports':
      return new ReportsView(() => directory, params);
    case 'close-of-day':
      return new CloseOfDayView(() => directory, params);
    case 'payouts':
      return new PayoutsView(() => directory);
    case 'compensation':
      return new CompensationView(() => directory);
    case 'melt':
      return new MeltView(() => directory, directory.meta.operator.role === 'admin');
    case 'chain':
      return new ChainView(directory.meta.operator.role === 'admin');
    case 'cards':
      return new CardsView(() => directory, params.get('q') ?? '');
    case 'users':
      return new UsersView(() => directory, params);
    case 'pairing':
      return new PairingView(directory);
    case 'setup':
      return new SetupView(directory.meta.operator.role === 'admin');
    case 'entries':
      return new EntriesView(query);
    case 'audit':
      return new AuditView(() => directory, query);
    case 'tokens':
      return new TokensView();
    case 'webhooks':
      return new WebhooksView(() => directory);
    default:
      return new StatusView('tills', () => directory, currentOverview);
  }
}

async function show(): Promise<void> {
  const { name, query } = route();
  view = viewFor(name, query);
  for (const link of document.querySelectorAll<HTMLAnchorElement>('nav a')) link.classList.toggle('active', link.dataset.route === name);
  replace(main, view.element);
  await refresh(view);
}

async function refresh(target: View): Promise<void> {
  try {
    await target.refresh();
  } catch (error) {
    target.element.prepend(h('p', { class: 'bad' }, `${t('error')}: ${error instanceof Error ? error.message : String(error)}`));
  }
}

async function updateBadges(): Promise<void> {
  const data = await currentOverview();
  const attention = data.tills.filter((till) => till.state === 'offline' || till.state === 'frozen').length;
  setBadge('tills', attention);
  setBadge('alerts', data.alerts.length);
}

function setBadge(route: string, count: number): void {
  const badge = badges.get(route);
  if (!badge) return;
  badge.hidden = count === 0;
  badge.textContent = String(count);
}

function changed(topics: readonly Topic[]): void {
  if (topics.includes('directory')) {
    void api<Meta>('meta')
      .then((meta) => (directory = directoryOf(meta)))
      .catch(() => undefined);
  }
  if (topics.includes('tills') || topics.includes('alerts')) {
    overview = null;
    void updateBadges().catch(() => undefined);
  }
  if (view && view.topics.some((topic) => topics.includes(topic))) void refresh(view);
}

function listen(): void {
  const source = new EventSource('/dashboard/api/events');
  const on = <K extends keyof StreamEvents>(event: K, handle: (data: StreamEvents[K]) => void) =>
    // The hub writes these events from the types of views.ts.
    source.addEventListener(event, (message) => handle(JSON.parse((message as MessageEvent<string>).data) as StreamEvents[K]));
  on('tick', ({ now }) => {
    setServerNow(now);
    tickAll();
  });
  on('changed', ({ topics }) => changed(topics));
  on('verify', (state) => view?.verify?.(state));
  on('verify-done', (result) => view?.verifyDone?.(result));
  source.addEventListener('open', () => {
    status.textContent = `● ${t('live')}`;
    status.classList.remove('down');
    // Something may have changed while the stream was down.
    changed(['tills', 'alerts', 'money', 'chain', 'cards', 'directory']);
  });
  source.addEventListener('error', () => {
    status.textContent = `○ ${t('reconnecting')}`;
    status.classList.add('down');
  });
}

async function start(): Promise<void> {
  setLanguage(initialLanguage());
  directory = directoryOf(await api<Meta>('meta'));
  setServerNow(directory.meta.now);
  replace(document.getElementById('app') ?? document.body, header(), main);
  window.addEventListener('hashchange', () => void show());
  listen();
  await Promise.all([show(), updateBadges()]);
}

void start();
