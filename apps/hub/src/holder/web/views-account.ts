import { api, ApiFailure, refusalText } from './api';
import { h, replace } from '../../web/dom';
import { money, parseMoney, type Asset } from './format';
import { language, t } from './i18n';
import { qrSvg } from './qr';
import { assetMap, balancesSection, header, historySection, notice, type WalletView } from './views-common';
import { payToken, signedTransfer, walletKey, type WalletKey } from './wallet-key';

interface Account extends WalletView {
  email: string;
  wallet: string;
  publicKey: string | null;
  cards: { qrcode: string | null; tag: string; number: string | null; lost: boolean }[];
  transfers: { blocked: boolean; dailyMax: number };
  payoutsOpen: boolean;
  topUp: boolean;
}

/** /qr/account: the signed-in holder's cards, balances, payment code, top-up, transfers, payout. */
export async function showAccount(root: HTMLElement, flash: string | null = null): Promise<void> {
  const redraw = () => void showAccount(root);
  let account: Account;
  try {
    account = await api<Account>('GET', '/account');
  } catch (error) {
    if (error instanceof ApiFailure && error.status === 401) return replace(root, header(t().account, redraw), signInForm());
    throw error;
  }
  const key = walletKey(account.wallet);
  // A new phone, or cleared storage: this browser's key replaces the registered one (the session proves the e-mail).
  if (account.publicKey !== key.publicKey) await api('PUT', '/key', { publicKey: key.publicKey });
  const done = (text: string) => void showAccount(root, text);
  replace(
    root,
    header(t().account, redraw),
    h('p', { class: 'muted', id: 'account-email' }, account.email),
    flash === null ? null : notice('flash', flash),
    balancesSection(account),
    paySection(key),
    cardsSection(account, done),
    account.topUp ? topUpSection() : null,
    transferSection(account, key, done),
    account.payoutsOpen ? payoutSection(account, done) : null,
    historySection(account),
    h('p', {}, h('button', { type: 'button', class: 'link', id: 'sign-out', onclick: async () => (await api('POST', '/logout'), location.assign('/qr/account')) }, t().signOut)),
  );
}

function signInForm(): HTMLElement {
  const words = t();
  const email = h('input', { id: 'signin-email', type: 'email', autocomplete: 'email', required: true });
  const status = h('div', { id: 'link-status' });
  const submit = async (event: Event) => {
    event.preventDefault();
    try {
      await api('POST', '/links', { email: email.value, qrcode: null, language: language() });
      replace(status, notice('link-sent', words.linkSent));
    } catch (error) {
      replace(status, notice('link-error', `${words.error} ${refusalText(error, words.errors)}`, 'bad'));
    }
  };
  return h('section', { id: 'signin' }, h('h2', {}, words.signInTitle), h('form', { onsubmit: submit }, h('label', { for: 'signin-email' }, words.email), email, h('button', { type: 'submit' }, words.sendLink)), status);
}

/** The payment QR code: wallet, nonce, expiry, signed here; a fresh one each time, 60 s each. */
function paySection(key: WalletKey): HTMLElement {
  const words = t();
  const box = h('div', { id: 'pay-box' });
  let timer: number | undefined;
  const show = () => {
    window.clearInterval(timer);
    const token = payToken(key, Date.now());
    const left = h('p', { id: 'pay-left', class: 'muted' });
    const tick = () => {
      const seconds = Math.ceil((token.expiresMs - Date.now()) / 1000);
      if (seconds > 0) return void (left.textContent = `${seconds}${words.secondsLeft}`);
      window.clearInterval(timer);
      replace(box, notice('pay-expired', words.payExpired, 'bad'));
    };
    replace(box, h('figure', { id: 'pay-code', 'data-text': token.text }, qrSvg(token.text)), left, h('p', { class: 'muted' }, words.payHint));
    tick();
    timer = window.setInterval(tick, 1000);
  };
  return h('section', { id: 'pay' }, h('h2', {}, words.payTitle), h('button', { type: 'button', id: 'pay-show', onclick: show }, words.payShow), box);
}

function cardsSection(account: Account, done: (text: string) => void): HTMLElement {
  const words = t();
  const declare = async (tag: string) => {
    if (!confirm(words.lostConfirm)) return;
    await api('POST', `/cards/${encodeURIComponent(tag)}/lost`);
    done(`${tag}: ${words.isLost}`);
  };
  return h(
    'section',
    { id: 'cards' },
    h('h2', {}, words.cards),
    h(
      'ul',
      { class: 'cards' },
      ...account.cards.map((card) =>
        h(
          'li',
          { 'data-tag': card.tag, 'data-lost': String(card.lost) },
          h('span', {}, card.number ?? card.tag),
          card.lost ? h('em', {}, words.isLost) : h('button', { type: 'button', class: 'danger', 'data-lost-button': card.tag, onclick: () => void declare(card.tag) }, words.lost),
        ),
      ),
    ),
  );
}

function fedAsset(account: Account): Asset | undefined {
  return account.assets.find((asset) => asset.category === 'FED');
}

function topUpSection(): HTMLElement {
  const words = t();
  const amount = h('input', { id: 'topup-amount', inputmode: 'decimal', required: true });
  const status = h('div', { id: 'topup-status' });
  const submit = async (event: Event) => {
    event.preventDefault();
    const cents = parseMoney(amount.value, 2);
    if (cents === null) return replace(status, notice('topup-error', words.badAmount, 'bad'));
    try {
      const checkout = await api<{ url: string }>('POST', '/topups', { amount: cents });
      location.assign(checkout.url);
    } catch (error) {
      replace(status, notice('topup-error', `${words.error} ${refusalText(error, words.errors)}`, 'bad'));
    }
  };
  return h('section', { id: 'topup' }, h('h2', {}, words.topUpTitle), h('form', { onsubmit: submit }, h('label', { for: 'topup-amount' }, `${words.amount} (EUR)`), amount, h('button', { type: 'submit', id: 'topup-pay' }, words.topUp)), status);
}

/** Name the receiver, sign with this browser's key, then type the e-mailed code. */
function transferSection(account: Account, key: WalletKey, done: (text: string) => void): HTMLElement {
  const words = t();
  if (account.transfers.blocked) return h('section', { id: 'transfer' }, h('h2', {}, words.transferTitle), notice('transfers-blocked', words.transfersBlocked, 'bad'));
  const assets = assetMap(account);
  const held = Object.entries(account.balances).filter(([, value]) => value > 0);
  const to = h('input', { id: 'transfer-to', required: true, autocomplete: 'off' });
  const asset = h('select', { id: 'transfer-asset' }, ...held.map(([id]) => h('option', { value: id }, assets.get(id)?.name ?? id)));
  const amount = h('input', { id: 'transfer-amount', inputmode: 'decimal', required: true });
  const status = h('div', { id: 'transfer-status' });
  // The limit counts each asset in its own minor units: shown in the chosen asset's unit.
  const limit = h('p', { class: 'muted', id: 'transfer-limit' });
  const showLimit = () => (limit.textContent = `${words.dailyLimit} ${money(account.transfers.dailyMax, assets.get(asset.value))}`);
  asset.addEventListener('change', showLimit);
  showLimit();
  const fail = (error: unknown) => replace(status, notice('transfer-error', `${words.error} ${refusalText(error, words.errors)}`, 'bad'));
  const submit = async (event: Event) => {
    event.preventDefault();
    const chosen = assets.get(asset.value);
    const minor = chosen ? parseMoney(amount.value, chosen.decimals) : null;
    if (!chosen || minor === null) return replace(status, notice('transfer-error', words.badAmount, 'bad'));
    try {
      const named = to.value.trim();
      const query = named.includes('@') ? `email=${encodeURIComponent(named)}` : `qrcode=${encodeURIComponent(named.replace(/^.*\/qr\//, ''))}`;
      const recipient = await api<{ wallet: string; email: string }>('GET', `/recipient?${query}`);
      const request = signedTransfer(key, { to: recipient.wallet, asset: chosen.id, amount: minor }, Date.now());
      const started = await api<{ id: string }>('POST', '/transfers', { request, language: language() });
      replace(status, codeForm(started.id, `${money(minor, chosen)} → ${recipient.email}`, done, fail));
    } catch (error) {
      fail(error);
    }
  };
  return h(
    'section',
    { id: 'transfer' },
    h('h2', {}, words.transferTitle),
    h(
      'form',
      { id: 'transfer-form', onsubmit: submit },
      h('label', { for: 'transfer-to' }, words.to),
      to,
      h('label', { for: 'transfer-asset' }, words.asset),
      asset,
      h('label', { for: 'transfer-amount' }, words.amount),
      amount,
      h('button', { type: 'submit', id: 'transfer-send' }, words.send),
    ),
    limit,
    status,
  );
}

function codeForm(id: string, what: string, done: (text: string) => void, fail: (error: unknown) => void): HTMLElement {
  const words = t();
  const code = h('input', { id: 'transfer-code', inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: 6, required: true });
  const note = h('div', { id: 'code-note' });
  const submit = async (event: Event) => {
    event.preventDefault();
    try {
      await api('POST', `/transfers/${id}/confirm`, { code: code.value });
      done(`${words.transferDone} ${what}`);
    } catch (error) {
      // A wrong code keeps the form for the next try; anything else ends this transfer.
      if (error instanceof ApiFailure && error.code === 'wrong_code') return replace(note, notice('code-wrong', `${words.error} ${refusalText(error, words.errors)}`, 'bad'));
      fail(error);
    }
  };
  return h('form', { id: 'code-form', onsubmit: submit }, h('p', {}, `${words.codeSent} (${what})`), h('label', { for: 'transfer-code' }, words.code), code, h('button', { type: 'submit', id: 'transfer-confirm' }, words.confirm), note);
}

function payoutSection(account: Account, done: (text: string) => void): HTMLElement {
  const words = t();
  const fed = fedAsset(account);
  const amount = h('input', { id: 'payout-amount', inputmode: 'decimal', required: true });
  const iban = h('input', { id: 'payout-iban', autocomplete: 'off', required: true });
  const name = h('input', { id: 'payout-holder', autocomplete: 'name', required: true });
  const status = h('div', { id: 'payout-status' });
  const key = Array.from(crypto.getRandomValues(new Uint8Array(12)), (byte) => byte.toString(16).padStart(2, '0')).join('');
  const submit = async (event: Event) => {
    event.preventDefault();
    const minor = parseMoney(amount.value, fed?.decimals ?? 2);
    if (minor === null) return replace(status, notice('payout-error', words.badAmount, 'bad'));
    try {
      await api('POST', '/payouts', { amount: minor, iban: iban.value, holder: name.value, key });
      done(words.payoutAsked);
    } catch (error) {
      replace(status, notice('payout-error', `${words.error} ${refusalText(error, words.errors)}`, 'bad'));
    }
  };
  return h(
    'section',
    { id: 'payout' },
    h('h2', {}, words.payoutTitle),
    h(
      'form',
      { onsubmit: submit },
      h('label', { for: 'payout-amount' }, `${words.amount} (${fed?.code ?? ''})`),
      amount,
      h('label', { for: 'payout-iban' }, words.iban),
      iban,
      h('label', { for: 'payout-holder' }, words.holderName),
      name,
      h('button', { type: 'submit', id: 'payout-ask' }, words.payout),
    ),
    status,
  );
}
