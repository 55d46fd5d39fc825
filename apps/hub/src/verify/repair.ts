import { ChainVerifier } from '@fedow/ledger';
import { nodeCrypto } from '@fedow/ledger/crypto-node';
import type { HubContext } from '../context';
import { repairBalance, type BalanceDrift } from '../money/correction';
import type { RequestOutcome } from '../money/submit';
import type { Source } from '../money/source';
import * as repo from '../storage/repo';
import type { Tx } from '../storage/types';
import { checkTransfers } from './check-transfers';
import { openSnapshot } from './snapshot';
import type { VerifyDiscrepancy } from './types';
import { chainFacts } from './verify-chain';

const BALANCES_PER_PAGE = 10_000;

/** What `fedow verify --repair` finds: every drifted balance, or why the replay cannot be trusted. */
export interface RepairReport {
  /** A broken chain (hash, signature, linkage): its replay proves nothing, so nothing is proposed. */
  chain: VerifyDiscrepancy | null;
  /** Every stored balance that differs from the replay, by wallet then asset. */
  drifts: (BalanceDrift & { difference: number })[];
  /** The last transfer the replay went through. */
  replayedThroughSeq: number;
}

/**
 * Replays every transfer (the checks of `fedow verify`) and lists every stored
 * balance that differs from the replay — all of them, not only the first. Reads
 * one snapshot and writes nothing.
 */
export async function proposeRepairs(context: HubContext): Promise<RepairReport> {
  const snapshot = await openSnapshot(context.storage);
  try {
    return await proposeIn(snapshot.tx);
  } finally {
    await snapshot.release();
  }
}

async function proposeIn(tx: Tx): Promise<RepairReport> {
  const facts = await chainFacts(tx);
  if ('kind' in facts) return { chain: facts, drifts: [], replayedThroughSeq: 0 };
  const counts = await repo.countChain(tx);
  const verifier = new ChainVerifier(nodeCrypto, facts);
  const chain = await checkTransfers(tx, verifier, facts.hub, counts.transfers, () => undefined);
  const replayedThroughSeq = await repo.latestTransferSeq(tx);
  if (chain.discrepancy) return { chain: chain.discrepancy, drifts: [], replayedThroughSeq };
  const drifts: RepairReport['drifts'] = [];
  const seen = new Set<string>();
  const drift = (wallet: string, asset: string, stored: number) => {
    const replayed = verifier.replayed.get(`${wallet}:${asset}`) ?? 0;
    if (replayed !== stored) drifts.push({ wallet, asset, stored, replayed, difference: stored - replayed });
  };
  let after: repo.BalanceCursor | null = null;
  for (;;) {
    const page = await repo.listBalancesAfter(tx, after, BALANCES_PER_PAGE);
    for (const row of page) {
      seen.add(`${row.walletId}:${row.assetId}`);
      drift(row.walletId, row.assetId, row.value);
    }
    const last = page.at(-1);
    if (!last || page.length < BALANCES_PER_PAGE) break;
    after = { walletId: last.walletId, assetId: last.assetId };
  }
  // A balance the transfers give but whose row is missing is stored as 0.
  for (const key of verifier.replayed.keys()) {
    if (seen.has(key)) continue;
    const [wallet = '', asset = ''] = key.split(':');
    drift(wallet, asset, 0);
  }
  drifts.sort((a, b) => (a.wallet + a.asset < b.wallet + b.asset ? -1 : 1));
  return { chain: null, drifts, replayedThroughSeq };
}

/** Books each repair as its own request (`fedow verify --apply`), in order; a refusal does not stop the others. */
export async function applyRepairs(context: HubContext, source: Source, report: RepairReport): Promise<{ drift: BalanceDrift; outcome: RequestOutcome }[]> {
  const results: { drift: BalanceDrift; outcome: RequestOutcome }[] = [];
  for (const { difference: _difference, ...drift } of report.drifts) {
    results.push({ drift, outcome: await repairBalance(context, source, drift, report.replayedThroughSeq) });
  }
  return results;
}
