/** The card page's top-up form: an amount in the asset's unit, the payment's reference (required for FED). */
import type { AssetInfo, CardPage } from '../views';
import { api, ApiError } from './api';
import { h, replace } from './dom';
import { money, parseMoney } from './format';
import { reasonText, t } from './i18n';

/** Assets a top-up can credit (LEDGER.md: CRE + REF). */
const TOP_UP_CATEGORIES = new Set(['FED', 'TLF', 'TNF', 'TIM', 'FID']);

/**
 * A fresh Idempotency-Key per form: a resend after a network failure is applied
 * once. getRandomValues, not randomUUID: the dashboard is often plain HTTP on a LAN.
 */
function newKey(): string {
  return [...crypto.getRandomValues(new Uint8Array(16))].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

export function topUpForm(card: CardPage, assets: Map<string, AssetInfo>, done: (page: CardPage, message: string) => void): HTMLElement {
  let key = newKey();
  const choices = [...assets.values()].filter((asset) => !asset.archived && TOP_UP_CATEGORIES.has(asset.category));
  const asset = h('select', { id: 'topup-asset' }, ...choices.map((choice) => h('option', { value: choice.id }, `${choice.name} (${choice.code})`)));
  const amount = h('input', { id: 'topup-amount', inputmode: 'decimal', autocomplete: 'off', required: true, placeholder: t('amount') });
  const reference = h('input', { id: 'topup-reference', autocomplete: 'off', maxlength: 80 });
  const method = h('select', { id: 'topup-method' }, h('option', { value: 'cash' }, t('cash')), h('option', { value: 'card' }, t('cardPayment')), h('option', { value: 'transfer' }, t('bankTransfer')));
  const message = h('p', { id: 'topup-message', role: 'status' });
  const fedChosen = () => assets.get(asset.value)?.category === 'FED';
  const labelReference = () => {
    reference.required = fedChosen();
    reference.placeholder = fedChosen() ? t('referenceForFed') : t('paymentReference');
  };
  asset.addEventListener('change', labelReference);
  labelReference();

  async function submit(event: Event): Promise<void> {
    event.preventDefault();
    const chosen = assets.get(asset.value);
    const minor = chosen === undefined ? null : parseMoney(amount.value, chosen.decimals);
    if (minor === null) return show('bad', t('badAmount'));
    const body = { asset: asset.value, amount: minor, method: method.value, ...(reference.value.trim() === '' ? {} : { reference: reference.value.trim() }) };
    try {
      const page = await api<CardPage>(`cards/${encodeURIComponent(card.card.firstTagId)}/topup`, { method: 'POST', body, headers: { 'idempotency-key': key } });
      done(page, `${t('topUpDone')}: +${money(minor, chosen)}`);
    } catch (error) {
      // A definite answer ends this key; a network failure or a 5xx keeps it, so a resend is applied once.
      if (error instanceof ApiError && error.status < 500) key = newKey();
      show('bad', `${t('error')}: ${error instanceof ApiError ? reasonText(error.code) || error.message : String(error)}`);
    }
  }

  function show(kind: 'good' | 'bad', text: string): void {
    message.className = kind;
    replace(message, text);
  }

  return h(
    'div',
    { class: 'panel' },
    h('h3', {}, t('topUp')),
    h('form', { id: 'topup-form', class: 'inline-form', onsubmit: (event: Event) => void submit(event) }, asset, amount, reference, h('label', {}, `${t('paidBy')} `, method), h('button', { type: 'submit', id: 'topup-submit' }, t('topUp'))),
    message,
  );
}
