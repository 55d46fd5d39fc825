/**
 * The cash shift screen (F10, or from the close screen): open the drawer's shift
 * with its float, close it with the cash counted by euro notes and coins (or a
 * total), and see the expected cash, the count and the difference in words.
 * Pure: state in, HTML out.
 */
import { EURO_COINS, EURO_NOTES, countTotal, type CashCount } from '@fedow/protocol';
import { formatAmount, parseAmount } from '@fedow/protocol/words';
import type { ClosedShift } from '@fedow/terminal';
import { esc, hint } from './html';
import { t, type Language } from './i18n';
import { EURO_CENTS, formatDate } from './money';
import { languageOf, type UiState } from './state';

const euros = (cents: number, language: Language) => formatAmount(cents, EURO_CENTS, language);

/** What the cashier entered: the pieces when any was counted, else the total typed; null when nothing valid is. */
export function shiftAmount(state: UiState): { count: CashCount } | { total: number } | null {
  const count = Object.fromEntries(Object.entries(state.shiftCount).filter(([, pieces]) => pieces > 0)) as CashCount;
  if (Object.keys(count).length > 0) return { count };
  const total = parseAmount(state.shiftTotal, EURO_CENTS.decimals);
  return total === null ? null : { total };
}

function amountOf(request: ReturnType<typeof shiftAmount>): number {
  if (request === null) return 0;
  return 'count' in request ? countTotal(request.count) : request.total;
}

/** The difference in words: what a cashier says to the manager. */
export function differenceWords(difference: number, language: Language): string {
  if (difference === 0) return t(language, 'shiftExact');
  return t(language, difference < 0 ? 'shiftMissing' : 'shiftOver', { amount: euros(Math.abs(difference), language) });
}

function denominationGrid(state: UiState, language: Language): string {
  const cell = (cents: number) =>
    `<label class="denomination"><span>${esc(euros(cents, language))}</span><input type="text" inputmode="numeric" pattern="[0-9]*" maxlength="5" id="d-${cents}" data-denomination="${cents}" value="${state.shiftCount[cents] ? String(state.shiftCount[cents]) : ''}" autocomplete="off"></label>`;
  return `<div class="denominations" id="denominations">${[...EURO_NOTES, ...EURO_COINS].map(cell).join('')}</div>`;
}

function difference(difference: number, language: Language, id: string): string {
  const tone = difference === 0 ? 'exact' : difference < 0 ? 'missing' : 'over';
  return `<strong class="shift-difference ${tone}" id="${id}" data-difference="${difference}">${esc(differenceWords(difference, language))}</strong>`;
}

function closedPanel(closed: ClosedShift, language: Language): string {
  return `<div class="shift-closed printable" id="shift-closed">
    <h2>${esc(t(language, 'shiftClosedTitle'))}</h2>
    <table><tbody>
      <tr><td>${esc(t(language, 'shiftFloat'))}</td><td class="num">${esc(euros(closed.float, language))}</td></tr>
      <tr><td>${esc(t(language, 'shiftExpected'))}</td><td class="num" id="shift-closed-expected">${esc(euros(closed.expected, language))}</td></tr>
      <tr><td>${esc(t(language, 'shiftCounted'))}</td><td class="num" id="shift-closed-counted">${esc(euros(closed.counted, language))}</td></tr>
    </tbody></table>
    ${difference(closed.difference, language, 'shift-closed-difference')}
  </div>`;
}

export function shiftScreen(state: UiState): string {
  const language = languageOf(state);
  const open = state.view?.shift ?? null;
  const request = shiftAmount(state);
  const entered = amountOf(request);
  const head = open
    ? `<p class="shift-facts"><span id="shift-since">${esc(t(language, 'shiftOpenSince', { date: formatDate(Date.parse(open.openedAt), language) }))}</span> · ${esc(t(language, 'shiftFloat'))} <strong id="shift-float">${esc(euros(open.float, language))}</strong> · ${esc(t(language, 'shiftExpected'))} <strong id="shift-expected" data-amount="${open.expected}">${esc(euros(open.expected, language))}</strong></p>`
    : `<p class="shift-facts" id="shift-none">${esc(state.shiftClosed ? '' : t(language, 'shiftNone'))}</p>`;
  const summary = open
    ? `<span>${esc(t(language, 'shiftCounted'))} <strong id="shift-entered" data-amount="${entered}">${esc(euros(entered, language))}</strong></span>${request ? difference(entered - open.expected, language, 'shift-difference') : ''}`
    : `<span>${esc(t(language, 'shiftFloat'))} <strong id="shift-entered" data-amount="${entered}">${esc(euros(entered, language))}</strong></span>`;
  const action = open ? 'shiftClose' : 'shiftOpen';
  return `<section class="screen shift" id="screen-shift">
    ${state.shiftClosed && !open ? closedPanel(state.shiftClosed, language) : ''}
    <h2>${esc(t(language, 'shift'))}</h2>
    ${head}
    <form id="shift-form" data-form="shift" autocomplete="off">
      <p class="help">${esc(t(language, 'shiftCountHelp'))}</p>
      ${denominationGrid(state, language)}
      <div class="shift-summary">
        <label class="shift-total">${esc(t(language, 'shiftTotalOnly'))} <input type="text" inputmode="decimal" maxlength="10" id="shift-total" name="shiftTotal" value="${esc(state.shiftTotal)}"></label>
        ${summary}
        <button class="button primary" type="submit" id="shift-submit" ${request ? '' : 'disabled'}>${hint('Enter')} ${esc(t(language, action))}</button>
      </div>
    </form>
  </section>`;
}
