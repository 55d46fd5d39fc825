import { countTotal, drawerDelta, type AssetInfo, type CashCount, type EntryMeta, type WireEntry } from '@fedow/protocol';
import type { RandomSource } from '../clock';
import type { AppendResult, Journal } from '../store/journal';

/**
 * A cashier's shift at the cash drawer: it opens with a float (SHO) and closes
 * with the cash counted (SHC), both signed journal entries like sales, so they
 * are kept offline and synced in order. The open shift is read from the journal
 * itself (the last SHO no SHC names), never from memory: a restart mid-shift
 * keeps it. One shift at a time per till: there is one drawer.
 *
 * Expected cash = float + cash top-ups and memberships − refunds, from this
 * till's entries after the SHO (`drawerDelta`, shared with the hub). A void's
 * amount is what the till showed it would refund. The hub recomputes the same
 * sum from the ledger, which is what the reports keep.
 */

export interface OpenShift {
  id: string;
  seq: number;
  /** The cashier card that opened it. */
  primary: string;
  /** Till clock of the opening, RFC 3339. */
  openedAt: string;
  float: number;
  count: CashCount | null;
}

export interface ShiftView extends OpenShift {
  /** Cash the drawer should hold now, cents. */
  expected: number;
}

export interface ClosedShift extends ShiftView {
  closedAt: string;
  counted: number;
  /** Counted − expected: negative when cash is missing. */
  difference: number;
}

export type ShiftRequest = { count: CashCount } | { total: number };

export type ShiftResult<T> = { ok: true; shift: T } | { ok: false; code: 'shift_open' | 'no_shift' | 'locked' | 'not_paired' | 'invalid_amount' | 'journal'; message: string };

interface ShiftContext {
  journal: Journal;
  assets: ReadonlyMap<string, AssetInfo>;
  primary: string;
  online: boolean;
  now: number;
  random: RandomSource;
}

/** The shift open at this till, with the cash expected in the drawer now; null when none is open. */
export function currentShift(journal: Journal, assets: ReadonlyMap<string, AssetInfo>): ShiftView | null {
  const row = journal.openShiftEntry();
  if (!row) return null;
  const body = JSON.parse(row.body) as { id: string; primary: string; at: string; amount: number; meta?: EntryMeta };
  const open: OpenShift = { id: body.id, seq: row.seq, primary: body.primary, openedAt: body.at, float: body.amount, count: body.meta?.count ?? null };
  return { ...open, expected: open.float + drawerSince(journal, assets, open.seq) };
}

/** Cash into (+) and out of (−) the drawer through this till's entries after `seq`. */
function drawerSince(journal: Journal, assets: ReadonlyMap<string, AssetInfo>, seq: number): number {
  const rows = journal.drawerMovements(seq);
  let cash = 0;
  for (const row of rows) {
    // A void refunds the euro-valued balances the till showed (FED, TLF, TNF): all of it leaves the drawer.
    if (row.kind === 'VID') cash -= row.amount;
    const asset = row.asset === null ? undefined : assets.get(row.asset);
    if (asset) cash += drawerDelta({ kind: row.kind, payment: row.payment, category: asset.category, decimals: asset.decimals, amount: row.amount });
  }
  return cash;
}

/** The amount and meta a count or a total gives; null when it is not a valid amount. */
function counted(request: ShiftRequest): { amount: number; count: CashCount | null } | null {
  if ('count' in request) return { amount: countTotal(request.count), count: request.count };
  return Number.isSafeInteger(request.total) && request.total >= 0 ? { amount: request.total, count: null } : null;
}

function append(context: ShiftContext, kind: 'SHO' | 'SHC', amount: number, meta: EntryMeta): AppendResult {
  return context.journal.append(
    [{ kind, asset: null, amount, card: context.primary, primary: context.primary, auth: context.online ? 'online' : 'offline', ...(Object.keys(meta).length > 0 ? { meta } : {}) }],
    { now: context.now, random: context.random },
  );
}

export function openShift(context: ShiftContext, request: ShiftRequest): ShiftResult<ShiftView> {
  const open = currentShift(context.journal, context.assets);
  if (open) return { ok: false, code: 'shift_open', message: `a shift is already open since ${open.openedAt}` };
  const float = counted(request);
  if (!float) return { ok: false, code: 'invalid_amount', message: 'the float is a whole number of cents' };
  const appended = append(context, 'SHO', float.amount, float.count ? { count: float.count } : {});
  if (!appended.ok) return { ok: false, code: 'journal', message: appended.message };
  const body = (appended.entries[0] as WireEntry).body;
  return { ok: true, shift: { id: body.id, seq: body.seq, primary: body.primary, openedAt: body.at, float: float.amount, count: float.count, expected: float.amount } };
}

export function closeShift(context: ShiftContext, request: ShiftRequest): ShiftResult<ClosedShift> {
  const open = currentShift(context.journal, context.assets);
  if (!open) return { ok: false, code: 'no_shift', message: 'no shift is open at this till' };
  const cash = counted(request);
  if (!cash) return { ok: false, code: 'invalid_amount', message: 'the count is a whole number of cents' };
  const appended = append(context, 'SHC', cash.amount, { shift: open.id, expected: open.expected, ...(cash.count ? { count: cash.count } : {}) });
  if (!appended.ok) return { ok: false, code: 'journal', message: appended.message };
  const body = (appended.entries[0] as WireEntry).body;
  return { ok: true, shift: { ...open, closedAt: body.at, counted: cash.amount, difference: cash.amount - open.expected } };
}
