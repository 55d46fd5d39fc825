/**
 * What the primary button (Enter) asks of the agent on each screen, as a value:
 * the parent sends it over the bridge. Pure, so what a screen charges, tops up
 * or refunds is tested from the state alone.
 */
import type { SaleLine } from '@fedow/protocol';
import type { CardCheck, MembershipRequest, RefundRequest, SaleRequest, TopUpRequest } from '@fedow/terminal';
import { t } from './i18n';
import { keypadAmount } from './money';
import { isOffline, languageOf, refundable, ticketLines, type UiState } from './state';

export type PrimaryCommand =
  | { kind: 'sale'; request: SaleRequest }
  | { kind: 'topUp'; request: TopUpRequest }
  | { kind: 'membership'; request: MembershipRequest }
  | { kind: 'badge'; asset: string }
  | { kind: 'check' }
  | { kind: 'refund' }
  | { kind: 'shift' }
  | { kind: 'close' };

/** Null when there is nothing to send: no session, an action already armed, an empty ticket or keypad. */
export function primaryCommand(state: UiState): PrimaryCommand | null {
  if (!state.view?.session || state.view.armed) return null;
  switch (state.screen) {
    case 'sale': {
      const lines = ticketRequestLines(state);
      return lines.length === 0 ? null : { kind: 'sale', request: { lines } };
    }
    case 'topUp': {
      const amount = keypadAmount(state.keypad);
      return amount <= 0 ? null : { kind: 'topUp', request: { amount, payment: state.payment } };
    }
    case 'membership':
      return state.chosen ? { kind: 'membership', request: { asset: state.chosen, amount: keypadAmount(state.keypad), payment: state.payment } } : null;
    case 'badge':
      return state.chosen ? { kind: 'badge', asset: state.chosen } : null;
    case 'check':
    case 'refund':
    case 'shift':
    case 'close':
      return { kind: state.screen };
  }
}

function ticketRequestLines(state: UiState): SaleLine[] {
  const free = t(languageOf(state), 'freeAmount');
  return ticketLines(state, free).map(({ label, qty, unit }) => ({ label, qty, unit }));
}

/** The refund screen's next step: perform on the confirmed card, ask for a tap, or wait for a choice. */
export type RefundCommand =
  | { kind: 'void'; card: string }
  | { kind: 'refund'; request: RefundRequest; card: string }
  | { kind: 'tap' }
  | null;

export function refundCommand(state: UiState): RefundCommand {
  if (isOffline(state.view)) return null;
  const { refund } = state;
  if (refund.stage !== 'confirm' || !refund.check) return { kind: 'tap' };
  const card = refund.check.card;
  if (refund.mode === 'void') return { kind: 'void', card };
  return refund.asset ? { kind: 'refund', request: { asset: refund.asset }, card } : null;
}

/** The card the refund screen read: confirm it with its first refundable asset, or go back to the choice. */
export function refundChecked(state: UiState, check: CardCheck | null): Partial<UiState> {
  if (!check || state.screen !== 'refund') return { refund: { ...state.refund, stage: 'choose' } };
  return { refund: { ...state.refund, stage: 'confirm', check, asset: refundable(state, check)[0]?.asset ?? null } };
}
