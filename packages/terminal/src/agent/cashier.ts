import { closeShift, openShift, type ClosedShift, type ShiftRequest, type ShiftResult, type ShiftView } from '../decision/shift';
import { registerTotals, type RegisterTotals } from '../views/register-totals';
import { gate, unlockVerdict, words } from './gate';
import { cancelArmed, publish, type AgentRuntime } from './agent-runtime';
import type { UnlockResult } from './agent';

/**
 * The cashier's acts that need no customer card: unlocking with a cashier card,
 * the register's totals and close, and the drawer's shifts. `gate.ts` says who
 * may act; these read and write the session and the journal.
 */

export function unlock(runtime: AgentRuntime, primary: string): UnlockResult {
  const { store, language } = runtime;
  const verdict = unlockVerdict(store.journal.identity() !== undefined, store.cache.primaries(), primary, store.session.current());
  if (!verdict.ok) return { ok: false, code: verdict.code, reason: words(language, verdict.code) };
  if (verdict.open) store.session.open(primary, runtime.clock.now());
  publish(runtime);
  return { ok: true, primary };
}

export function totals(runtime: AgentRuntime): RegisterTotals | null {
  const { journal, cache, session } = runtime.store;
  const current = session.current();
  if (!current) return null;
  return registerTotals(journal, cache, current.primary, current.openedAt, runtime.clock.now(), runtime.language);
}

/** Totals, then the session ends. */
export function lock(runtime: AgentRuntime): RegisterTotals | null {
  const result = totals(runtime);
  cancelArmed(runtime);
  runtime.store.session.close();
  publish(runtime);
  return result;
}

type ShiftContext = Parameters<typeof openShift>[0];

/** Shifts are the cashier's acts on the drawer: journaled directly, no card to authorise. */
function shiftAct<T>(runtime: AgentRuntime, act: (context: ShiftContext) => ShiftResult<T>): ShiftResult<T> {
  const { journal, cache, session } = runtime.store;
  const allowed = gate(journal.identity() !== undefined, session.current());
  if (!allowed.ok) return { ok: false, code: allowed.code, message: words(runtime.language, allowed.code) };
  const { clock, sync } = runtime;
  const result = act({ journal, assets: cache.assets(), primary: allowed.session.primary, online: sync.isOnline(), now: clock.now(), random: clock.random });
  if (result.ok) sync.kick();
  publish(runtime);
  return result;
}

export function openDrawerShift(runtime: AgentRuntime, request: ShiftRequest): ShiftResult<ShiftView> {
  return shiftAct(runtime, (context) => openShift(context, request));
}

export function closeDrawerShift(runtime: AgentRuntime, request: ShiftRequest): ShiftResult<ClosedShift> {
  return shiftAct(runtime, (context) => closeShift(context, request));
}
