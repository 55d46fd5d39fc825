/**
 * The till screen's state machine: what each touch, key and bridge event does to
 * the UI state, as pure functions that return a patch and, when the bridge or the
 * page must act, an effect for the parent (app.ts) to run. Nothing here touches
 * the DOM or the bridge, so each rule is tested with plain values.
 */
import type { BridgeEvent } from '../bridge/contract';
import { KEYPAD_DIGITS_MAX } from './money';
import { ALL_SCREENS, TOP_UP_PRESETS, assetsOf, languageOf, productsInKeyOrder, refundable, type RefundFlow, type Screen, type UiState } from './state';

/** What the parent does after applying a patch; null: nothing, not even a redraw. */
export type Effect = 'render' | 'primary' | 'cancelArmed' | 'print' | 'lock' | { goTo: Screen } | null;

export interface Step {
  patch: Partial<UiState>;
  effect: Effect;
}

type Outcome = Extract<BridgeEvent, { type: 'decision' }>['outcome'];

const CHOOSING: RefundFlow['stage'] = 'choose';
const KEEP_RESULT = new Set(['dismiss', 'cancel', 'language']);

/** Every touch and key ends here, by name. Any action but these three clears a shown result. */
export function actionStep(state: UiState, action: string, arg: string | undefined): Step {
  const prelude: Partial<UiState> = state.result && !KEEP_RESULT.has(action) ? { notice: null, result: null } : { notice: null };
  const step = action === 'cancel' ? cancelStep(state) : (ACTIONS[action]?.(state, arg) ?? { patch: {}, effect: null });
  return { patch: { ...prelude, ...step.patch }, effect: step.effect };
}

const render = (patch: Partial<UiState>): Step => ({ patch, effect: 'render' });
const effect = (effect: Effect): Step => ({ patch: {}, effect });

const ACTIONS: Record<string, (state: UiState, arg: string | undefined) => Step> = {
  dismiss: () => render({ result: null }),
  screen: (_, arg) => effect(arg && (ALL_SCREENS as readonly string[]).includes(arg) ? { goTo: arg as Screen } : null),
  product: (state, arg) => render(arg ? { cart: new Map(state.cart).set(arg, (state.cart.get(arg) ?? 0) + 1) } : {}),
  remove: (state, arg) => render(arg ? { cart: removeOne(state.cart, arg) } : {}),
  digit: (state, arg) => render(acceptsDigit(state.keypad, arg) ? { keypad: state.keypad + arg } : {}),
  back: (state) => render({ keypad: state.keypad.slice(0, -1) }),
  clear: (state) => render(state.screen === 'sale' ? { keypad: '', cart: new Map() } : { keypad: '' }),
  preset: (_, arg) => render({ keypad: arg ?? '' }),
  payment: (_, arg) => render({ payment: arg === 'card' ? 'card' : 'cash' }),
  choose: (state, arg) => render(state.screen === 'refund' ? { chosen: arg ?? null, refund: { ...state.refund, asset: arg ?? null } } : { chosen: arg ?? null }),
  'refund-mode': (state, arg) => render({ refund: { ...state.refund, mode: arg === 'void' ? 'void' : 'refund' } }),
  primary: () => effect('primary'),
  print: () => effect('print'),
  language: (state) => render({ language: languageOf(state) === 'fr' ? 'en' : 'fr' }),
  lock: () => effect('lock'),
};

function removeOne(cart: ReadonlyMap<string, number>, id: string): Map<string, number> {
  const next = new Map(cart);
  const qty = cart.get(id) ?? 0;
  if (qty <= 1) next.delete(id);
  else next.set(id, qty - 1);
  return next;
}

/** A keypad takes single digits up to its length, and no leading zero. */
function acceptsDigit(keypad: string, digit: string | undefined): digit is string {
  return digit !== undefined && /^\d$/.test(digit) && keypad.length < KEYPAD_DIGITS_MAX && !(keypad === '' && digit === '0');
}

/** Escape: closes a result, else cancels what is armed, else steps back in the refund or empties the ticket. */
export function cancelStep(state: UiState): Step {
  if (state.result) return render({ result: null });
  const backToChoice = { refund: { ...state.refund, stage: CHOOSING, check: null } };
  if (state.view?.armed) return { patch: state.screen === 'refund' ? backToChoice : {}, effect: 'cancelArmed' };
  if (state.screen === 'refund' && state.refund.stage !== 'choose') return render(backToChoice);
  return render({ cart: new Map(), keypad: '' });
}

/** The fields a screen starts afresh with; the parent also cancels what is armed and loads the screen's data. */
export function enterScreen(screen: Screen): Partial<UiState> {
  return {
    screen,
    result: null,
    keypad: '',
    chosen: null,
    check: null,
    refund: { mode: 'refund', stage: 'choose', check: null, asset: null },
    shiftCount: {},
    shiftTotal: '',
    shiftClosed: null,
  };
}

/** The n-th choice button of the screen (a key letter) as the action its touch would be. */
export function choiceAction(state: UiState, index: number): { action: string; arg: string } | null {
  if (state.screen === 'sale') {
    const product = productsInKeyOrder(state.catalogue)[index];
    return product ? { action: 'product', arg: product.id } : null;
  }
  if (state.screen === 'topUp') {
    const preset = TOP_UP_PRESETS[index];
    return preset === undefined ? null : { action: 'preset', arg: String(preset) };
  }
  if (state.screen === 'refund') return refundChoice(state, index);
  if (state.screen !== 'membership' && state.screen !== 'badge') return null;
  const asset = assetsOf(state).filter((candidate) => candidate.category === (state.screen === 'membership' ? 'SUB' : 'BDG'))[index];
  return asset ? { action: 'choose', arg: asset.id } : null;
}

/** On the refund screen, a and b pick the mode; the letters after them, the card's assets. */
function refundChoice(state: UiState, index: number): { action: string; arg: string } | null {
  if (index < 2) return { action: 'refund-mode', arg: index === 0 ? 'refund' : 'void' };
  const item = state.refund.check ? refundable(state, state.refund.check)[index - 2] : undefined;
  return item ? { action: 'choose', arg: item.asset } : null;
}

/** The agent's decision: shown over the screen; an approval empties what it paid for. */
export function decisionPatch(state: UiState, outcome: Outcome): Partial<UiState> {
  const badge = outcome.approve ? outcome.kind === 'BDG' : state.view?.armed?.kind === 'badge';
  const result = { kind: 'outcome' as const, outcome, badge };
  if (!outcome.approve) return { result };
  const cart = outcome.kind === 'SAL' || outcome.kind === 'QRS' ? { cart: new Map<string, number>() } : {};
  return { result, ...cart, keypad: '', refund: { ...state.refund, stage: 'choose', check: null } };
}

/** A card tapped outside an armed action: a locked till's stranger, or a balance to show. */
export function tapPatch(state: UiState, event: Extract<BridgeEvent, { type: 'tap' }>): Partial<UiState> {
  if (event.locked) return { lockedTap: event.card };
  if (!event.check) return {};
  return state.screen === 'check' ? { check: event.check } : { result: { kind: 'check', check: event.check } };
}

/** The agent's new snapshot; `catalogue`: its catalogue changed and must be fetched. */
export function viewStep(state: UiState, view: NonNullable<UiState['view']>): { patch: Partial<UiState>; catalogue: boolean } {
  const opened = view.session && !(state.view?.session ?? null) ? { closedTotals: null, lockedTap: null } : {};
  const catalogue = view.catalogueRevision !== state.catalogueRevision;
  return { patch: { view, ...opened, ...(catalogue ? { catalogueRevision: view.catalogueRevision } : {}) }, catalogue };
}
