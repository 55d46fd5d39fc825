/**
 * The till screen's controller: owns the UI state and the bridge, applies the
 * pure transitions (transitions.ts, commands.ts, keys.ts) and runs their effects:
 * the bridge's calls, the redraw of changed regions, the decision's beep and
 * paint mark. The only place where the state changes.
 */
import type { BridgeEvent, TillBridge } from '../bridge/contract';
import { primaryCommand, refundChecked, refundCommand } from './commands';
import { t } from './i18n';
import { keyAction, type KeyPress } from './keys';
import { changedRegions, regionHtml, type Region } from './regions';
import { beep } from './sound';
import { initialState, languageOf, type Screen, type UiState } from './state';
import { actionStep, choiceAction, decisionPatch, enterScreen, tapPatch, viewStep, type Effect } from './transitions';
import { shiftAmount } from './views-shift';

/** Marked once the approved/declined screen has been painted: the benchmark reads it. */
export const DECISION_PAINTED_MARK = 'fedow:decision-painted';

type Outcome = Extract<BridgeEvent, { type: 'decision' }>['outcome'];

export class TillScreen {
  readonly state: UiState;
  private readonly drawn: Partial<Record<Region, string>> = {};

  constructor(
    private readonly regions: Record<Region, HTMLElement>,
    private readonly bridge: TillBridge,
    now: number,
  ) {
    this.state = initialState(now);
  }

  readonly render = (): void => {
    const html = regionHtml(this.state);
    for (const region of changedRegions(this.drawn, html)) {
      this.drawn[region] = html[region];
      this.regions[region].innerHTML = html[region];
    }
    document.documentElement.lang = languageOf(this.state);
  };

  readonly fail = (error: unknown): void => {
    this.state.notice = error instanceof Error ? error.message : String(error);
    this.render();
  };

  readonly tick = (): void => {
    this.state.now = Date.now();
    this.render();
  };

  private apply(patch: Partial<UiState>): void {
    Object.assign(this.state, patch);
  }

  readonly onEvent = (event: BridgeEvent): void => {
    switch (event.type) {
      case 'bridge':
        this.state.connected = event.connected;
        if (event.connected) void this.refresh().catch(this.fail);
        return this.render();
      case 'state':
        return this.onView(event.state);
      case 'decision':
        return this.showDecision(event.outcome);
      case 'tap':
        this.apply(tapPatch(this.state, event));
        return this.render();
      case 'alert':
        return;
    }
  };

  async refresh(): Promise<void> {
    this.onView(await this.bridge.snapshot());
  }

  private onView(view: NonNullable<UiState['view']>): void {
    const step = viewStep(this.state, view);
    this.apply(step.patch);
    if (step.catalogue) {
      void this.bridge.catalogue().then((items) => {
        this.state.catalogue = items;
        this.render();
      }, this.fail);
    }
    this.render();
  }

  private showDecision(outcome: Outcome): void {
    this.apply(decisionPatch(this.state, outcome));
    this.render();
    beep(outcome.approve ? 'approve' : 'decline');
    // rAF runs before the frame's paint; a task queued from it runs after that paint.
    // `paintedAt` is wall-clock ms (Date.now), comparable with the agent's clock on the
    // same machine; performance.timeOrigin is not (Chromium and Node disagree by ~50 ms).
    requestAnimationFrame(() =>
      setTimeout(() => performance.mark(DECISION_PAINTED_MARK, { detail: { at: outcome.at, approve: outcome.approve, paintedAt: Date.now() } }), 0),
    );
  }

  /** Every touch and key ends here, by name. */
  readonly act = (action: string, arg: string | undefined): void => {
    const step = actionStep(this.state, action, arg);
    this.apply(step.patch);
    this.run(step.effect);
  };

  /** A key: a choice letter becomes its button's action; a key that means nothing here is left to the page. */
  readonly key = (press: KeyPress, taken: () => void): void => {
    const action = keyAction(this.state, press);
    if (!action) return;
    taken();
    if (!('choice' in action)) this.act(action.action, action.arg);
    else {
      const chosen = choiceAction(this.state, action.choice);
      if (chosen) this.act(chosen.action, chosen.arg);
    }
  };

  private run(effect: Effect): void {
    if (effect === null) return;
    if (typeof effect === 'object') return this.goTo(effect.goTo);
    switch (effect) {
      case 'render':
        return this.render();
      case 'primary':
        return void this.primary().catch(this.fail);
      case 'cancelArmed':
        return void this.bridge.cancel().catch(this.fail);
      case 'print':
        return window.print();
      case 'lock':
        return void this.bridge.lock().then(() => {
          this.state.screen = 'sale';
          this.render();
        }, this.fail);
    }
  }

  private goTo(screen: Screen): void {
    if (this.state.view?.armed) void this.bridge.cancel().catch(this.fail);
    this.apply(enterScreen(screen));
    if (screen === 'check') void this.armCheck();
    if (screen === 'close') {
      void this.bridge.registerTotals().then((totals) => {
        this.state.totals = totals;
        this.render();
      }, this.fail);
    }
    this.render();
  }

  private async armCheck(): Promise<void> {
    this.state.check = null;
    this.render();
    const check = await this.bridge.checkCard().catch((error: unknown) => (this.fail(error), null));
    if (check && this.state.screen === 'check') {
      this.state.check = check;
      this.render();
    }
  }

  private async primary(): Promise<void> {
    const command = primaryCommand(this.state);
    if (!command) return;
    switch (command.kind) {
      case 'sale':
        return this.settle(this.bridge.sale(command.request));
      case 'topUp':
        return this.settle(this.bridge.topUp(command.request));
      case 'membership':
        return this.settle(this.bridge.membership(command.request));
      case 'badge':
        return void (await this.bridge.badgeMode(command.asset));
      case 'check':
        return this.armCheck();
      case 'refund':
        return this.refundStep();
      case 'shift':
        return this.submitShift();
      case 'close':
        this.state.closedTotals = await this.bridge.closeRegister();
        this.state.screen = 'sale';
        return this.render();
    }
  }

  /** An armed action's promise: decisions arrive as events; here only the cancelled and the failed. */
  private async settle(pending: Promise<unknown>): Promise<void> {
    this.render();
    await pending.catch(this.fail);
  }

  private async refundStep(): Promise<void> {
    const command = refundCommand(this.state);
    if (command === null) return;
    if (command.kind === 'void') return this.settle(this.bridge.voidCard(command.card));
    if (command.kind === 'refund') return this.settle(this.bridge.refund(command.request, command.card));
    this.state.refund = { ...this.state.refund, stage: 'tap', check: null };
    this.render();
    const check = await this.bridge.checkCard().catch((error: unknown) => (this.fail(error), null));
    this.apply(refundChecked(this.state, check));
    this.render();
  }

  /** Opens the drawer's shift with the float entered, or closes the open one with the count. */
  readonly submitShift = async (): Promise<void> => {
    const request = shiftAmount(this.state);
    if (!request || !this.state.view?.session) return;
    const language = languageOf(this.state);
    const closed = this.state.view.shift ? await this.bridge.closeShift(request) : null;
    const result = closed ?? (await this.bridge.openShift(request));
    if (!result.ok) {
      this.state.notice = result.code === 'shift_open' || result.code === 'no_shift' ? t(language, result.code) : result.message;
      return this.render();
    }
    this.apply({ shiftCount: {}, shiftTotal: '', shiftClosed: closed?.ok ? closed.shift : null });
    await this.refresh();
  };

  readonly pair = async (fields: { hubUrl: string; code: string; name: string }): Promise<void> => {
    if (this.state.pairing.busy) return;
    this.state.pairing = { ...fields, busy: true, error: null };
    this.render();
    const result = await this.bridge.pair(fields.hubUrl, fields.code, fields.name).catch((error: unknown) => ({
      ok: false as const,
      code: 'bridge',
      message: error instanceof Error ? error.message : String(error),
    }));
    this.state.pairing = { ...this.state.pairing, busy: false, error: result.ok ? null : `${result.message} (${result.code})` };
    this.render();
  };
}
