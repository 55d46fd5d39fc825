/** Operator tokens (admin) and the audit of every request, with corrections (admin). */
import type { AuditRow, OperatorRole, TokenRow } from '../views';
import { api } from './api';
import { h, replace } from '../../web/dom';
import { dateTime, money, parseMoney } from './format';
import { reasonText, t, type Word } from './i18n';
import type { Directory, View } from './state';

const ROLES: OperatorRole[] = ['admin', 'cashdesk', 'viewer'];
const ROLE_WORD: Record<OperatorRole, Word> = { admin: 'role_admin', cashdesk: 'role_cashdesk', viewer: 'role_viewer' };

function errorLine(error: unknown): HTMLElement {
  return h('p', { class: 'bad' }, `${t('error')}: ${error instanceof Error ? error.message : String(error)}`);
}

export class TokensView implements View {
  readonly topics = [] as const;
  readonly element = h('section', { class: 'view' });
  private readonly list = h('div', { id: 'token-list' });
  private readonly shown = h('div', { id: 'token-result' });

  constructor() {
    // TOKEN_NAME_CHARS_MAX (@fedow/protocol is not bundled into the page; the hub checks it).
    const name = h('input', { id: 'token-name', required: true, maxlength: 100, placeholder: 'caisse 1' });
    const role = h('select', { id: 'token-role' }, ...ROLES.map((value) => h('option', { value }, t(ROLE_WORD[value]))));
    const form = h(
      'form',
      {
        class: 'panel stacked',
        onsubmit: (event: Event) => {
          event.preventDefault();
          void this.write('tokens', { name: name.value.trim(), role: role.value }).then(() => (name.value = ''));
        },
      },
      h('label', { for: 'token-name' }, t('name')),
      name,
      h('label', { for: 'token-role' }, t('role')),
      role,
      h('button', { type: 'submit', id: 'token-create' }, t('create')),
    );
    replace(this.element, h('h2', {}, t('tokens')), this.list, h('h3', {}, t('newToken')), form, this.shown);
  }

  async refresh(): Promise<void> {
    const { tokens } = await api<{ tokens: TokenRow[] }>('tokens');
    replace(this.list, this.table(tokens));
  }

  private table(tokens: readonly TokenRow[]): HTMLElement {
    const heads: Word[] = ['name', 'role', 'createdAt', 'revokedAt'];
    return h(
      'table',
      { class: 'tokens responsive', id: 'tokens' },
      h('thead', {}, h('tr', {}, ...heads.map((word) => h('th', { scope: 'col' }, t(word))), h('th', { scope: 'col' }))),
      h(
        'tbody',
        {},
        ...tokens.map((token) => {
          const path = `tokens/${encodeURIComponent(token.name)}`;
          const active = token.revokedAt === null;
          return h(
            'tr',
            { 'data-token': token.name, 'data-state': active ? 'active' : 'revoked' },
            h('th', { scope: 'row', 'data-label': t('name') }, token.name),
            h('td', { 'data-label': t('role') }, token.role),
            h('td', { 'data-label': t('createdAt') }, dateTime(token.createdAt)),
            h('td', { 'data-label': t('revokedAt') }, active ? '—' : dateTime(token.revokedAt)),
            h(
              'td',
              {},
              active
                ? h(
                    'span',
                    { class: 'inline-form' },
                    h('button', { type: 'button', class: 'small rotate', onclick: () => (confirm(t('confirmRotate')) ? void this.write(`${path}/rotate`, {}) : undefined) }, t('rotate')),
                    h('button', { type: 'button', class: 'small danger revoke', onclick: () => (confirm(t('confirmRevoke')) ? void this.write(`${path}/revoke`, {}) : undefined) }, t('revoke')),
                  )
                : null,
            ),
          );
        }),
      ),
    );
  }

  /** A create or a rotate answers the secret: shown here once, never fetched again. */
  private async write(path: string, body: object): Promise<void> {
    try {
      const answer = await api<TokenRow & { token?: string }>(path, { method: 'POST', body });
      replace(
        this.shown,
        answer.token === undefined
          ? null
          : h('div', { class: 'panel' }, h('p', {}, `${answer.name} (${answer.role})`), h('p', { class: 'code secret', id: 'token-secret' }, answer.token), h('p', { class: 'warn' }, t('secretOnce'))),
      );
      await this.refresh();
    } catch (error) {
      replace(this.shown, errorLine(error));
    }
  }
}

export class AuditView implements View {
  readonly topics = ['alerts', 'money'] as const;
  readonly element = h('section', { class: 'view' });
  private readonly rows = h('tbody', {});
  private readonly more = h('div', {});
  private readonly shown = h('div', { id: 'correction-result' });
  /** The cursor of the next older page: undefined before the first page, null after the last. */
  private next: string | null | undefined = undefined;
  /** Counts the times the list was drawn again from the top: an older page asked before belongs to none of it. */
  private restarts = 0;

  constructor(
    private readonly directory: () => Directory,
    private readonly query: string,
  ) {
    const params = new URLSearchParams(query);
    const source = h('select', { id: 'audit-source' }, h('option', { value: '' }, t('allSources')), ...['operator', 'wallet', 'provider', 'api', 'hub'].map((value) => h('option', { value }, value)));
    source.value = params.get('source') ?? '';
    const actor = h('input', { id: 'audit-actor', placeholder: t('actor'), value: params.get('actor') ?? '' });
    const kind = h('input', { id: 'audit-kind', placeholder: t('kind'), value: params.get('kind') ?? '' });
    const filters = h(
      'form',
      {
        class: 'inline-form filters',
        onsubmit: (event: Event) => {
          event.preventDefault();
          const next = new URLSearchParams(Object.entries({ source: source.value, actor: actor.value.trim(), kind: kind.value.trim() }).filter(([, value]) => value !== ''));
          location.hash = `#/audit?${next.toString()}`;
        },
      },
      source,
      actor,
      kind,
      h('button', { type: 'submit' }, t('filter')),
    );
    const heads: Word[] = ['at', 'source', 'actor', 'kind', 'status', 'reason', 'transfers'];
    const table = h('table', { class: 'audit responsive', id: 'audit' }, h('thead', {}, h('tr', {}, ...heads.map((word) => h('th', { scope: 'col' }, t(word))))), this.rows);
    const admin = directory().meta.operator.role === 'admin';
    replace(this.element, h('h2', {}, t('audit')), filters, table, this.more, admin ? this.correctionForm() : null);
  }

  /**
   * The newest page again, after each change of money: requests made since are
   * added above the rows shown, and the older pages the operator opened stay.
   * Refreshes come every 150 ms under sales, and one may answer after the next
   * began: rows are matched by id, so none is drawn twice.
   */
  async refresh(): Promise<void> {
    const page = await this.page(undefined);
    const shown = this.shownRows();
    // The log only grows, newest first. A full page with no row already shown
    // leaves a gap below it: the older pages are drawn again from it.
    if (shown.size > 0 && page.next !== null && !page.requests.some((row) => shown.has(row.id))) {
      replace(this.rows);
      shown.clear();
      this.next = undefined;
      this.restarts += 1;
    }
    // In the page's order: a request not shown yet goes after the row before it in
    // the page (at the top for the newest), where a late commit of an older one belongs too.
    let previous: Element | null = null;
    for (const row of page.requests) {
      const drawn = this.row(row);
      const old = shown.get(row.id);
      if (old) old.replaceWith(drawn);
      else if (previous) previous.after(drawn);
      else this.rows.prepend(drawn);
      previous = drawn;
    }
    if (this.next === undefined) this.showOlder(page.next);
    this.showEmpty();
  }

  /** The page after the last one drawn. */
  private async older(): Promise<void> {
    if (typeof this.next !== 'string') return;
    const restarts = this.restarts;
    const page = await this.page(this.next);
    if (restarts !== this.restarts) return;
    const shown = this.shownRows();
    for (const row of page.requests) if (!shown.has(row.id)) this.rows.append(this.row(row));
    this.showOlder(page.next);
    this.showEmpty();
  }

  private async page(before: string | undefined): Promise<{ requests: AuditRow[]; next: string | null }> {
    const params = new URLSearchParams(this.query);
    if (before !== undefined) params.set('before', before);
    return api<{ requests: AuditRow[]; next: string | null }>(`requests?${params.toString()}`);
  }

  private shownRows(): Map<string, Element> {
    return new Map([...this.rows.querySelectorAll('tr[data-request]')].map((row) => [row.getAttribute('data-request')!, row]));
  }

  private showOlder(next: string | null): void {
    this.next = next;
    replace(this.more, next === null ? null : h('button', { type: 'button', id: 'audit-older', onclick: () => void this.older() }, t('older')));
  }

  private showEmpty(): void {
    const empty = this.rows.querySelector('tr.empty-row');
    const rows = this.rows.querySelector('tr[data-request]') !== null;
    if (rows) empty?.remove();
    else if (!empty) this.rows.append(h('tr', { class: 'empty-row' }, h('td', { colspan: 7, class: 'empty' }, t('noRequests'))));
  }

  private row(row: AuditRow): HTMLElement {
    const assets = this.directory().assets;
    return h(
      'tr',
      { 'data-request': row.id, 'data-kind': row.kind, 'data-status': row.status },
      h('th', { scope: 'row', 'data-label': t('at') }, dateTime(row.at)),
      h('td', { 'data-label': t('source') }, row.source),
      h('td', { 'data-label': t('actor'), class: 'actor' }, row.actor),
      h('td', { 'data-label': t('kind') }, row.kind),
      h('td', { 'data-label': t('status') }, h('span', { class: `badge entry-${row.status}` }, row.status === 'applied' ? t('applied') : t('rejected'))),
      h('td', { 'data-label': t('reason'), class: 'reason' }, [row.note === null ? null : `« ${row.note} »`, row.reason === null ? null : reasonText(row.reason)].filter((part) => part !== null).join(' · ')),
      h('td', { 'data-label': t('transfers'), class: 'num' }, row.transfers.map((transfer) => `${transfer.action} ${money(transfer.amount, assets.get(transfer.asset))}`).join(', ')),
    );
  }

  /** A COR by the signed-in admin; the key is drawn with the form, so a retried submit books nothing twice. */
  private correctionForm(): HTMLElement {
    let key = crypto.randomUUID();
    const assets = [...this.directory().assets.values()].filter((asset) => !asset.archived && asset.category !== 'BDG');
    const wallet = h('input', { id: 'correction-wallet', required: true, placeholder: '0190…', autocomplete: 'off' });
    const asset = h('select', { id: 'correction-asset' }, ...assets.map((row) => h('option', { value: row.id }, `${row.name} (${row.code})`)));
    const amount = h('input', { id: 'correction-amount', required: true, inputmode: 'decimal', placeholder: '2.50' });
    const direction = h('select', { id: 'correction-direction' }, h('option', { value: 'credit' }, t('credit')), h('option', { value: 'debit' }, t('debit')));
    const reason = h('input', { id: 'correction-reason', required: true, maxlength: 500 });
    const submit = async () => {
      const info = this.directory().assets.get(asset.value);
      const minor = parseMoney(amount.value, info?.decimals ?? 0);
      if (minor === null) return replace(this.shown, h('p', { class: 'bad' }, `${t('error')}: ${t('amount')}`));
      try {
        await api('corrections', { method: 'POST', body: { wallet: wallet.value.trim(), asset: asset.value, amount: minor, direction: direction.value, reason: reason.value.trim(), key } });
        key = crypto.randomUUID();
        replace(this.shown, h('p', { class: 'ok-text', id: 'correction-booked' }, `${t('booked')}: ${money(direction.value === 'debit' ? -minor : minor, info)}`));
        await this.refresh();
      } catch (error) {
        replace(this.shown, errorLine(error));
      }
    };
    return h(
      'form',
      { class: 'panel stacked', id: 'correction-form', onsubmit: (event: Event) => (event.preventDefault(), void submit()) },
      h('h3', {}, t('correction')),
      h('p', { class: 'hint' }, t('correctionHint')),
      h('label', { for: 'correction-wallet' }, t('wallet')),
      wallet,
      h('label', { for: 'correction-asset' }, t('asset')),
      asset,
      h('label', { for: 'correction-amount' }, t('amount')),
      amount,
      direction,
      h('label', { for: 'correction-reason' }, t('reason')),
      reason,
      h('button', { type: 'submit', id: 'correction-submit' }, t('book')),
      this.shown,
    );
  }
}

