/**
 * Cashier shifts as ingest records them (docs/DECISIONS.md, "Cashier shifts"):
 * in the push's transaction, after the entries and their transfers are written,
 * an applied SHO stores the shift with its float, an applied SHC closes it with
 * the cash counted, the cash the ledger expected, the difference and whether it
 * is beyond the place's threshold. Shift entries move no money: nothing here
 * writes a balance or a transfer.
 */
import { SHIFT_ALERT_THRESHOLD_DEFAULT, drawerDelta, type EntryBody, type WireEntry } from '@fedow/protocol';
import * as repo from '../storage/repo';
import type { Tx } from '../storage/types';

interface ChainedEntry {
  entry: WireEntry;
  status: 'applied' | 'rejected';
}

interface TillOfShift {
  id: string;
  placeId: string;
}

export async function recordShifts(tx: Tx, terminal: TillOfShift, chained: readonly ChainedEntry[]): Promise<void> {
  for (const { entry, status } of chained) {
    if (status !== 'applied') continue;
    if (entry.body.kind === 'SHO') await openShift(tx, terminal, entry.body);
    if (entry.body.kind === 'SHC') await closeShift(tx, terminal, entry.body);
  }
}

async function openShift(tx: Tx, terminal: TillOfShift, body: EntryBody): Promise<void> {
  const count = body.meta?.count;
  const stored = await repo.insertShift(tx, {
    id: body.id,
    terminalId: terminal.id,
    placeId: terminal.placeId,
    cashier: body.primary,
    openSeq: body.seq,
    openedAt: body.at,
    float: body.amount,
    floatCount: count === undefined ? null : JSON.stringify(count),
  });
  if (!stored) throw new Error(`shift ${body.id} was already stored: an entry was applied twice`);
}

/**
 * A close whose opening the hub does not hold (an SHO another till signed, or
 * one that was rejected) closes nothing: its entry stays in the till's chain,
 * and the shift is not reported.
 */
async function closeShift(tx: Tx, terminal: TillOfShift, body: EntryBody): Promise<void> {
  const id = body.meta?.shift;
  if (id === undefined) throw new Error(`SHC ${body.id} names no shift: the entry schema requires it`);
  const shift = await repo.getShift(tx, id);
  if (!shift || shift.terminalId !== terminal.id || shift.closeSeq !== null) return;
  const expected = await expectedCash(tx, terminal.id, shift.openSeq, body.seq, shift.float);
  const place = await repo.getPlace(tx, terminal.placeId);
  const threshold = place?.shiftAlertThreshold ?? SHIFT_ALERT_THRESHOLD_DEFAULT;
  const difference = body.amount - expected;
  const count = body.meta?.count;
  await repo.closeShiftRow(tx, terminal.id, id, {
    closeSeq: body.seq,
    closedAt: body.at,
    closedBy: body.primary,
    counted: body.amount,
    count: count === undefined ? null : JSON.stringify(count),
    expected,
    tillExpected: body.meta?.expected ?? null,
    difference,
    alertThreshold: threshold,
    alert: Math.abs(difference) > threshold,
  });
}

/** Float + cash in − cash out through the till's applied entries between the opening and the close (the ledger's view). */
export async function expectedCash(tx: Tx, terminalId: string, openSeq: number, closeSeq: number, float: number): Promise<number> {
  const groups = await repo.drawerGroups(tx, terminalId, openSeq, closeSeq);
  return groups.reduce((cash, group) => cash + drawerDelta({ kind: group.action, payment: group.payment, category: group.category, decimals: group.decimals, amount: group.amount }), float);
}
