/** Find a card by UID, printed number or QR code; its page; declare it lost; cashier cards. */
import type { CardPage } from '../views';
import { api, ApiError, newIdempotencyKey } from './api';
import { h, replace } from '../../web/dom';
import { dateTime, hours, money } from './format';
import { actionText, t } from './i18n';
import { LastDrawn, type Directory, type View } from './state';
import { paymentPanel } from './views-payments';
import { userHref } from './views-users';

export class CardsView implements View {
  readonly topics = ['cards'] as const;
  readonly element = h('section', { class: 'view' });
  private readonly input = h('input', { id: 'card-search', type: 'search', placeholder: t('search'), autocomplete: 'off', autocapitalize: 'characters', required: true });
  private readonly page = h('div', { id: 'card-page' });
  /** Made once: a live refresh of the card page keeps what the operator is typing. */
  private readonly linkEmail = h('input', { id: 'link-email', type: 'email', placeholder: t('email'), autocomplete: 'off', autocapitalize: 'none', required: true });
  private readonly replaceBy = h('input', { id: 'replace-by', type: 'text', placeholder: t('replacePlaceholder'), autocomplete: 'off', autocapitalize: 'characters', required: true });
  /** The last action's refusal: outside the page, so a live refresh of the card does not wipe it before it is read. */
  private readonly notice = h('div', { id: 'card-notice', 'aria-live': 'polite' });
  private query: string;
  /** The query the hub last answered 404. */
  private missing: string | null = null;
  /** What the last money action did: kept across the refreshes its own change triggers. */
  private moneyNotice: string | null = null;
  /** The money forms, kept across live refreshes so what an operator is typing (and each form's key) stays. */
  private panel: { offers: string; element: HTMLElement } | null = null;
  private readonly drawn = new LastDrawn();

  constructor(
    private readonly directory: () => Directory,
    initial: string,
  ) {
    this.query = initial;
    this.input.value = initial;
    const form = h('form', { class: 'search', onsubmit: (event: Event) => this.submit(event) }, this.input, h('button', { type: 'submit' }, t('find')));
    replace(this.element, h('h2', {}, t('cards')), form, this.notice, this.page);
  }

  private submit(event: Event): void {
    event.preventDefault();
    // The query goes in the address, so a card page can be bookmarked or shared.
    const hash = `#/cards?q=${encodeURIComponent(this.input.value.trim())}`;
    if (location.hash !== hash) {
      location.hash = hash;
      return;
    }
    // The same search again (no hashchange): the operator asks anew, so the hub is asked anew.
    this.missing = null;
    void this.refresh().catch((error: unknown) => replace(this.notice, h('p', { class: 'bad' }, `${t('error')}: ${error instanceof Error ? error.message : String(error)}`)));
  }

  async refresh(): Promise<void> {
    if (this.query === '') return replace(this.page);
    // A search that found nothing is not asked again at every live change of other cards.
    if (this.missing === this.query) return;
    const query = this.query;
    try {
      const card = await api<CardPage>(`card?q=${encodeURIComponent(query)}`);
      // A replacement moved the page to another card while this answer was on its way.
      if (query === this.query) this.show(card);
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 404)) throw error;
      if (query !== this.query) return;
      this.missing = query;
      this.drawn.forget();
      replace(this.page, h('p', { class: 'bad', id: 'card-not-found' }, t('notFound')));
    }
  }

  private show(card: CardPage): void {
    const directory = this.directory();
    if (!this.drawn.changed(JSON.stringify(card), directory, this.moneyNotice)) return;
    const { assets, places, meta } = directory;
    // The hub refuses what the role may not do; the page does not offer it.
    const admin = meta.operator.role === 'admin';
    const cashdesk = admin || meta.operator.role === 'cashdesk';
    const state = card.card.lostAt !== null ? h('span', { class: 'badge state-revoked', id: 'card-state' }, t('lost')) : card.blocked ? h('span', { class: 'badge state-offline', id: 'card-state' }, t('blockedDebt')) : h('span', { class: 'badge state-online', id: 'card-state' }, t('active'));
    const primary = card.card.primaryFor.map((place) =>
      h('li', {}, places.get(place)?.name ?? place, ' ', admin && h('button', { type: 'button', class: 'small', onclick: () => void this.act(`cards/${card.card.firstTagId}/primary`, { place, primary: false }) }, t('unsetPrimary'))),
    );
    const others = [...places.values()].filter((place) => !card.card.primaryFor.includes(place.id));
    // Starts on no place: making a card a cashier card of the wrong bar is one click away otherwise.
    const select = h('select', { id: 'primary-place', required: true }, h('option', { value: '' }, t('choosePlace')), ...others.map((place) => h('option', { value: place.id }, place.name)));
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
          h('dd', { id: 'card-user' }, card.card.userEmail ? h('a', { href: userHref(card.card.userEmail) }, card.card.userEmail) : '—'),
          card.card.lostAt === null ? null : h('dt', {}, t('lost')),
          card.card.lostAt === null ? null : h('dd', {}, dateTime(card.card.lostAt)),
        ),
        card.card.lostAt === null && cashdesk
          ? h('button', { type: 'button', class: 'danger', id: 'declare-lost', onclick: () => (confirm(t('confirmLost')) ? void this.act(`cards/${card.card.firstTagId}/lost`, {}) : undefined) }, t('declareLost'))
          : null,
      ),
      this.moneyActions(card),
      h('h3', {}, t('balance')),
      h('ul', { class: 'plain balances', id: 'card-balances' }, ...Object.entries(card.balances).map(([asset, value]) => h('li', { 'data-asset': asset, 'data-value': value, class: value < 0 ? 'bad' : '' }, money(value, assets.get(asset)))), Object.keys(card.balances).length === 0 ? h('li', { class: 'muted' }, t('none')) : null),
      this.moneyNotice === null ? null : h('p', { class: 'good', id: 'money-done', role: 'status' }, this.moneyNotice),
      card.card.lostAt === null ? this.moneyPanel(card) : null,
      card.timeSpent.length === 0 ? null : h('h3', {}, t('timeSpent')),
      card.timeSpent.length === 0
        ? null
        : h('ul', { class: 'plain', id: 'card-time' }, ...card.timeSpent.map((row) => h('li', { 'data-day': row.day, 'data-minutes': row.minutes }, `${row.day} · ${places.get(row.place)?.name ?? row.place}: ${hours(row.minutes)}`))),
      h('h3', {}, t('membership')),
      h(
        'ul',
        { class: 'plain' },
        ...card.memberships.map((row) => h('li', { class: row.valid ? '' : 'muted' }, `${assets.get(row.asset)?.name ?? row.asset}: ${row.valid ? t('validUntil') : t('expired')} `, dateTime(row.validUntil))),
        card.memberships.length === 0 ? h('li', { class: 'muted' }, t('none')) : null,
      ),
      h('h3', {}, t('primaryFor')),
      h('ul', { class: 'plain', id: 'card-primary' }, ...primary, primary.length === 0 ? h('li', { class: 'muted' }, t('none')) : null),
      card.card.lostAt === null && others.length > 0 && admin
        ? h('div', { class: 'inline-form' }, select, h('button', { type: 'button', id: 'make-primary', onclick: () => (select.value === '' ? select.reportValidity() : void this.act(`cards/${card.card.firstTagId}/primary`, { place: select.value, primary: true })) }, t('makePrimary')))
        : null,
      h('h3', {}, t('transfers')),
      transfersTable(card, this.directory()),
    );
  }

  private moneyPanel(card: CardPage): HTMLElement {
    const directory = this.directory();
    // Any change of the directory (a product, a card batch) arrives as a new object: the forms are made
    // again only when what they offer changed, or what the operator is typing would be lost mid-sentence.
    const offers = panelOffers(card.card.firstTagId, directory);
    if (this.panel?.offers !== offers) {
      this.panel = { offers, element: paymentPanel(card, directory, (page, message) => this.acted(page, message)) };
    }
    return this.panel.element;
  }

  /** The page after a money action, with what it did above its forms. */
  private acted(page: CardPage, message: string): void {
    this.moneyNotice = message;
    this.show(page);
  }

  /**
   * Link to an e-mail (a card without user, not lost) and replace by another card
   * (carries the money, declares this one lost): actions of the cash desk.
   */
  private moneyActions(card: CardPage): HTMLElement | null {
    const tag = card.card.firstTagId;
    const { linkEmail: email, replaceBy: by } = this;
    const link =
      card.card.user === null && card.card.lostAt === null
        ? h(
            'form',
            { class: 'inline-form', id: 'link-form', onsubmit: (event: Event) => (event.preventDefault(), void this.act(`cards/${tag}/link`, { email: email.value.trim() }, true)) },
            h('label', { for: 'link-email' }, t('linkToEmail')),
            email,
            h('button', { type: 'submit', id: 'link-card' }, t('link')),
          )
        : null;
    const replacement = h(
      'form',
      {
        class: 'inline-form',
        id: 'replace-form',
        onsubmit: (event: Event) => (event.preventDefault(), confirm(t('confirmReplace')) ? void this.act(`cards/${tag}/replace`, { by: by.value.trim() }, true) : undefined),
      },
      h('label', { for: 'replace-by' }, t('replaceByCard')),
      by,
      h('button', { type: 'submit', id: 'replace-card', class: 'danger' }, t('replace')),
    );
    return h('div', { class: 'panel card-actions' }, link, replacement);
  }

  /** `moves`: the action moves money, so it carries a fresh Idempotency-Key (one per click). */
  private async act(path: string, body: unknown, moves = false): Promise<void> {
    try {
      const page = await api<CardPage>(path, { method: 'POST', body, headers: moves ? { 'idempotency-key': newIdempotencyKey() } : {} });
      // A replacement answers with the new card: the address follows it.
      if (page.card.firstTagId !== this.query.toUpperCase() && path.endsWith('/replace')) {
        this.query = page.card.firstTagId;
        history.replaceState(null, '', `#/cards?q=${encodeURIComponent(page.card.firstTagId)}`);
      }
      replace(this.notice);
      if (moves) this.linkEmail.value = this.replaceBy.value = '';
      this.show(page);
    } catch (error) {
      replace(this.notice, h('p', { class: 'bad' }, `${t('error')}: ${error instanceof Error ? error.message : String(error)}`));
    }
  }
}

/** The card's latest transfers with headers, actions in words ("Top-up", "Sale") and the till that signed them. */
function transfersTable(card: CardPage, directory: Directory): HTMLElement {
  if (card.transfers.length === 0) return h('p', { class: 'muted', id: 'card-transfers' }, t('none'));
  const columns = [t('at'), t('transferAction'), t('amount'), t('counterpart'), t('till')];
  return h(
    'table',
    { class: 'responsive', id: 'card-transfers' },
    h('thead', {}, h('tr', {}, ...columns.map((column, index) => h('th', { scope: 'col', class: index === 2 ? 'num' : null }, column)))),
    h(
      'tbody',
      {},
      ...card.transfers.map((row) =>
        h(
          'tr',
          { 'data-seq': row.seq, 'data-action': row.action },
          h('td', { 'data-label': columns[0] }, dateTime(row.at)),
          h('td', { 'data-label': columns[1], 'data-field': 'action' }, capitalised(actionText(row.action))),
          h('td', { 'data-label': columns[2], class: `num ${row.direction === 'out' ? 'bad' : 'good'}` }, `${row.direction === 'out' ? '−' : '+'}${money(row.amount, directory.assets.get(row.asset))}`),
          h('td', { 'data-label': columns[3] }, row.counterpart ?? '—'),
          h('td', { 'data-label': columns[4], 'data-field': 'till' }, row.till ?? '—'),
        ),
      ),
    ),
  );
}

function capitalised(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** What the money panel of a card offers: the card, the assets it can top up or refund, Stripe, the operator's role. */
function panelOffers(tag: string, directory: Directory): string {
  const assets = [...directory.assets.values()].map((asset) => [asset.id, asset.name, asset.code, asset.category, asset.decimals, asset.archived]);
  return JSON.stringify([tag, assets, directory.meta.stripe, directory.meta.operator.role]);
}
