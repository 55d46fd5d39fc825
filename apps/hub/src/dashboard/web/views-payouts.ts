/** Payouts by SEPA batch (approve, download the XML, mark sent, refuse) and a place's bank deposit. */
import type { Payout, PayoutBatch } from '@fedow/protocol';
import type { AssetInfo, PayoutsPage } from '../views';
import { api } from './api';
import { h, replace } from '../../web/dom';
import { dateTime, money } from './format';
import { reasonText, t, type Word } from './i18n';
import type { Directory, View } from './state';

/** A fresh idempotency key; `crypto.randomUUID` exists only on HTTPS, and a festival hub is often reached over plain HTTP. */
function freshKey(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** "12,50" or "12.50" euros to cents; null when it is not an amount. */
export function centsOf(text: string): number | null {
  const match = /^\s*(\d{1,9})(?:[.,](\d{1,2}))?\s*$/.exec(text);
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

function batchState(batch: PayoutBatch): { state: string; word: Word; badge: string } {
  if (batch.sentAt !== null) return { state: 'sent', word: 'batchSent', badge: 'state-online' };
  if (batch.exported) return { state: 'exported', word: 'batchExported', badge: 'state-frozen' };
  return { state: 'approved', word: 'batchApproved', badge: 'state-offline' };
}

export class PayoutsView implements View {
  readonly topics = ['money'] as const;
  readonly element = h('section', { class: 'view', id: 'payouts' });
  private readonly message = h('p', { id: 'payouts-message', role: 'status' });
  /** Built once: a live refresh (the hub says money changed) must not wipe what the operator is typing. */
  private readonly deposit: HTMLElement;

  constructor(private readonly directory: () => Directory) {
    this.deposit = this.depositForm();
  }

  private fed(): AssetInfo | undefined {
    return [...this.directory().assets.values()].find((asset) => asset.category === 'FED');
  }

  async refresh(): Promise<void> {
    const page = await api<PayoutsPage>('payouts');
    replace(
      this.element,
      h('h2', {}, t('payouts')),
      this.message,
      page.sepaReady ? null : h('p', { class: 'bad', id: 'sepa-missing' }, t('sepaMissing')),
      h('h3', {}, `${t('requestedPayouts')} (${page.requested.length})`),
      this.requestedTable(page.requested),
      h('h3', {}, t('batches')),
      this.batchesTable(page.batches),
      h('h3', {}, t('depositTitle')),
      this.deposit,
    );
  }

  private requestedTable(payouts: Payout[]): HTMLElement {
    if (payouts.length === 0) return h('p', { class: 'muted', id: 'no-requested' }, t('noRequested'));
    const boxes = payouts.map((payout) => h('input', { type: 'checkbox', checked: true, value: payout.id, 'aria-label': payout.holder }));
    const approve = h('button', { type: 'button', id: 'approve' }, t('approveSelected'));
    approve.addEventListener('click', () => {
      const ids = boxes.filter((box) => box.checked).map((box) => box.value);
      if (ids.length > 0) void this.act(approve, () => api('payout-batches', { method: 'POST', body: { payouts: ids } }));
    });
    const rows = payouts.map((payout, index) =>
      h(
        'tr',
        { 'data-payout': payout.id },
        h('td', {}, boxes[index]),
        h('td', { 'data-label': t('holder') }, payout.holder),
        h('td', { 'data-label': 'IBAN', class: 'mono' }, payout.iban),
        h('td', { 'data-label': t('amount'), class: 'num', 'data-value': payout.amount }, money(payout.amount, this.fed())),
        h('td', { 'data-label': t('at') }, dateTime(payout.requestedAt)),
        h('td', {}, this.refuseButton(payout)),
      ),
    );
    return h(
      'div',
      {},
      h(
        'table',
        { class: 'responsive', id: 'requested' },
        h('thead', {}, h('tr', {}, h('th', {}, ''), h('th', {}, t('holder')), h('th', {}, 'IBAN'), h('th', { class: 'num' }, t('amount')), h('th', {}, t('at')), h('th', {}, ''))),
        h('tbody', {}, ...rows),
      ),
      h('div', { class: 'inline-form' }, approve),
    );
  }

  private refuseButton(payout: Payout): HTMLElement {
    const button = h('button', { type: 'button', class: 'small danger refuse' }, t('refuse'));
    button.addEventListener('click', () => {
      if (confirm(`${t('confirmRefuse')} ${payout.holder}, ${money(payout.amount, this.fed())}`)) void this.act(button, () => api(`payouts/${payout.id}/refuse`, { method: 'POST', body: {} }));
    });
    return button;
  }

  private batchesTable(batches: PayoutBatch[]): HTMLElement {
    if (batches.length === 0) return h('p', { class: 'muted', id: 'no-batches' }, t('noBatches'));
    return h(
      'table',
      { class: 'responsive', id: 'batches' },
      h('thead', {}, h('tr', {}, h('th', {}, t('at')), h('th', {}, t('approvedBy')), h('th', { class: 'num' }, t('payoutCount')), h('th', { class: 'num' }, t('total')), h('th', {}, t('status')), h('th', {}, ''))),
      h('tbody', {}, ...batches.map((batch) => this.batchRow(batch))),
    );
  }

  private batchRow(batch: PayoutBatch): HTMLElement {
    const { state, word, badge } = batchState(batch);
    const paying = batch.payouts.filter((payout) => payout.status !== 'refused');
    const actions: HTMLElement[] = [];
    if (batch.sentAt === null) {
      actions.push(h('a', { class: 'button small download', href: `/dashboard/api/payout-batches/${batch.id}/sepa`, download: `fedow-payouts-${batch.id}.xml` }, t('downloadXml')));
      if (batch.exported) {
        const sent = h('button', { type: 'button', class: 'small mark-sent' }, t('markSent'));
        sent.addEventListener('click', () => {
          if (confirm(`${t('confirmSent')} (${paying.length}, ${money(batch.total, this.fed())})`)) {
            void this.act(sent, () => api(`payout-batches/${batch.id}/sent`, { method: 'POST', body: { key: freshKey() } }));
          }
        });
        actions.push(sent);
      }
    }
    return h(
      'tr',
      { 'data-batch': batch.id, 'data-state': state },
      h('td', { 'data-label': t('at') }, dateTime(batch.createdAt)),
      h('td', { 'data-label': t('approvedBy') }, batch.approvedBy),
      h('td', { 'data-label': t('payoutCount'), class: 'num' }, String(paying.length)),
      h('td', { 'data-label': t('total'), class: 'num', 'data-value': batch.total }, money(batch.total, this.fed())),
      h('td', { 'data-label': t('status') }, h('span', { class: `badge ${badge}` }, t(word)), batch.sentAt === null ? null : ` ${dateTime(batch.sentAt)}`),
      h('td', { class: 'actions' }, ...actions),
    );
  }

  private depositForm(): HTMLElement {
    const place = h('select', { id: 'deposit-place', required: true }, ...[...this.directory().places.values()].map((row) => h('option', { value: row.id }, row.name)));
    const amount = h('input', { id: 'deposit-amount', inputmode: 'decimal', required: true, placeholder: '0,00', autocomplete: 'off' });
    const comment = h('input', { id: 'deposit-comment', maxlength: 500, placeholder: t('comment'), autocomplete: 'off' });
    const submit = h('button', { type: 'submit' }, t('depositSubmit'));
    const form = h('form', { class: 'stacked', id: 'deposit' }, place, amount, comment, submit);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const cents = centsOf(amount.value);
      if (cents === null || cents === 0) {
        this.say(t('badAmount'), true);
        return;
      }
      const body = { place: place.value, amount: cents, ...(comment.value.trim() === '' ? {} : { comment: comment.value.trim() }), key: freshKey() };
      void this.act(submit, async () => {
        await api('deposits', { method: 'POST', body });
        this.say(`${t('deposited')}: ${money(cents, this.fed())}`, false);
        amount.value = '';
        comment.value = '';
      });
    });
    return form;
  }

  /** One write at a time per button; the answer refreshes the screen (the hub's stream says money changed too). */
  private async act(button: HTMLButtonElement | HTMLElement, write: () => Promise<unknown>): Promise<void> {
    if (button instanceof HTMLButtonElement) button.disabled = true;
    try {
      await write();
      await this.refresh();
    } catch (error) {
      const code = error instanceof Error && 'code' in error ? String(error.code) : '';
      this.say(`${t('error')}: ${error instanceof Error ? error.message : String(error)}${code ? ` — ${reasonText(code)}` : ''}`, true);
    } finally {
      if (button instanceof HTMLButtonElement) button.disabled = false;
    }
  }

  private say(text: string, bad: boolean): void {
    this.message.textContent = text;
    this.message.className = bad ? 'bad' : 'good';
  }
}
