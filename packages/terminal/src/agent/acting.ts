import { KeyboardWedgeReader } from '@fedow/nfc';
import { qrDeclineReason } from '../reason';
import { tap } from '../decision/tap';
import { balancesOf, checkCard, entryAssets, type CardCheck } from '../views/card-view';
import { requestFor, routeQrCode, routeTap, routeWedgeLine, type ActionRequest, type ArmedAction } from './arming';
import { approvedOutcome, declinedOutcome, type Outcome } from './outcome';
import { payWithCode } from './qr-payment';
import { gate, words } from './gate';
import { unlock } from './cashier';
import { cancelArmed, emit, publish, refused, type AgentRuntime } from './agent-runtime';

/**
 * What a card, a typed line or a cashier's button does: arm an action or
 * perform it, and the one path from a request to the journal (`decide`, through
 * decision/tap.ts). Where each goes is arming.ts's answer; this carries it out.
 */

/** Authorise and commit one request: the only path to the journal. */
function decide(runtime: AgentRuntime, request: ActionRequest): Outcome {
  const { store, sync, clock, language } = runtime;
  const { journal, cache, cardSet } = store;
  const allowed = gate(journal.identity() !== undefined, store.session.current());
  if (!allowed.ok) return refused(runtime, allowed.code, words(language, allowed.code), request.card);
  const now = clock.now();
  const result = tap(journal, cache, { ...request, primary: allowed.session.primary }, { online: sync.isOnline(), now, random: clock.random, cardSet });
  if (!result.approve) {
    if (result.code === 'journal') return refused(runtime, 'journal', result.failure.message, request.card);
    return declinedOutcome(result, cache.assets(), language, request.card, now);
  }
  sync.kick();
  const bodies = result.entries.map((entry) => entry.body);
  const balances = balancesOf(cache, journal, request.card, language, request.kind === 'VID' ? undefined : entryAssets(bodies), now);
  return approvedOutcome(request.kind, request.card, bodies, balances, now);
}

function conclude(runtime: AgentRuntime, outcome: Outcome): Outcome {
  runtime.lastDecision = outcome;
  void runtime.reader.feedback(outcome.approve ? 'ok' : 'error').catch(() => undefined);
  emit(runtime, { type: 'decision', outcome });
  publish(runtime);
  return outcome;
}

function perform(runtime: AgentRuntime, action: Exclude<ArmedAction, { kind: 'check' }>, card: string): Outcome {
  const { store, clock, language } = runtime;
  const { journal, cache } = store;
  const facts = { assets: cache.assets(), balances: (only?: ReadonlySet<string>) => balancesOf(cache, journal, card, language, only, clock.now()) };
  const request = requestFor(action, card, facts);
  if (request === 'no_asset') return conclude(runtime, refused(runtime, 'no_asset', words(language, 'no_asset'), card));
  return conclude(runtime, decide(runtime, request));
}

function execute(runtime: AgentRuntime, action: ArmedAction, card: string): Outcome | CardCheck {
  if (action.kind === 'check') return cardCheck(runtime, card);
  return perform(runtime, action, card);
}

function cardCheck(runtime: AgentRuntime, card: string): CardCheck {
  const { journal, cache, cardSet } = runtime.store;
  return checkCard(cache, journal, card, runtime.clock.now(), runtime.language, cardSet.knows(card) === true);
}

/** Performs now with `card`, or arms the action for the next tap. */
export function run<T extends Outcome | CardCheck | null>(runtime: AgentRuntime, action: ArmedAction, card: string | undefined): Promise<T> {
  if (card !== undefined) return Promise.resolve(execute(runtime, action, card) as T);
  cancelArmed(runtime);
  return new Promise<T>((resolve) => {
    // Safe: `execute(action, …)` returns a CardCheck for 'check' and an Outcome otherwise.
    runtime.armed = { action, resolve: (value) => resolve(value as T) };
    publish(runtime);
  });
}

export function onCard(runtime: AgentRuntime, uid: string): void {
  const route = routeTap(runtime.store.session.current(), runtime.armed?.action ?? null, uid);
  switch (route.to) {
    case 'unlock':
      if (!unlock(runtime, uid).ok) emit(runtime, { type: 'tap', card: uid, locked: true, check: null });
      return;
    case 'armed': {
      const { resolve } = runtime.armed!;
      if (!route.keepArmed) runtime.armed = null;
      resolve(execute(runtime, route.action, uid));
      if (!route.keepArmed) publish(runtime);
      return;
    }
    case 'ignore':
      return;
    case 'check':
      emit(runtime, { type: 'tap', card: uid, locked: false, check: cardCheck(runtime, uid) });
  }
}

export function onWedgeLine(runtime: AgentRuntime, text: string): void {
  const { to, line } = routeWedgeLine(text);
  if (to === 'pay') return void payArmedSale(runtime, line);
  if (runtime.reader instanceof KeyboardWedgeReader) runtime.reader.line(line);
}

/** The armed sale, paid with a payment code; any other moment declines the code and keeps what was armed. */
async function payArmedSale(runtime: AgentRuntime, code: string): Promise<void> {
  const { language, store, sync, clock } = runtime;
  const route = routeQrCode(store.session.current(), runtime.armed?.action ?? null);
  if (route === 'locked') return void conclude(runtime, refused(runtime, 'locked', words(language, 'locked')));
  if (route === 'no_sale') return void conclude(runtime, refused(runtime, 'qr_no_sale', qrDeclineReason('qr_no_sale', undefined, language)));
  const current = runtime.armed!;
  if (current.action.kind !== 'sale') return;
  runtime.armed = null;
  publish(runtime);
  const { amount, request } = current.action;
  current.resolve(conclude(runtime, await payWithCode({ sync, cache: store.cache, language, now: clock.now }, { code, amount, asset: request.asset ?? null })));
}
