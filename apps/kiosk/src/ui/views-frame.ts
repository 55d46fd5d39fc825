/**
 * The frame around every screen: the status bar (always visible), the screen
 * tabs, the "tap the card" prompt and the big green / red result. Views are pure:
 * state in, HTML string out; the controller swaps a region only when its string
 * changed.
 */
import type { CardCheck, Outcome } from '@fedow/terminal';
import { formatAmount } from '@fedow/protocol/words';
import { esc, hint } from './html';
import { t, type Language } from './i18n';
import { formatElapsed } from './money';
import { SCREENS, assetById, isOffline, languageOf, saleUnit, type Result, type Screen, type UiState } from './state';
import { checkDetails, money } from './views-screens';

export const SCREEN_KEYS: Record<Screen, string> = { sale: 'F1', topUp: 'F2', check: 'F3', refund: 'F4', membership: 'F5', badge: 'F6', close: 'F7', shift: 'F10' };

export function statusBar(state: UiState): string {
  const language = languageOf(state);
  const view = state.view;
  if (!state.connected || !view) {
    return `<div class="status" data-sync="down"><span class="place">${esc(t(language, 'appName'))}</span><span class="pill pill-down">${esc(t(language, state.view ? 'serviceDown' : 'connecting'))}</span></div>`;
  }
  const offline = isOffline(view);
  const sync = view.sync;
  const syncState = !view.paired ? 'unpaired' : offline ? 'offline' : sync.status;
  const lastSync = sync.lastSyncAt === null ? t(language, 'never') : t(language, 'ago', { t: formatElapsed(state.now - sync.lastSyncAt) });
  const syncWords = syncState === 'online' ? t(language, 'online') : syncState === 'connecting' ? t(language, 'connectingHub') : syncState === 'stopped' ? t(language, 'stopped') : t(language, 'offline');
  const reader = view.reader.connected ? t(language, 'readerOk') : t(language, 'readerMissing');
  const parts = [
    `<span class="place">${esc(view.paired?.placeName ?? t(language, 'appName'))}</span>`,
    view.paired ? `<span class="pill pill-${esc(syncState)}" id="sync-pill">${esc(syncWords)}</span>` : '',
    view.paired ? `<span class="stat" id="last-sync">${esc(t(language, 'lastSync'))} ${esc(lastSync)}</span>` : '',
    view.paired ? `<span class="stat" id="pending" data-count="${sync.pendingCount}">${sync.pendingCount} ${esc(t(language, 'waiting'))}</span>` : '',
    `<span class="stat ${view.reader.connected ? '' : 'warn'}" id="reader" data-connected="${view.reader.connected}">${esc(reader)}</span>`,
    view.session ? `<span class="stat" id="cashier">${esc(t(language, 'cashier'))} ${esc(view.session.primary)}</span>` : '',
    `<button class="lang" data-action="language">${hint('F9')} ${esc(t(language, 'language'))}</button>`,
  ];
  const banner = offline ? `<div id="offline-banner" class="offline-banner">${esc(t(language, 'offlineCalm'))}</div>` : '';
  return `<div class="status" data-sync="${esc(syncState)}">${parts.join('')}</div>${banner}`;
}

export function nav(state: UiState): string {
  const language = languageOf(state);
  if (!state.view?.session) return '';
  const tabs = SCREENS.map(
    (screen) =>
      `<button class="tab${state.screen === screen || (screen === 'close' && state.screen === 'shift') ? ' active' : ''}" data-action="screen" data-arg="${screen}" id="tab-${screen}">${hint(SCREEN_KEYS[screen])}${esc(t(language, screen))}</button>`,
  );
  tabs.push(`<button class="tab tab-lock" data-action="lock">${hint('F8')}${esc(t(language, 'lock'))}</button>`);
  return `<nav class="tabs">${tabs.join('')}</nav>`;
}

export function footer(state: UiState): string {
  return `<footer class="keys">${esc(t(languageOf(state), 'keys'))}</footer>`;
}

/** "Tap the card" while an action is armed (not in badge mode, which has its own screen). */
export function overlay(state: UiState): string {
  const language = languageOf(state);
  if (state.result) return resultView(state, state.result, language);
  const armed = state.view?.armed;
  if (!armed || armed.kind === 'badge' || (armed.kind === 'check' && state.screen !== 'refund')) return '';
  const what = armed.kind === 'sale' ? formatAmount(armed.amount, saleUnit(state), language) : t(language, armed.kind === 'void' ? 'refund' : armed.kind);
  return `<div class="overlay waiting" id="waiting">
    <div class="tap-icon" aria-hidden="true"></div>
    <div class="big">${esc(t(language, 'tapCard'))}</div>
    <div class="what">${esc(what)}</div>
    <button class="button secondary" data-action="cancel">${hint('Esc')} ${esc(t(language, 'cancel'))}</button>
  </div>`;
}

function resultView(state: UiState, result: Result, language: Language): string {
  if (result.kind === 'check') return `<div class="overlay result check standing-${esc(result.check.standing)}" id="result" data-action="dismiss">${checkPanel(state, result.check, language)}<p class="continue">${esc(t(language, 'touchToContinue'))}</p></div>`;
  return outcomeView(state, result.outcome, result.badge, language);
}

function checkPanel(state: UiState, check: CardCheck, language: Language): string {
  return `<div class="panel">${checkDetails(state, check, language)}</div>`;
}

function outcomeView(state: UiState, outcome: Outcome, badge: boolean, language: Language): string {
  if (outcome.approve) {
    const unit = assetById(state, outcome.entries[0]?.asset ?? outcome.balances[0]?.asset);
    const sign = outcome.kind === 'REF' || outcome.kind === 'SUB' ? '+' : '−';
    const charged = unit && outcome.total > 0 ? `<div class="charged" id="charged">${sign} ${esc(formatAmount(outcome.total, unit, language))}</div>` : '';
    const balances = outcome.balances.map((balance) => `<div class="balance-line"><span>${esc(balance.name)}</span><strong>${esc(money(state, balance.asset, balance.available, language))}</strong></div>`).join('');
    return `<div class="overlay result approved" id="result" data-outcome="approved" data-kind="${esc(outcome.kind)}" data-action="dismiss">
      <div class="verdict">${esc(badge ? t(language, 'passage') : t(language, 'approved'))}</div>
      ${charged}
      ${outcome.auth === 'offline' ? `<div class="tag">${esc(t(language, 'offlineApproval'))}</div>` : ''}
      ${balances ? `<div class="balances" id="new-balance"><div class="label">${esc(t(language, 'newBalance'))}</div>${balances}</div>` : ''}
      <p class="continue">${esc(t(language, 'touchToContinue'))}</p>
    </div>`;
  }
  return `<div class="overlay result declined" id="result" data-outcome="declined" data-code="${esc(outcome.code)}" data-action="dismiss">
    <div class="verdict">${esc(t(language, 'declined'))}</div>
    ${
      // The agent's reason already names the missing amount ("2.40 € missing"): shown big, for the rest in cash.
      outcome.missing !== undefined
        ? `<div class="missing" id="missing" data-missing="${outcome.missing}">${esc(outcome.reasons?.[language] ?? outcome.reason)}</div>`
        : `<div class="reason" id="decline-reason">${esc(outcome.reasons?.[language] ?? outcome.reason)}</div>`
    }
    <p class="continue">${esc(t(language, 'touchToContinue'))}</p>
  </div>`;
}
