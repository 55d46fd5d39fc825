import { ChainVerifier, genesisHash, type ChainFacts } from '@fedow/ledger';
import { nodeCrypto } from '@fedow/ledger/crypto-node';
import { iso } from '../clock';
import type { HubContext } from '../context';
import { meltHistory } from '../money/melt-policies';
import * as repo from '../storage/repo';
import type { Tx } from '../storage/types';
import { checkBalances, checkDebts } from './check-balances';
import { checkCompensations } from './check-compensations';
import { checkEntries } from './check-entries';
import { checkRequests } from './check-requests';
import { checkShifts } from './check-shifts';
import { checkTransfers } from './check-transfers';
import { openSnapshot } from './snapshot';
import type { Progress, VerifyDiscrepancy, VerifyResult } from './types';

export interface VerifyOptions {
  onProgress?: Progress;
}

/**
 * `fedow verify` (LEDGER.md, "Blocks" and "Invariants"): walks every block and
 * transfer (hashes, the hub's signatures, linkage), replays all transfers and
 * compares them with the stored balances and the money supply, checks every
 * terminal's entry chain, and that every debt comes from an offline sale.
 * Stops at the first discrepancy. Reads one snapshot of the database, so it can
 * run beside a live hub; pending transfers are checked unsealed, as they are
 * (it never seals: an audit does not write to the ledger it audits). The run is
 * recorded in verify_runs for the dashboard.
 */
export async function verifyChain(context: HubContext, options: VerifyOptions = {}): Promise<VerifyResult> {
  const started = performance.now();
  const runId = context.newId();
  const startedAt = iso(context.clock.now());
  await context.storage.transaction((tx) => repo.insertVerifyRun(tx, { id: runId, startedAt }));
  const outcome = await verifySnapshot(context, options.onProgress ?? (() => undefined));
  const result: VerifyResult = { ...outcome, ok: outcome.firstDiscrepancy === null, durationMs: Math.round(performance.now() - started) };
  await context.storage.transaction((tx) =>
    repo.finishVerifyRun(tx, runId, {
      finishedAt: iso(context.clock.now()),
      ok: result.ok,
      firstDiscrepancy: result.firstDiscrepancy === null ? null : describeDiscrepancy(result.firstDiscrepancy),
      transfersChecked: result.transfersChecked,
    }),
  );
  return result;
}

/** One line for a person: what is wrong, and where. */
export function describeDiscrepancy(discrepancy: VerifyDiscrepancy): string {
  const where = [
    discrepancy.terminal !== undefined ? `terminal ${discrepancy.terminal}` : null,
    discrepancy.height !== undefined ? `block ${discrepancy.height}` : null,
    discrepancy.seq !== undefined ? `seq ${discrepancy.seq}` : null,
  ].filter((part) => part !== null);
  return `${discrepancy.kind}${where.length > 0 ? ` at ${where.join(', ')}` : ''}: ${discrepancy.message}`;
}

type Outcome = Omit<VerifyResult, 'ok' | 'durationMs'>;

async function verifySnapshot(context: HubContext, progress: Progress): Promise<Outcome> {
  const snapshot = await openSnapshot(context.storage);
  try {
    return await verifyIn(snapshot.tx, progress);
  } finally {
    await snapshot.release();
  }
}

async function verifyIn(tx: Tx, progress: Progress): Promise<Outcome> {
  const outcome: Outcome = { transfersChecked: 0, blocksChecked: 0, entriesChecked: 0, firstDiscrepancy: null };
  const stop = (discrepancy: VerifyDiscrepancy | null) => {
    outcome.firstDiscrepancy = discrepancy;
    return outcome;
  };
  const facts = await chainFacts(tx);
  if ('kind' in facts) return stop(facts);
  const counts = await repo.countChain(tx);
  const verifier = new ChainVerifier(nodeCrypto, facts);
  const chain = await checkTransfers(tx, verifier, facts.hub, counts.transfers, progress);
  outcome.blocksChecked = chain.blocks;
  outcome.transfersChecked = verifier.transfersChecked;
  if (chain.discrepancy) return stop(chain.discrepancy);
  const balances = await checkBalances(tx, verifier, counts.balances, progress);
  if (balances) return stop(balances);
  const entries = await checkEntries(tx, counts.entries, progress);
  outcome.entriesChecked = entries.entries;
  if (entries.discrepancy) return stop(entries.discrepancy);
  const requests = await checkRequests(tx);
  if (requests.discrepancy) return stop(requests.discrepancy);
  const compensations = await checkCompensations(tx);
  if (compensations) return stop(compensations);
  const shifts = await checkShifts(tx);
  if (shifts) return stop(shifts);
  return stop(await checkDebts(tx, progress));
}

/** The hub's key, the asset categories and the primary wallet; the genesis block must start from the hub's genesis. */
export async function chainFacts(tx: Tx): Promise<ChainFacts | VerifyDiscrepancy> {
  const identity = await repo.getHubIdentity(tx);
  const primary = await repo.getPrimaryWallet(tx);
  const genesisBlock = await repo.getBlock(tx, 0);
  if (!identity || !primary) return { kind: 'genesis', message: 'the database has no hub identity or no primary wallet' };
  if (identity.genesis !== genesisHash(nodeCrypto, identity.publicKey, identity.createdAt)) {
    return { kind: 'genesis', message: 'the stored genesis hash is not the hash of the hub identity' };
  }
  if (!genesisBlock || genesisBlock.head !== identity.genesis) return { kind: 'genesis', height: 0, message: 'block 0 does not start from the hub genesis' };
  const categories = new Map((await repo.listAssets(tx)).map((asset) => [asset.id, asset.category] as const));
  return { hub: identity.publicKey, categories, primaryWallet: primary.id, melts: await meltHistory(tx) };
}
