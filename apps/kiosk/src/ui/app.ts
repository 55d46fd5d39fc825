/**
 * The controller: holds the UI state, listens to the bridge, turns touches and
 * keys into actions, and redraws. No framework: four regions of the page are
 * re-rendered from strings, and a region's DOM is replaced only when its string
 * changed, so a sync heartbeat does not disturb a form being typed in.
 */
import type { BridgeEvent, TillBridge } from '../bridge/contract';
import { choiceKey, esc } from './html';
import { t } from './i18n';
import { KEYPAD_DIGITS_MAX, keypadAmount } from './money';
import { beep } from './sound';
import { WedgeKeys } from './wedge';
import {
  ALL_SCREENS,
  TOP_UP_PRESETS,
  assetsOf,
  initialState,
  isOffline,
  languageOf,
  productsInKeyOrder,
  refundable,
  ticketLines,
  type Screen,
  type UiState,
} from './state';
import { SCREEN_KEYS, footer, nav, overlay, statusBar } from './views-frame';
import { badgeScreen, checkScreen, closeScreen, lockedScreen, membershipScreen, pairingScreen, refundScreen, saleScreen, topUpScreen } from './views-screens';
import { shiftAmount, shiftScreen } from './views-shift';

/** Marked once the approved/declined screen has been painted: the benchmark reads it. */
export const DECISION_PAINTED_MARK = 'fedow:decision-painted';
const TICK_MS = 1_000;

type Region = 'status' | 'nav' | 'main' | 'overlay' | 'footer';

export function startApp(root: HTMLElement, bridge: TillBridge): void {
  const state: UiState = initialState(Date.now());
  root.innerHTML = '<div id="status-region"></div><div id="nav-region"></div><main id="main-region"></main><div id="overlay-region"></div><div id="footer-region"></div>';
  const regions: Record<Region, HTMLElement> = {
    status: root.querySelector('#status-region')!,
    nav: root.querySelector('#nav-region')!,
    main: root.querySelector('#main-region')!,
    overlay: root.querySelector('#overlay-region')!,
    footer: root.querySelector('#footer-region')!,
  };
  const drawn: Partial<Record<Region, string>> = {};

  const render = (): void => {
    const html: Record<Region, string> = { status: statusBar(state), nav: nav(state), main: mainScreen(state), overlay: overlay(state), footer: footer(state) };
    for (const region of Object.keys(html) as Region[]) {
      if (drawn[region] === html[region]) continue;
      drawn[region] = html[region];
      regions[region].innerHTML = html[region];
    }
    document.documentElement.lang = languageOf(state);
  };

  const fail = (error: unknown): void => {
    state.notice = error instanceof Error ? error.message : String(error);
    render();
  };

  const refresh = async (): Promise<void> => {
    const view = await bridge.snapshot();
    onView(view);
  };

  const onView = (view: NonNullable<UiState['view']>): void => {
    const hadSession = state.view?.session ?? null;
    state.view = view;
    if (view.session && !hadSession) {
      state.closedTotals = null;
      state.lockedTap = null;
    }
    if (view.catalogueRevision !== state.catalogueRevision) {
      state.catalogueRevision = view.catalogueRevision;
      void bridge.catalogue().then((items) => {
        state.catalogue = items;
        render();
      }, fail);
    }
    render();
  };

  const onEvent = (event: BridgeEvent): void => {
    switch (event.type) {
      case 'bridge':
        state.connected = event.connected;
        if (event.connected) void refresh().catch(fail);
        return render();
      case 'state':
        return onView(event.state);
      case 'decision':
        return showDecision(event.outcome);
      case 'tap':
        if (event.locked) state.lockedTap = event.card;
        else if (event.check) {
          if (state.screen === 'check') state.check = event.check;
          else state.result = { kind: 'check', check: event.check };
        }
        return render();
      case 'alert':
        return;
    }
  };

  const showDecision = (outcome: Extract<BridgeEvent, { type: 'decision' }>['outcome']): void => {
    const badge = outcome.approve ? outcome.kind === 'BDG' : state.view?.armed?.kind === 'badge';
    state.result = { kind: 'outcome', outcome, badge };
    if (outcome.approve) {
      if (outcome.kind === 'SAL' || outcome.kind === 'QRS') state.cart = new Map();
      state.keypad = '';
      state.refund = { ...state.refund, stage: 'choose', check: null };
    }
    render();
    beep(outcome.approve ? 'approve' : 'decline');
    // rAF runs before the frame's paint; a task queued from it runs after that paint.
    // `paintedAt` is wall-clock ms (Date.now), comparable with the agent's clock on the
    // same machine; performance.timeOrigin is not (Chromium and Node disagree by ~50 ms).
    requestAnimationFrame(() =>
      setTimeout(() => performance.mark(DECISION_PAINTED_MARK, { detail: { at: outcome.at, approve: outcome.approve, paintedAt: Date.now() } }), 0),
    );
  };

  const goTo = (screen: Screen): void => {
    if (state.view?.armed) void bridge.cancel().catch(fail);
    state.screen = screen;
    state.result = null;
    state.keypad = '';
    state.chosen = null;
    state.check = null;
    state.refund = { mode: 'refund', stage: 'choose', check: null, asset: null };
    state.shiftCount = {};
    state.shiftTotal = '';
    state.shiftClosed = null;
    if (screen === 'check') void armCheck();
    if (screen === 'close') void bridge.registerTotals().then((totals) => {
      state.totals = totals;
      render();
    }, fail);
    render();
  };

  const armCheck = async (): Promise<void> => {
    state.check = null;
    render();
    const check = await bridge.checkCard().catch((error: unknown) => (fail(error), null));
    if (check && state.screen === 'check') {
      state.check = check;
      render();
    }
  };

  const primary = async (): Promise<void> => {
    const view = state.view;
    if (!view?.session || view.armed) return;
    const language = languageOf(state);
    switch (state.screen) {
      case 'sale': {
        const lines = ticketLines(state, t(language, 'freeAmount')).map(({ label, qty, unit }) => ({ label, qty, unit }));
        if (lines.length === 0) return;
        return settle(bridge.sale({ lines }));
      }
      case 'topUp': {
        const amount = keypadAmount(state.keypad);
        if (amount <= 0) return;
        return settle(bridge.topUp({ amount, payment: state.payment }));
      }
      case 'membership':
        if (!state.chosen) return;
        return settle(bridge.membership({ asset: state.chosen, amount: keypadAmount(state.keypad), payment: state.payment }));
      case 'badge':
        if (state.chosen) await bridge.badgeMode(state.chosen);
        return;
      case 'check':
        return armCheck();
      case 'refund':
        return refundStep();
      case 'shift':
        return submitShift();
      case 'close': {
        const totals = await bridge.closeRegister();
        state.closedTotals = totals;
        state.screen = 'sale';
        return render();
      }
    }
  };

  /** Opens the drawer's shift with the float entered, or closes the open one with the count. */
  const submitShift = async (): Promise<void> => {
    const request = shiftAmount(state);
    if (!request || !state.view?.session) return;
    const language = languageOf(state);
    const closed = state.view.shift ? await bridge.closeShift(request) : null;
    const result = closed ?? (await bridge.openShift(request));
    if (!result.ok) {
      state.notice = result.code === 'shift_open' || result.code === 'no_shift' ? t(language, result.code) : result.message;
      return render();
    }
    state.shiftCount = {};
    state.shiftTotal = '';
    state.shiftClosed = closed?.ok ? closed.shift : null;
    await refresh();
  };

  /** An armed action's promise: decisions arrive as events; here only the cancelled and the failed. */
  const settle = async (pending: Promise<unknown>): Promise<void> => {
    render();
    await pending.catch(fail);
  };

  const refundStep = async (): Promise<void> => {
    if (isOffline(state.view)) return;
    const { refund } = state;
    if (refund.stage === 'confirm' && refund.check) {
      const card = refund.check.card;
      if (refund.mode === 'void') return settle(bridge.voidCard(card));
      if (!refund.asset) return;
      return settle(bridge.refund({ asset: refund.asset }, card));
    }
    state.refund = { ...refund, stage: 'tap', check: null };
    render();
    const check = await bridge.checkCard().catch((error: unknown) => (fail(error), null));
    if (!check || state.screen !== 'refund') {
      state.refund = { ...state.refund, stage: 'choose' };
      return render();
    }
    state.refund = { ...state.refund, stage: 'confirm', check, asset: refundable(state, check)[0]?.asset ?? null };
    render();
  };

  const cancel = (): void => {
    if (state.result) {
      state.result = null;
      return render();
    }
    if (state.view?.armed) {
      void bridge.cancel().catch(fail);
      if (state.screen === 'refund') state.refund = { ...state.refund, stage: 'choose', check: null };
      return;
    }
    if (state.screen === 'refund' && state.refund.stage !== 'choose') state.refund = { ...state.refund, stage: 'choose', check: null };
    else {
      state.cart = new Map();
      state.keypad = '';
    }
    render();
  };

  const choose = (index: number): void => {
    if (state.screen === 'sale') {
      const product = productsInKeyOrder(state.catalogue)[index];
      if (product) act('product', product.id);
    } else if (state.screen === 'topUp') {
      const preset = TOP_UP_PRESETS[index];
      if (preset !== undefined) act('preset', String(preset));
    } else if (state.screen === 'refund') {
      if (index < 2) act('refund-mode', index === 0 ? 'refund' : 'void');
      else if (state.refund.check) {
        const item = refundable(state, state.refund.check)[index - 2];
        if (item) act('choose', item.asset);
      }
    } else if (state.screen === 'membership' || state.screen === 'badge') {
      const asset = assetsOf(state).filter((candidate) => candidate.category === (state.screen === 'membership' ? 'SUB' : 'BDG'))[index];
      if (asset) act('choose', asset.id);
    }
  };

  /** Every touch and key ends here, by name. */
  const act = (action: string, arg: string | undefined): void => {
    state.notice = null;
    if (state.result && action !== 'dismiss' && action !== 'cancel' && action !== 'language') state.result = null;
    switch (action) {
      case 'dismiss':
        state.result = null;
        return render();
      case 'screen':
        if (arg && (ALL_SCREENS as readonly string[]).includes(arg)) goTo(arg as Screen);
        return;
      case 'product':
        if (arg) state.cart.set(arg, (state.cart.get(arg) ?? 0) + 1);
        return render();
      case 'remove': {
        const qty = arg ? (state.cart.get(arg) ?? 0) : 0;
        if (arg && qty <= 1) state.cart.delete(arg);
        else if (arg) state.cart.set(arg, qty - 1);
        return render();
      }
      case 'digit':
        if (arg && /^\d$/.test(arg) && state.keypad.length < KEYPAD_DIGITS_MAX && !(state.keypad === '' && arg === '0')) state.keypad += arg;
        return render();
      case 'back':
        state.keypad = state.keypad.slice(0, -1);
        return render();
      case 'clear':
        state.keypad = '';
        if (state.screen === 'sale') state.cart = new Map();
        return render();
      case 'preset':
        state.keypad = arg ?? '';
        return render();
      case 'payment':
        state.payment = arg === 'card' ? 'card' : 'cash';
        return render();
      case 'choose':
        state.chosen = arg ?? null;
        if (state.screen === 'refund') state.refund = { ...state.refund, asset: arg ?? null };
        return render();
      case 'refund-mode':
        state.refund = { ...state.refund, mode: arg === 'void' ? 'void' : 'refund' };
        return render();
      case 'primary':
        void primary().catch(fail);
        return;
      case 'cancel':
        return cancel();
      case 'print':
        window.print();
        return;
      case 'language':
        state.language = languageOf(state) === 'fr' ? 'en' : 'fr';
        return render();
      case 'lock':
        void bridge.lock().then(() => {
          state.screen = 'sale';
          render();
        }, fail);
        return;
    }
  };

  root.addEventListener('click', (event) => {
    const target = event.target instanceof Element ? event.target.closest<HTMLElement>('[data-action]') : null;
    if (!target || (target instanceof HTMLButtonElement && target.disabled)) return;
    event.stopPropagation();
    act(target.dataset.action ?? '', target.dataset.arg);
  });
  root.addEventListener('submit', (event) => {
    event.preventDefault();
    const form = event.target instanceof HTMLFormElement ? event.target : null;
    if (form?.dataset.form === 'shift') return void submitShift().catch(fail);
    void pair(form);
  });
  root.addEventListener('input', (event) => {
    if (event.target instanceof HTMLInputElement && event.target.closest('#shift-form')) return countInput(event.target);
    // Kept in state without a redraw: the field keeps its caret.
    if (event.target instanceof HTMLInputElement && event.target.name in state.pairing) {
      const name = event.target.name as 'hubUrl' | 'code' | 'name';
      state.pairing[name] = event.target.value;
    }
  });

  /** A count or total typed: the totals and the difference follow at once; the field keeps its focus and caret. */
  const countInput = (input: HTMLInputElement): void => {
    const denomination = input.dataset.denomination;
    if (denomination) {
      const pieces = Number.parseInt(input.value.replace(/\D/g, ''), 10);
      state.shiftCount = { ...state.shiftCount, [denomination]: Number.isSafeInteger(pieces) ? pieces : 0 };
    } else state.shiftTotal = input.value;
    const id = input.id;
    render();
    const again = document.getElementById(id);
    if (again instanceof HTMLInputElement && document.activeElement !== again) {
      again.focus();
      again.setSelectionRange(again.value.length, again.value.length);
    }
  };

  const pair = async (form: HTMLFormElement | null): Promise<void> => {
    if (!form || state.pairing.busy) return;
    const data = new FormData(form);
    const field = (name: string): string => String(data.get(name) ?? '').trim();
    state.pairing = { hubUrl: field('hubUrl'), code: field('code'), name: field('name'), busy: true, error: null };
    render();
    const result = await bridge.pair(state.pairing.hubUrl, state.pairing.code, state.pairing.name).catch((error: unknown) => ({
      ok: false as const,
      code: 'bridge',
      message: error instanceof Error ? error.message : String(error),
    }));
    state.pairing = { ...state.pairing, busy: false, error: result.ok ? null : `${result.message} (${result.code})` };
    render();
  };

  const onKey = (event: KeyboardEvent): void => {
    const action = keyAction(state, event);
    if (!action) return;
    event.preventDefault();
    if (action.choice !== undefined) return choose(action.choice);
    act(action.action, action.arg);
  };
  const wedge = new WedgeKeys(
    (text) => void bridge.wedgeLine(text).catch(fail),
    (keys) => keys.forEach((key) => onKey(new KeyboardEvent('keydown', { key }))),
  );
  document.addEventListener('keydown', (event) => {
    // Fields (pairing) take their keys; a modified key is never a wedge's.
    const plain = !(event.target instanceof HTMLInputElement) && !event.ctrlKey && !event.altKey && !event.metaKey;
    if (plain && wedge.key(event.key, event.timeStamp)) return event.preventDefault();
    onKey(event);
  });

  bridge.subscribe(onEvent);
  setInterval(() => {
    state.now = Date.now();
    render();
  }, TICK_MS);
  render();
}

function mainScreen(state: UiState): string {
  const view = state.view;
  if (!view) return '';
  if (!view.paired) return pairingScreen(state);
  if (!view.session) return lockedScreen(state);
  const screens: Record<Screen, (state: UiState) => string> = {
    sale: saleScreen,
    topUp: topUpScreen,
    check: checkScreen,
    refund: refundScreen,
    membership: membershipScreen,
    badge: badgeScreen,
    close: closeScreen,
    shift: shiftScreen,
  };
  const notice = state.notice ? `<p class="notice" id="notice">${esc(state.notice)}</p>` : '';
  return notice + screens[state.screen](state);
}

const FUNCTION_SCREENS = Object.fromEntries(Object.entries(SCREEN_KEYS).map(([screen, key]) => [key, screen]));

/**
 * The keyboard map (shown in the footer and on every button): F1–F7 screens,
 * F8 lock, F9 language, digits → keypad, Backspace / Delete, letters → the
 * screen's choice buttons in the order drawn, ← → payment, Enter, Escape, P print.
 * In a text field only F-keys and Escape are taken; Enter submits the form.
 */
function keyAction(state: UiState, event: KeyboardEvent): { action: string; arg?: string; choice?: number } | null {
  if (event.ctrlKey || event.altKey || event.metaKey) return null;
  const screen = FUNCTION_SCREENS[event.key];
  if (screen) return state.view?.session ? { action: 'screen', arg: screen } : { action: 'none' };
  if (event.key === 'F8') return { action: 'lock' };
  if (event.key === 'F9') return { action: 'language' };
  if (/^F\d+$/.test(event.key)) return { action: 'none' };
  if (event.key === 'Escape') return { action: 'cancel' };
  if (event.target instanceof HTMLInputElement) return null;
  if (!state.view?.session) return event.key.toLowerCase() === 'p' && state.closedTotals ? { action: 'print' } : null;
  if (/^\d$/.test(event.key)) return { action: 'digit', arg: event.key };
  switch (event.key) {
    case 'Enter':
      return state.result ? { action: 'dismiss' } : { action: 'primary' };
    case 'Backspace':
      return { action: 'back' };
    case 'Delete':
      return { action: 'clear' };
    case 'ArrowLeft':
      return { action: 'payment', arg: 'cash' };
    case 'ArrowRight':
      return { action: 'payment', arg: 'card' };
  }
  const letter = event.key.toLowerCase();
  if (letter === 'p' && state.screen === 'close') return { action: 'print' };
  const index = letter.length === 1 ? 'abcdefghijklmnopqrstuvwxyz'.indexOf(letter) : -1;
  if (index >= 0 && choiceKey(index)) return { action: 'choice', choice: index };
  return null;
}
