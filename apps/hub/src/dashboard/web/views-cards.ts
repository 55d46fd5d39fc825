/** Find a card by UID, printed number or QR code; its page; declare it lost; cashier cards. */
import type { CardPage } from '../views';
import { api, ApiError } from './api';
import { h, replace } from './dom';
import { dateTime, money } from './format';
import { t } from './i18n';
import type { Directory, View } from './state';
import { paymentPanel } from './views-payments';

export class CardsView implements View {
  readonly topics = ['cards'] as const;
  readonly element = h('section', { class: 'view' });
  private readonly input = h('input', { id: 'card-search', type: 'search', placeholder: t('search'), autocomplete: 'off', autocapitalize: 'characters', required: true });
  private readonly page = h('div', { id: 'card-page' });
  private query: string;
  /** What the last money action did: kept across the refreshes its own change triggers. */
  private notice: string | null = null;
  /** The money forms, kept across live refreshes so what an operator is typing (and each form's key) stays. */
  private panel: { tag: string; directory: Directory; element: HTMLElement } | null = null;

  constructor(
    private readonly directory: () => Directory,
    initial: string,
  ) {
    this.query = initial;
    this.input.value = initial;
    const form = h('form', { class: 'search', onsubmit: (event: Event) => this.submit(event) }, this.input, h('button', { type: 'submit' }, t('find')));
    replace(this.element, h('h2', {}, t('cards')), form, this.page);
  }

  private submit(event: Event): void {
    event.preventDefault();
    // The query goes in the address, so a card page can be bookmarked or shared.
    location.hash = `#/cards?q=${encodeURIComponent(this.input.value.trim())}`;
  }

  async refresh(): Promise<void> {
    if (this.query === '') return replace(this.page);
    try {
      this.show(await api<CardPage>(`card?q=${encodeURIComponent(this.query)}`));
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) replace(this.page, h('p', { class: 'bad', id: 'card-not-found' }, t('notFound')));
      else throw error;
    }
  }

  private show(card: CardPage): void {
    const { assets, places } = this.directory();
    const state = card.card.lostAt !== null ? h('span', { class: 'badge state-revoked', id: 'card-state' }, t('lost')) : card.blocked ? h('span', { class: 'badge state-offline', id: 'card-state' }, t('blockedDebt')) : h('span', { class: 'badge state-online', id: 'card-state' }, t('active'));
    const primary = card.card.primaryFor.map((place) =>
      h('li', {}, places.get(place)?.name ?? place, ' ', h('button', { type: 'button', class: 'small', onclick: () => void this.act(`cards/${card.card.firstTagId}/primary`, { place, primary: false }) }, t('unsetPrimary'))),
    );
    const others = [...places.values()].filter((place) => !card.card.primaryFor.includes(place.id));
    const select = h('select', { id: 'primary-place' }, ...others.map((place) => h('option', { value: place.id }, place.name)));
    replace(
      this.page,
      h(
        'div',
        { class: 'panel card-head' },
        h('h3', {}, `${t('card')} ${card.card.firstTagId} `, state),
        h(
          'dl',
          {},
          h('dt', {}, 'UID'),
          h('dd', {}, card.card.uid ?? card.card.firstTagId),
          h('dt', {}, t('printed')),
          h('dd', {}, card.card.numberPrinted ?? '—'),
          h('dt', {}, 'QR'),
          h('dd', {}, card.card.qrcode ?? '—'),
          h('dt', {}, t('user')),
          h('dd', {}, card.card.userEmail ?? '—'),
          card.card.lostAt === null ? null : h('dt', {}, t('lost')),
          card.card.lostAt === null ? null : h('dd', {}, dateTime(card.card.lostAt)),
        ),
        card.card.lostAt === null
          ? h('button', { type: 'button', class: 'danger', id: 'declare-lost', onclick: () => (confirm(t('confirmLost')) ? void this.act(`cards/${card.card.firstTagId}/lost`, {}) : undefined) }, t('declareLost'))
          : null,
      ),
      h('h3', {}, t('balance')),
      h('ul', { class: 'plain balances', id: 'card-balances' }, ...Object.entries(card.balances).map(([asset, value]) => h('li', { 'data-asset': asset, 'data-value': value, class: value < 0 ? 'bad' : '' }, money(value, assets.get(asset)))), Object.keys(card.balances).length === 0 ? h('li', { class: 'muted' }, t('none')) : null),
      this.notice === null ? null : h('p', { class: 'good', id: 'money-done', role: 'status' }, this.notice),
      card.card.lostAt === null ? this.moneyPanel(card) : null,
      h('h3', {}, t('membership')),
      h(
        'ul',
        { class: 'plain' },
        ...card.memberships.map((row) => h('li', { class: row.valid ? '' : 'muted' }, `${assets.get(row.asset)?.name ?? row.asset}: ${row.valid ? t('validUntil') : t('expired')} `, dateTime(row.validUntil))),
        card.memberships.length === 0 ? h('li', { class: 'muted' }, t('none')) : null,
      ),
      h('h3', {}, t('primaryFor')),
      h('ul', { class: 'plain', id: 'card-primary' }, ...primary, primary.length === 0 ? h('li', { class: 'muted' }, t('none')) : null),
      card.card.lostAt === null && others.length > 0
        ? h('div', { class: 'inline-form' }, select, h('button', { type: 'button', id: 'make-primary', onclick: () => void this.act(`cards/${card.card.firstTagId}/primary`, { place: select.value, primary: true }) }, t('makePrimary')))
        : null,
      h('h3', {}, t('transfers')),
      h(
        'table',
        { class: 'responsive' },
        h('tbody', {}, ...card.transfers.map((row) => h('tr', {}, h('td', { 'data-label': t('at') }, dateTime(row.at)), h('td', { 'data-label': 'action' }, row.action), h('td', { 'data-label': t('amount'), class: `num ${row.direction === 'out' ? 'bad' : 'good'}` }, `${row.direction === 'out' ? '−' : '+'}${money(row.amount, assets.get(row.asset))}`), h('td', { 'data-label': t('place') }, row.counterpart ?? '')))),
      ),
    );
  }

  private moneyPanel(card: CardPage): HTMLElement {
    const directory = this.directory();
    if (this.panel?.tag !== card.card.firstTagId || this.panel.directory !== directory) {
      this.panel = { tag: card.card.firstTagId, directory, element: paymentPanel(card, directory, (page, message) => this.acted(page, message)) };
    }
    return this.panel.element;
  }

  /** The page after a money action, with what it did above its forms. */
  private acted(page: CardPage, message: string): void {
    this.notice = message;
    this.show(page);
  }

  private async act(path: string, body: unknown): Promise<void> {
    try {
      this.show(await api<CardPage>(path, { method: 'POST', body }));
    } catch (error) {
      this.page.prepend(h('p', { class: 'bad' }, `${t('error')}: ${error instanceof Error ? error.message : String(error)}`));
    }
  }
}
