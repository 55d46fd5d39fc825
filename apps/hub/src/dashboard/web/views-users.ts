/** Users: a list with a search by e-mail, and a user's page (cards, balances, memberships, history in words). */
import type { UserSummary, UserView } from '../../money/users';
import { api, ApiError } from './api';
import { h, replace } from '../../web/dom';
import { dateTime, money } from './format';
import { actionText, t } from './i18n';
import type { Directory, View } from './state';
import { holderPagePanel, userTransfersPanel } from './views-holder';

export class UsersView implements View {
  readonly topics = ['cards'] as const;
  readonly element = h('section', { class: 'view' });
  private readonly input = h('input', { id: 'user-search', type: 'search', placeholder: t('userSearch'), autocomplete: 'off', autocapitalize: 'none' });
  private readonly page = h('div', { id: 'users-page' });

  constructor(
    private readonly directory: () => Directory,
    private readonly params: URLSearchParams,
  ) {
    this.input.value = params.get('q') ?? '';
    const form = h('form', { class: 'search', onsubmit: (event: Event) => this.submit(event) }, this.input, h('button', { type: 'submit' }, t('find')));
    replace(this.element, h('h2', {}, t('users')), form, this.page);
  }

  private submit(event: Event): void {
    event.preventDefault();
    location.hash = `#/users?q=${encodeURIComponent(this.input.value.trim())}`;
  }

  async refresh(): Promise<void> {
    const email = this.params.get('email');
    if (email === null) return this.showList(await api<{ users: UserSummary[]; next: string | null }>(`users?${this.listQuery()}`));
    const before = this.params.get('before');
    try {
      this.showUser(await api<UserView>(`users/${encodeURIComponent(email)}${before ? `?before=${encodeURIComponent(before)}` : ''}`));
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) replace(this.page, h('p', { class: 'bad', id: 'user-not-found' }, t('userNotFound')));
      else throw error;
    }
  }

  private listQuery(): string {
    const query = new URLSearchParams();
    for (const name of ['q', 'after']) {
      const value = this.params.get(name);
      if (value) query.set(name === 'q' ? 'search' : name, value);
    }
    return query.toString();
  }

  private showList(list: { users: UserSummary[]; next: string | null }): void {
    const search = this.params.get('q') ?? '';
    const more = list.next === null ? null : h('a', { href: `#/users?q=${encodeURIComponent(search)}&after=${encodeURIComponent(list.next)}`, id: 'users-more' }, t('more'));
    replace(
      this.page,
      list.users.length === 0
        ? h('p', { class: 'muted' }, t('noUsers'))
        : h('ul', { class: 'plain panel', id: 'users-list' }, ...list.users.map((user) => h('li', { 'data-email': user.email }, h('a', { href: userHref(user.email) }, user.email), ' ', h('span', { class: 'muted' }, dateTime(user.createdAt))))),
      more,
      holderPagePanel(),
    );
  }

  private showUser(view: UserView): void {
    const { assets } = this.directory();
    const balances = Object.entries(view.balances);
    const older = view.history.nextBefore === null ? null : h('a', { href: `${userHref(view.user.email)}&before=${view.history.nextBefore}`, id: 'history-older' }, t('older'));
    replace(
      this.page,
      h(
        'div',
        { class: 'panel' },
        h('h3', { id: 'user-email' }, view.user.email),
        h('ul', { class: 'plain', id: 'user-wallets' }, ...view.wallets.map((wallet) => h('li', { class: 'mono' }, `${wallet.kind === 'user' ? t('userWallet') : `${t('cardWallet')} ${wallet.card ?? ''}`}: ${wallet.id}`))),
      ),
      h('h3', {}, t('cards')),
      h(
        'ul',
        { class: 'plain', id: 'user-cards' },
        ...view.cards.map((card) => h('li', { 'data-tag': card.firstTagId }, h('a', { href: `#/cards?q=${encodeURIComponent(card.firstTagId)}` }, card.firstTagId), card.numberPrinted ? ` (${card.numberPrinted})` : '', card.lostAt ? h('span', { class: 'badge state-revoked' }, t('lost')) : null)),
        view.cards.length === 0 ? h('li', { class: 'muted' }, t('none')) : null,
      ),
      h('h3', {}, t('balance')),
      h(
        'ul',
        { class: 'plain balances', id: 'user-balances' },
        ...balances.map(([asset, value]) => h('li', { 'data-asset': asset, 'data-value': value, class: value < 0 ? 'bad' : '' }, `${assets.get(asset)?.name ?? asset}: `, money(value, assets.get(asset)))),
        balances.length === 0 ? h('li', { class: 'muted' }, t('none')) : null,
      ),
      h('h3', {}, t('membership')),
      h(
        'ul',
        { class: 'plain', id: 'user-memberships' },
        ...view.memberships.map((row) => h('li', { class: row.valid ? '' : 'muted' }, `${assets.get(row.asset)?.name ?? row.asset}: ${row.valid ? t('validUntil') : t('expired')} `, dateTime(row.validUntil))),
        view.memberships.length === 0 ? h('li', { class: 'muted' }, t('none')) : null,
      ),
      h('h3', {}, t('history')),
      h(
        'table',
        { class: 'responsive', id: 'user-history' },
        h(
          'tbody',
          {},
          ...view.history.transfers.map((row) =>
            h(
              'tr',
              { 'data-action': row.action },
              h('td', { 'data-label': t('at') }, dateTime(row.at)),
              h('td', { 'data-label': 'action' }, actionText(row.action)),
              h('td', { 'data-label': t('amount'), class: `num ${row.direction === 'out' ? 'bad' : 'good'}` }, `${row.direction === 'out' ? '−' : '+'}${money(row.amount, assets.get(row.asset))}`),
              h('td', { 'data-label': t('place') }, counterpartText(row)),
            ),
          ),
        ),
      ),
      view.history.transfers.length === 0 ? h('p', { class: 'muted' }, t('none')) : null,
      older,
      userTransfersPanel(view.user.email),
    );
  }
}

export function userHref(email: string): string {
  return `#/users?email=${encodeURIComponent(email)}`;
}

/** The other side of a transfer, and the card it was made with; a card merged into the wallet is named once. */
function counterpartText(row: UserView['history']['transfers'][number]): string {
  if (row.card !== null && row.counterpart === row.card) return `${t('card')} ${row.card}`;
  return [row.counterpart, row.card ? `${t('viaCard')} ${row.card}` : null].filter(Boolean).join(' · ');
}
