import { SHIFT_ALERT_THRESHOLD_DEFAULT } from '@fedow/protocol';
import { expectedCash } from '../shifts/record';
import * as repo from '../storage/repo';
import type { Tx } from '../storage/types';
import type { VerifyDiscrepancy } from './types';

/** Shifts read per verify: a shift a day at a thousand tills for years. */
const SHIFTS_READ_MAX = 2_000_000;

/**
 * Cashier shifts (DECISIONS.md, "Cashier shifts"): each stored shift is what its
 * signed entries say (an applied SHO with the float, an applied SHC with the
 * count), and its expected cash and difference are recomputed from the ledger's
 * transfers of the till's entries between them. A shift row edited after the
 * fact, or a cash transfer added to or dropped from the till's chain, shows here.
 */
export async function checkShifts(tx: Tx): Promise<VerifyDiscrepancy | null> {
  for (const shift of await repo.listShifts(tx, { limit: SHIFTS_READ_MAX })) {
    const seqs = shift.closeSeq === null ? [shift.openSeq] : [shift.openSeq, shift.closeSeq];
    const entries = new Map((await repo.getEntriesBySeq(tx, shift.terminalId, seqs)).map((entry) => [entry.seq, entry]));
    const at = { kind: 'shift' as const, terminal: shift.terminalId, seq: shift.openSeq };
    const opening = signed(entries.get(shift.openSeq));
    if (!opening || opening.kind !== 'SHO' || opening.id !== shift.id || opening.amount !== shift.float) {
      return { ...at, message: `shift ${shift.id}: no applied opening entry with its float ${shift.float}` };
    }
    if (shift.closeSeq === null) continue;
    const closing = signed(entries.get(shift.closeSeq));
    if (!closing || closing.kind !== 'SHC' || closing.shift !== shift.id || closing.amount !== shift.counted) {
      return { ...at, seq: shift.closeSeq, message: `shift ${shift.id}: no applied closing entry with its count ${String(shift.counted)}` };
    }
    const expected = await expectedCash(tx, shift.terminalId, shift.openSeq, shift.closeSeq, shift.float);
    if (expected !== shift.expected || shift.difference !== (shift.counted ?? 0) - expected) {
      return { ...at, seq: shift.closeSeq, message: `shift ${shift.id}: expected cash ${String(shift.expected)} stored, ${expected} from the ledger` };
    }
    const threshold = shift.alertThreshold ?? SHIFT_ALERT_THRESHOLD_DEFAULT;
    if (shift.alert !== Math.abs(shift.difference) > threshold) {
      return { ...at, seq: shift.closeSeq, message: `shift ${shift.id}: alert ${String(shift.alert)} for a difference of ${shift.difference} (threshold ${threshold})` };
    }
  }
  return null;
}

/** The fields of an applied entry's signed body a shift is checked against. */
function signed(entry: { body: string; status: string } | undefined): { kind: unknown; id: unknown; amount: unknown; shift: unknown } | null {
  if (!entry || entry.status !== 'applied') return null;
  try {
    const body = JSON.parse(entry.body) as { kind?: unknown; id?: unknown; amount?: unknown; meta?: { shift?: unknown } };
    return { kind: body.kind, id: body.id, amount: body.amount, shift: body.meta?.shift };
  } catch {
    return null;
  }
}
