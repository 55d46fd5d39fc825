/**
 * The card page's money forms: a top-up (an amount in the asset's unit, the
 * payment's reference, required for FED), a Stripe Checkout for the holder to pay,
 * and a FED refund (through Stripe when Stripe took it, else a payout request).
 */
import type { AssetInfo, CardPage, CardRefunded } from '../views';
import { api, ApiError, newIdempotencyKey } from './api';
import { h, replace } from '../../web/dom';
import { money, parseMoney } from './format';
import { reasonText, t } from './i18n';
import type { Directory } from './state';

/** Assets a top-up can credit (LEDGER.md: CRE + REF). */
const TOP_UP_CATEGORIES = new Set(['FED', 'TLF', 'TNF', 'TIM', 'FID']);

/** The page after an action, and the words saying what it did. */
export type Done = (page: CardPage, message: string) => void;

/**
 * The panel of money actions for a card that is not lost. It is built once per
 * card and kept across the page's live refreshes: the hub refuses a refund beyond
 * what the card holds, in words.
 */
export function paymentPanel(card: CardPage, directory: Directory, done: Done): HTMLElement {
  const fed = [...directory.assets.values()].find((asset) => asset.category === 'FED');
  return h(
    'div',
    { class: 'panel' },
    h('h3', {}, t('money')),
    h('h4', {}, t('topUp')),
    topUpForm(card, directory.assets, done),
    fed !== undefined && directory.meta.stripe ? h('h4', {}, t('stripeCheckout')) : null,
    fed !== undefined && directory.meta.stripe ? checkoutForm(card, fed) : null,
    fed !== undefined ? h('h4', {}, t('refundFed')) : null,
    fed !== undefined ? refundForm(card, fed, done) : null,
  );
}

function topUpForm(card: CardPage, assets: Map<string, AssetInfo>, done: Done): HTMLElement {
  const choices = [...assets.values()].filter((asset) => !asset.archived && TOP_UP_CATEGORIES.has(asset.category));
  const asset = h('select', { id: 'topup-asset' }, ...choices.map((choice) => h('option', { value: choice.id }, `${choice.name} (${choice.code})`)));
  const amount = amountInput('topup-amount');
  const reference = h('input', { id: 'topup-reference', autocomplete: 'off', maxlength: 80 });
  const method = h('select', { id: 'topup-method' }, h('option', { value: 'cash' }, t('cash')), h('option', { value: 'card' }, t('cardPayment')), h('option', { value: 'transfer' }, t('bankTransfer')));
  const fedChosen = () => assets.get(asset.value)?.category === 'FED';
  const labelReference = () => {
    reference.required = fedChosen();
    reference.placeholder = fedChosen() ? t('referenceForFed') : t('paymentReference');
  };
  asset.addEventListener('change', labelReference);
  labelReference();
  return action('topup', [asset, amount, reference, h('label', {}, `${t('paidBy')} `, method)], t('topUp'), async (key) => {
    const chosen = assets.get(asset.value);
    const minor = chosen === undefined ? null : parseMoney(amount.value, chosen.decimals);
    if (minor === null) return { error: t('badAmount') };
    const body = { asset: asset.value, amount: minor, method: method.value, ...optional('reference', reference.value) };
    const page = await api<CardPage>(`cards/${encodeURIComponent(card.card.firstTagId)}/topup`, { method: 'POST', body, headers: { 'idempotency-key': key } });
    done(page, `${t('topUpDone')}: +${money(minor, chosen)}`);
    return null;
  });
}

function checkoutForm(card: CardPage, fed: AssetInfo): HTMLElement {
  const amount = amountInput('checkout-amount');
  const link = h('p', { id: 'checkout-link' });
  const form = action('checkout', [amount], t('createLink'), async () => {
    const minor = parseMoney(amount.value, fed.decimals);
    if (minor === null) return { error: t('badAmount') };
    const checkout = await api<{ url: string; amount: number }>(`cards/${encodeURIComponent(card.card.firstTagId)}/checkout`, { method: 'POST', body: { amount: minor } });
    // The holder pays on their own phone: the operator shows or sends this link.
    replace(link, `${t('checkoutLink')} (${money(checkout.amount, fed)}): `, h('a', { id: 'checkout-url', href: checkout.url, target: '_blank', rel: 'noopener noreferrer' }, checkout.url));
    return null;
  });
  return h('div', {}, form, link);
}

function refundForm(card: CardPage, fed: AssetInfo, done: Done): HTMLElement {
  const amount = amountInput('refund-amount');
  const iban = h('input', { id: 'refund-iban', autocomplete: 'off', maxlength: 42, placeholder: t('ibanIfPayout') });
  const holder = h('input', { id: 'refund-holder', autocomplete: 'off', maxlength: 140, placeholder: t('holder') });
  return action('refund', [amount, iban, holder], t('refund'), async (key) => {
    const minor = parseMoney(amount.value, fed.decimals);
    if (minor === null) return { error: t('badAmount') };
    const body = { amount: minor, ...optional('iban', iban.value), ...optional('holder', holder.value) };
    const result = await api<CardRefunded>(`cards/${encodeURIComponent(card.card.firstTagId)}/refund`, { method: 'POST', body, headers: { 'idempotency-key': key } });
    done(result.page, `${result.via === 'stripe' ? t('refundedStripe') : t('payoutRequested')}: ${money(result.amount, fed)}`);
    return null;
  });
}

/**
 * A form that sends once per key: a definite answer (success or a 4xx) ends the
 * key, a network failure or a 5xx keeps it so a resend is applied once.
 */
function action(name: string, fields: HTMLElement[], label: string, send: (key: string) => Promise<{ error: string } | null>): HTMLElement {
  let key = newIdempotencyKey();
  const message = h('p', { id: `${name}-message`, role: 'status' });
  const show = (kind: 'good' | 'bad', text: string) => {
    message.className = kind;
    replace(message, text);
  };
  const submit = async (event: Event) => {
    event.preventDefault();
    try {
      const refused = await send(key);
      if (refused !== null) return show('bad', refused.error);
      key = newIdempotencyKey();
      form.reset();
      // reset() fires no change: the top-up's reference field follows its asset again.
      form.querySelectorAll('select').forEach((select) => select.dispatchEvent(new Event('change')));
      replace(message);
    } catch (error) {
      if (error instanceof ApiError && error.status < 500) key = newIdempotencyKey();
      show('bad', `${t('error')}: ${explain(error)}`);
    }
  };
  const form = h('form', { id: `${name}-form`, class: 'inline-form money-form', onsubmit: (event: Event) => void submit(event) }, ...fields, h('button', { type: 'submit', id: `${name}-submit` }, label));
  return h('div', {}, form, message);
}

/** A refusal in the page's words when it has them, else the hub's message, with its code. */
function explain(error: unknown): string {
  if (!(error instanceof ApiError)) return String(error);
  const words = reasonText(error.code);
  return words === error.code ? `${error.message} (${error.code})` : words;
}

function amountInput(id: string): HTMLInputElement {
  return h('input', { id, inputmode: 'decimal', autocomplete: 'off', required: true, placeholder: t('amount') });
}

function optional(name: string, value: string): Record<string, string> {
  return value.trim() === '' ? {} : { [name]: value.trim() };
}
