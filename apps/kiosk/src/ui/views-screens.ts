/** One render function per screen of TILL.md. Pure: state in, HTML out. */
import type { CardCheck, RegisterTotals } from '@fedow/terminal';
import type { AssetInfo } from '@fedow/protocol';
import { formatAmount } from '@fedow/protocol/words';
import { choiceKey, esc, hint } from './html';
import { kindWord, t, type Language, type WordKey } from './i18n';
import { formatDate, keypadAmount, type Unit } from './money';
import {
  TOP_UP_PRESETS,
  assetById,
  assetsOf,
  groupByCategory,
  isOffline,
  languageOf,
  localAsset,
  refundable,
  saleUnit,
  ticketLines,
  ticketTotal,
  type UiState,
} from './state';
import { EURO_CENTS } from './money';

/**
 * An amount in the UI's language (the agent words its views in its own). A void's
 * total names no asset: it is shown in the place's local currency, as the till showed it.
 */
export function money(state: UiState, asset: string | null, amount: number, language: Language): string {
  return formatAmount(amount, assetById(state, asset) ?? localAsset(state) ?? EURO_CENTS, language);
}

export function pairingScreen(state: UiState): string {
  const language = languageOf(state);
  const { pairing } = state;
  return `<section class="screen pairing" id="screen-pairing">
    <h1>${esc(t(language, 'pairTitle'))}</h1>
    <p class="help">${esc(t(language, 'pairHelp'))}</p>
    <form id="pair-form" data-form="pair" autocomplete="off">
      <label>${esc(t(language, 'hubUrl'))}<input id="pair-hub" name="hubUrl" type="url" required value="${esc(pairing.hubUrl)}" placeholder="https://hub.example"></label>
      <label>${esc(t(language, 'pairingCode'))}<input id="pair-code" name="code" required value="${esc(pairing.code)}" placeholder="ABCD-1234" autocapitalize="characters"></label>
      <label>${esc(t(language, 'tillName'))}<input id="pair-name" name="name" required value="${esc(pairing.name)}" placeholder="Bar 1"></label>
      <button class="button primary" type="submit" ${pairing.busy ? 'disabled' : ''}>${hint('Enter')} ${esc(t(language, pairing.busy ? 'pairing' : 'pair'))}</button>
      ${pairing.error ? `<p class="error" id="pair-error">${esc(pairing.error)}</p>` : ''}
    </form>
  </section>`;
}

export function lockedScreen(state: UiState): string {
  const language = languageOf(state);
  const place = state.view?.paired?.placeName ?? '';
  return `<section class="screen locked" id="screen-locked">
    <p class="place-name">${esc(t(language, 'pairedWith', { place }))}</p>
    <div class="tap-icon" aria-hidden="true"></div>
    <h1>${esc(t(language, 'tapCashier'))}</h1>
    ${state.lockedTap ? `<p class="error" id="locked-error">${esc(t(language, 'notCashier'))} (${esc(state.lockedTap)})</p>` : ''}
    ${state.closedTotals ? `<div class="last-close">${totalsTable(state, state.closedTotals, language, t(language, 'lastClose'))}<button class="button secondary" data-action="print">${hint('P')} ${esc(t(language, 'print'))}</button></div>` : ''}
  </section>`;
}

export function saleScreen(state: UiState): string {
  const language = languageOf(state);
  const groups = groupByCategory(state.catalogue);
  let index = 0;
  const products = groups
    .map(({ category, items }) => {
      const buttons = items
        .map((item) => {
          const key = choiceKey(index++);
          const qty = state.cart.get(item.id) ?? 0;
          const unit = assetById(state, item.asset) ?? EURO_CENTS;
          return `<button class="product" data-action="product" data-arg="${esc(item.id)}" data-label="${esc(item.label)}">${hint(key)}<span class="label">${esc(item.label)}</span><span class="price">${esc(formatAmount(item.price, unit, language))}</span>${qty > 0 ? `<span class="qty">×${qty}</span>` : ''}</button>`;
        })
        .join('');
      return `<div class="category"><h2>${esc(category || t(language, 'other'))}</h2><div class="grid">${buttons}</div></div>`;
    })
    .join('');
  const unit = saleUnit(state);
  const lines = ticketLines(state, t(language, 'freeAmount'));
  const total = ticketTotal(lines);
  const ticket = lines.length
    ? lines
        .map(
          (line) =>
            `<li>${line.id ? `<button class="minus" data-action="remove" data-arg="${esc(line.id)}" aria-label="−">−</button>` : ''}<span class="qty">${line.qty}×</span><span class="label">${esc(line.label)}</span><span class="amount">${esc(formatAmount(line.qty * line.unit, unit, language))}</span></li>`,
        )
        .join('')
    : `<li class="empty">${esc(t(language, 'emptyTicket'))}</li>`;
  return `<section class="screen sale" id="screen-sale">
    <div class="products">${products || `<p class="help">${esc(t(language, 'noCatalogue'))}</p>`}</div>
    <aside class="ticket">
      <ul class="lines" id="ticket">${ticket}</ul>
      <div class="total"><span>${esc(t(language, 'total'))}</span><strong id="total" data-amount="${total}">${esc(formatAmount(total, unit, language))}</strong></div>
      ${keypad(state, unit, language)}
      <button class="button primary charge" data-action="primary" id="charge" ${total > 0 ? '' : 'disabled'}>${hint('Enter')} ${esc(t(language, 'charge'))}</button>
    </aside>
  </section>`;
}

function keypad(state: UiState, unit: Unit, language: Language): string {
  const keys = ['1', '2', '3', '4', '5', '6', '7', '8', '9', 'C', '0', '⌫'];
  const buttons = keys
    .map((key) => {
      const action = key === 'C' ? 'clear' : key === '⌫' ? 'back' : 'digit';
      return `<button class="key" data-action="${action}" data-arg="${key}">${esc(key)}</button>`;
    })
    .join('');
  return `<div class="keypad-display"><span>${esc(t(language, 'amount'))}</span><strong id="keypad">${esc(formatAmount(keypadAmount(state.keypad), unit, language))}</strong></div><div class="keypad">${buttons}</div>`;
}

function paymentToggle(state: UiState, language: Language): string {
  const option = (payment: 'cash' | 'card', word: WordKey, key: string): string =>
    `<button class="segment${state.payment === payment ? ' active' : ''}" data-action="payment" data-arg="${payment}" id="payment-${payment}">${hint(key)} ${esc(t(language, word))}</button>`;
  return `<div class="payment"><span>${esc(t(language, 'payment'))}</span>${option('cash', 'cash', '←')}${option('card', 'bankCard', '→')}</div>`;
}

export function topUpScreen(state: UiState): string {
  const language = languageOf(state);
  // Only the local currency this place issues is topped up here (the hub refuses the rest).
  const local = localAsset(state);
  const issued = local?.issuedHere ? local : undefined;
  const unit = issued ?? local ?? EURO_CENTS;
  const amount = issued ? keypadAmount(state.keypad) : 0;
  const presets = TOP_UP_PRESETS.map(
    (preset, index) => `<button class="product preset" data-action="preset" data-arg="${preset}">${hint(choiceKey(index))}<span class="price">${esc(formatAmount(preset, unit, language))}</span></button>`,
  ).join('');
  return `<section class="screen top-up" id="screen-topUp">
    <div class="products"><h2>${esc(t(language, 'topUp'))} — ${esc(issued?.name ?? t(language, 'nothingToIssue'))}</h2><div class="grid presets">${presets}</div>${paymentToggle(state, language)}${notIssued(state, issued, language)}</div>
    <aside class="ticket">
      ${keypad(state, unit, language)}
      <button class="button primary charge" data-action="primary" id="top-up" ${amount > 0 ? '' : 'disabled'}>${hint('Enter')} ${esc(t(language, 'topUpAction'))} ${esc(formatAmount(amount, unit, language))}</button>
    </aside>
  </section>`;
}

export function checkScreen(state: UiState): string {
  const language = languageOf(state);
  const body = state.check
    ? `<div class="panel check standing-${esc(state.check.standing)}" id="check-result">${checkDetails(state, state.check, language)}</div>
       <button class="button secondary" data-action="primary">${hint('Enter')} ${esc(t(language, 'checkAgain'))}</button>`
    : `<div class="tap-icon" aria-hidden="true"></div><h1>${esc(t(language, 'tapCard'))}</h1>`;
  return `<section class="screen check-screen" id="screen-check"><h2>${esc(t(language, 'checkTitle'))}</h2>${body}</section>`;
}

/** The place's other money, greyed, each with why this till does not top it up. */
function notIssued(state: UiState, issued: AssetInfo | undefined, language: Language): string {
  const others = assetsOf(state).filter((asset) => ['TLF', 'TNF', 'FED'].includes(asset.category) && asset.id !== issued?.id && !(asset.category === 'TNF' && asset.issuedHere));
  if (others.length === 0) return '';
  const items = others
    .map((asset) => `<li class="not-issued" data-asset="${esc(asset.id)}"><span>${esc(asset.name)}</span> <span class="muted">${esc(t(language, asset.category === 'FED' ? 'fedTopUpOnline' : 'issuedElsewhere'))}</span></li>`)
    .join('');
  return `<ul class="not-issued-list" id="not-issued">${items}</ul>`;
}

/** Card check contents: TILL.md screen 5 (shared by the check screen and the overlay). */
export function checkDetails(state: UiState, check: CardCheck, language: Language): string {
  const standingWord: Record<CardCheck['standing'], WordKey> = { member: 'member', anonymous: 'anonymous', unknown: 'unknown', blocked: 'blocked', lost: 'lost' };
  const balances = check.balances.length
    ? check.balances.map((balance) => `<div class="balance-line"><span>${esc(balance.name)}</span><strong>${esc(money(state, balance.asset, balance.available, language))}</strong></div>${balance.melt ? `<div class="balance-melt">${esc(balance.melt.text)}</div>` : ''}`).join('')
    : `<p class="muted">${esc(t(language, 'noBalance'))}</p>`;
  const memberships = check.memberships
    .map((membership) => {
      const words = membership.valid ? t(language, 'validUntil', { date: formatDate(membership.validUntil, language) }) : t(language, 'expired', { date: formatDate(membership.validUntil, language) });
      return `<div class="balance-line ${membership.valid ? 'valid' : 'expired'}"><span>${esc(membership.name)}</span><strong>${esc(words)}</strong></div>`;
    })
    .join('');
  const recent = check.recent
    .map((entry) => {
      const unit = assetById(state, entry.asset);
      const amount = unit ? formatAmount(entry.amount, unit, language) : String(entry.amount);
      return `<li><span>${esc(formatDate(entry.at, language))}</span><span>${esc(kindWord(language, entry.kind))}</span><span>${esc(amount)}</span>${entry.acknowledged ? '' : `<span class="muted">${esc(t(language, 'pendingSync'))}</span>`}</li>`;
    })
    .join('');
  return `<div class="standing" data-standing="${esc(check.standing)}" id="standing">${esc(t(language, standingWord[check.standing]))}</div>
    <div class="card-uid">${esc(check.card)}</div>
    <h3>${esc(t(language, 'balances'))}</h3><div class="balances">${balances}</div>
    ${memberships ? `<h3>${esc(t(language, 'memberships'))}</h3><div class="balances">${memberships}</div>` : ''}
    ${recent ? `<h3>${esc(t(language, 'recent'))}</h3><ul class="recent">${recent}</ul>` : ''}`;
}

export function refundScreen(state: UiState): string {
  const language = languageOf(state);
  const { refund } = state;
  const header = `<h2>${esc(t(language, 'refundTitle'))}</h2>`;
  if (isOffline(state.view)) return `<section class="screen refund" id="screen-refund">${header}<p class="notice" id="refund-offline">${esc(t(language, 'refundNeedsHub'))}</p></section>`;
  const modes = (['refund', 'void'] as const)
    .map((mode, index) => `<button class="choice${refund.mode === mode ? ' active' : ''}" data-action="refund-mode" data-arg="${mode}" id="mode-${mode}">${hint(choiceKey(index))} ${esc(t(language, mode === 'refund' ? 'refundMode' : 'voidMode'))}</button>`)
    .join('');
  if (refund.stage !== 'confirm' || !refund.check) {
    return `<section class="screen refund" id="screen-refund">${header}<div class="choices">${modes}</div>
      <button class="button primary" data-action="primary" id="refund-start">${hint('Enter')} ${esc(t(language, 'tapCard'))}</button></section>`;
  }
  const items = refundable(state, refund.check).map((item) => ({ ...item, formatted: money(state, item.asset, item.available, language) }));
  const shown = refund.mode === 'void' ? items : items.filter((item) => item.asset === refund.asset);
  const list = shown.length
    ? shown.map((item) => `<div class="balance-line"><span>${esc(item.name)}</span><strong>${esc(item.formatted)}</strong></div>`).join('')
    : `<p class="muted">${esc(t(language, 'nothingToRefund'))}</p>`;
  const assetChoices =
    refund.mode === 'refund' && items.length > 1
      ? `<div class="choices">${items.map((item, index) => `<button class="choice${item.asset === refund.asset ? ' active' : ''}" data-action="choose" data-arg="${esc(item.asset)}">${hint(choiceKey(index + 2))} ${esc(item.name)}</button>`).join('')}</div>`
      : '';
  return `<section class="screen refund" id="screen-refund">${header}<div class="choices">${modes}</div>
    <div class="panel" id="refund-preview"><div class="card-uid">${esc(refund.check.card)}</div><h3>${esc(t(language, 'willRefund'))}</h3>${list}</div>
    ${assetChoices}
    <button class="button primary" data-action="primary" id="refund-confirm" ${shown.length ? '' : 'disabled'}>${hint('Enter')} ${esc(t(language, 'confirm'))}</button>
    <button class="button secondary" data-action="cancel">${hint('Esc')} ${esc(t(language, 'cancel'))}</button>
  </section>`;
}

function assetChoices(state: UiState, category: 'SUB' | 'BDG', language: Language): string {
  return assetsOf(state)
    .filter((asset) => asset.category === category)
    .map((asset, index) => `<button class="choice${state.chosen === asset.id ? ' active' : ''}" data-action="choose" data-arg="${esc(asset.id)}">${hint(choiceKey(index))} ${esc(asset.name)}</button>`)
    .join('') || `<p class="muted">${esc(t(language, category === 'SUB' ? 'noMembership' : 'noBadge'))}</p>`;
}

export function membershipScreen(state: UiState): string {
  const language = languageOf(state);
  const asset = assetById(state, state.chosen);
  const unit = asset ?? localAsset(state) ?? EURO_CENTS;
  return `<section class="screen membership" id="screen-membership">
    <div class="products"><h2>${esc(t(language, 'membership'))}</h2><div class="choices">${assetChoices(state, 'SUB', language)}</div>${paymentToggle(state, language)}</div>
    <aside class="ticket">
      ${keypad(state, unit, language)}
      <button class="button primary charge" data-action="primary" id="membership-sell" ${asset ? '' : 'disabled'}>${hint('Enter')} ${esc(t(language, 'sell'))}</button>
    </aside>
  </section>`;
}

export function badgeScreen(state: UiState): string {
  const language = languageOf(state);
  const armed = state.view?.armed;
  if (armed?.kind === 'badge') {
    const asset = assetById(state, armed.asset);
    return `<section class="screen badge on" id="screen-badge"><div class="tap-icon" aria-hidden="true"></div><h1 id="badge-on">${esc(t(language, 'badgeOn'))}</h1><p class="place-name">${esc(asset?.name ?? '')}</p>
      <button class="button secondary" data-action="cancel">${hint('Esc')} ${esc(t(language, 'badgeStop'))}</button></section>`;
  }
  return `<section class="screen badge" id="screen-badge"><h2>${esc(t(language, 'badge'))}</h2><div class="choices">${assetChoices(state, 'BDG', language)}</div>
    <button class="button primary" data-action="primary" id="badge-start" ${state.chosen ? '' : 'disabled'}>${hint('Enter')} ${esc(t(language, 'badgeStart'))}</button></section>`;
}

export function closeScreen(state: UiState): string {
  const language = languageOf(state);
  const totals = state.totals;
  // The report carries the title (it is what gets printed): said once.
  return `<section class="screen close" id="screen-close">${totals ? '' : `<h2>${esc(t(language, 'closeTitle'))}</h2>`}
    ${totals ? totalsTable(state, totals, language, t(language, 'closeTitle')) : ''}
    <div class="actions">
      <button class="button secondary" data-action="screen" data-arg="shift" id="open-shift-screen">${hint('F10')} ${esc(t(language, 'shift'))}</button>
      <button class="button secondary" data-action="print">${hint('P')} ${esc(t(language, 'print'))}</button>
      <button class="button primary" data-action="primary" id="close-register">${hint('Enter')} ${esc(t(language, 'closeRegister'))}</button>
    </div></section>`;
}

/** The printable register report: per operation and asset, then money taken per payment method. */
export function totalsTable(state: UiState, totals: RegisterTotals, language: Language, title: string): string {
  const rows = totals.rows
    .map(
      (row) =>
        `<tr><td>${esc(kindWord(language, row.kind))}</td><td>${esc(row.assetName)}</td><td>${row.payment ? esc(t(language, row.payment === 'cash' ? 'cash' : 'bankCard')) : '—'}</td><td class="num">${row.count}</td><td class="num">${esc(money(state, row.asset, row.amount, language))}</td></tr>`,
    )
    .join('');
  const taken = (['cash', 'card'] as const)
    .flatMap((payment) =>
      Object.entries(totals.taken[payment]).map(([currency, amount]) => {
        const unit = assetsOf(state).find((asset) => asset.currencyCode === currency) ?? { decimals: 2, currencyCode: currency };
        return `<tr><td>${esc(t(language, payment === 'cash' ? 'cash' : 'bankCard'))}</td><td class="num" data-payment="${payment}">${esc(formatAmount(amount, unit, language))}</td></tr>`;
      }),
    )
    .join('');
  return `<div class="printable register-report" id="register-report">
    <h3>${esc(title)} — ${esc(state.view?.paired?.placeName ?? '')}</h3>
    <p>${esc(t(language, 'sessionSince', { date: formatDate(totals.openedAt, language) }))} · ${esc(t(language, 'cashier'))} ${esc(totals.primary)} · ${esc(formatDate(totals.at, language))}</p>
    ${
      rows
        ? `<table><thead><tr><th>${esc(t(language, 'kind'))}</th><th>${esc(t(language, 'asset'))}</th><th>${esc(t(language, 'payment'))}</th><th class="num">${esc(t(language, 'count'))}</th><th class="num">${esc(t(language, 'total'))}</th></tr></thead><tbody>${rows}</tbody></table>`
        : `<p>${esc(t(language, 'nothingYet'))}</p>`
    }
    ${taken ? `<h4>${esc(t(language, 'taken'))}</h4><table class="taken"><tbody>${taken}</tbody></table>` : ''}
  </div>`;
}
