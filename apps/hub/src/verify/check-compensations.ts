import { compensationMismatch } from '@fedow/ledger';
import * as repo from '../storage/repo';
import type { Tx } from '../storage/types';
import type { VerifyDiscrepancy } from './types';

/** Runs read per verify: far more than a century of monthly runs per federation. */
const RUNS_READ_MAX = 100_000;

/**
 * Compensation runs (DECISIONS.md, "Compensation"): every `CMP` transfer belongs
 * to an applied run, and each run's settlement is the one its claims give — a
 * payment changed, added or dropped after the fact is found even though
 * settlement records move no balance.
 */
export async function checkCompensations(tx: Tx): Promise<VerifyDiscrepancy | null> {
  const runs = (await repo.listCompensationRequests(tx, RUNS_READ_MAX)).filter((run) => run.status === 'applied');
  let inRuns = 0;
  for (const run of runs) {
    const transfers = await repo.getTransfersByRequest(tx, [run.id]);
    inRuns += transfers.length;
    const other = transfers.find((transfer) => transfer.action !== 'CMP');
    if (other) return { kind: 'compensation', seq: other.seq, message: `compensation ${run.id} holds a ${other.action} transfer` };
    const mismatch = compensationMismatch(transfers.map((transfer) => ({ sender: transfer.senderWalletId, receiver: transfer.receiverWalletId, amount: transfer.amount, part: partOf(transfer.meta) })));
    if (mismatch) return { kind: 'compensation', seq: transfers[0]?.seq, message: `compensation ${run.id}: ${mismatch}` };
  }
  const all = await repo.countTransfersOfAction(tx, 'CMP');
  if (all !== inRuns) return { kind: 'compensation', message: `${all} CMP transfers, ${inRuns} of them in compensation runs` };
  return null;
}

function partOf(meta: string | null): unknown {
  try {
    const value: unknown = meta === null ? null : JSON.parse(meta);
    return typeof value === 'object' && value !== null && 'part' in value ? value.part : null;
  } catch {
    return null;
  }
}
