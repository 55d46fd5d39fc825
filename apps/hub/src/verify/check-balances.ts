import { balanceKey, type ChainVerifier } from '@fedow/ledger';
import type { BalanceActivity } from '@fedow/protocol';
import * as repo from '../storage/repo';
import type { Tx } from '../storage/types';
import type { Progress, VerifyDiscrepancy } from './types';

const BALANCES_PER_PAGE = 10_000;
/** Sales looked at per debt: one offline sale is enough, a few guard against a body that does not parse. */
const OFFLINE_SALES_READ_MAX = 10;

/** Invariants 2 and 1: the stored balances equal the replay, and per asset Σ balances = issued − destroyed. */
export async function checkBalances(tx: Tx, verifier: ChainVerifier, total: number, progress: Progress): Promise<VerifyDiscrepancy | null> {
  const stored = new Map<string, number>();
  const activity = new Map<string, BalanceActivity>();
  let after: repo.BalanceCursor | null = null;
  for (;;) {
    const page = await repo.listBalancesAfter(tx, after, BALANCES_PER_PAGE);
    for (const row of page) {
      stored.set(balanceKey(row.walletId, row.assetId), row.value);
      if (row.activeAt !== null) activity.set(balanceKey(row.walletId, row.assetId), { at: row.activeAt, melted: row.melted });
    }
    progress({ phase: 'balances', done: stored.size, total });
    const last = page.at(-1);
    if (!last || page.length < BALANCES_PER_PAGE) break;
    after = { walletId: last.walletId, assetId: last.assetId };
  }
  return verifier.compareBalances(stored) ?? verifier.conservation(stored) ?? verifier.compareActivity(activity);
}

/**
 * Invariant 5: a negative balance exists only with an applied offline-authorised
 * SAL from that wallet in that asset (transfers.entry_id → entries.body).
 */
export async function checkDebts(tx: Tx, progress: Progress): Promise<VerifyDiscrepancy | null> {
  let after: repo.BalanceCursor | null = null;
  let done = 0;
  for (;;) {
    const page = await repo.listNegativeBalancesAfter(tx, after, BALANCES_PER_PAGE);
    for (const debt of page) {
      const bodies = await repo.offlineSaleBodies(tx, debt.walletId, debt.assetId, OFFLINE_SALES_READ_MAX);
      if (!bodies.some(isOfflineSale)) {
        return { kind: 'debt', message: `balance ${balanceKey(debt.walletId, debt.assetId)} is ${debt.value} without an offline-authorised sale behind it` };
      }
    }
    done += page.length;
    progress({ phase: 'debts', done, total: done });
    const last = page.at(-1);
    if (!last || page.length < BALANCES_PER_PAGE) return null;
    after = { walletId: last.walletId, assetId: last.assetId };
  }
}

function isOfflineSale(text: string): boolean {
  try {
    const body: unknown = JSON.parse(text);
    return typeof body === 'object' && body !== null && 'auth' in body && body.auth === 'offline' && 'kind' in body && body.kind === 'SAL';
  } catch {
    return false;
  }
}
