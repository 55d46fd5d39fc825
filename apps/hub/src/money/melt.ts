import { decideMelt, meltDue, NO_ACTIVITY, type LedgerState } from '@fedow/ledger';
import { MELT_CATEGORIES, MELT_MONTH_DAYS, type MeltPolicy, type MeltRule } from '@fedow/protocol';
import { iso, type HubContext } from '../context';
import { notFound, write } from '../directory/common';
import { HubError } from '../errors';
import { lockLedger } from '../storage/ledger-lock';
import * as repo from '../storage/repo';
import { currentMelts, toMeltPolicy } from './melt-policies';
import { submitRequest } from './submit';

/** Melting currency on the hub (DECISIONS.md, "Melting currency"): setting a policy, and the sweep. */

/**
 * Sets (or, with null, stops) an asset's melting from now. The first time, the
 * origin's melt wallet is made. Under the ledger's lock: a decision reads the
 * policy either before or after, never half of it.
 */
export async function setMeltPolicy(context: HubContext, assetId: string, rule: MeltRule | null): Promise<MeltPolicy> {
  const policy = await write(context, 'melt policy', async (tx) => {
    await lockLedger(tx);
    const asset = await repo.getAsset(tx, assetId);
    if (!asset) throw notFound('asset', assetId);
    if (!(MELT_CATEGORIES as readonly string[]).includes(asset.category)) {
      throw new HubError('bad_request', `only local and time currencies melt (${MELT_CATEGORIES.join(', ')}); ${asset.name} is ${asset.category}`);
    }
    if (asset.archived && rule !== null) throw new HubError('bad_request', `${asset.name} is archived`);
    const versions = await repo.listMeltPolicies(tx, assetId);
    if (versions.length === 0 && rule === null) throw new HubError('bad_request', `${asset.name} does not melt`);
    let wallet = versions[0]?.walletId;
    if (wallet === undefined) {
      wallet = context.newId();
      await repo.insertWallets(tx, [{ id: wallet, kind: 'place', name: `${asset.name} · melt`, publicKey: null }]);
    }
    const row = { id: context.newId(), assetId, rule: rule === null ? null : JSON.stringify(rule), walletId: wallet, since: iso(context.clock.now()) };
    await repo.insertMeltPolicy(tx, row);
    return toMeltPolicy(row);
  });
  context.events.emit('directory', { place: null });
  return policy;
}

/** The shortest inactivity before a rule takes anything: balances active since then are not read. */
export function thresholdDays(rule: MeltRule): number {
  return rule.rule === 'rate' ? rule.afterDays : rule.afterMonths * MELT_MONTH_DAYS;
}

export interface SweepResult {
  requests: number;
  melts: number;
  melted: number;
}

const SWEEP_PAGE = 2_000;

/**
 * Books every melt due now, asset by asset, a page of balances per request
 * (source `hub`): the same path as every movement, so `fedow verify` replays
 * each one. Idempotent per page and time: a rerun of the same sweep books nothing twice.
 */
export async function sweepMelts(context: HubContext, pageSize = SWEEP_PAGE): Promise<SweepResult> {
  const at = iso(context.clock.now());
  const result: SweepResult = { requests: 0, melts: 0, melted: 0 };
  for (const policy of (await currentMelts(context.storage.read)).values()) {
    const rule = policy.rule!;
    const activeBefore = new Date(Date.parse(at) - thresholdDays(rule) * 86_400_000 + 1).toISOString();
    for (let after = '', page = 0; ; page++) {
      const candidates = await repo.listMeltCandidates(context.storage.read, policy.asset, activeBefore, after, pageSize);
      const due = candidates.filter((row) => meltDue(rule, policy.since, row.value, row.activeAt === null ? NO_ACTIVITY : { at: row.activeAt, melted: row.melted }, at) > 0);
      if (due.length > 0) await sweepPage(context, policy, due.map((row) => row.walletId), `${at}:${page}`, result);
      if (candidates.length < pageSize) break;
      after = candidates.at(-1)!.walletId;
    }
  }
  return result;
}

async function sweepPage(context: HubContext, policy: MeltPolicy, wallets: string[], page: string, result: SweepResult): Promise<void> {
  const outcome = await submitRequest(context, {
    source: { kind: 'hub' },
    idempotencyKey: `melt:${policy.asset}:${page}`,
    kind: 'melt',
    body: { asset: policy.asset, policy: policy.id, wallets },
    needs: { wallets },
    meltFirst: false,
    decide: (state: LedgerState, decision, request) => decideMelt(state, wallets.map((wallet) => ({ wallet, asset: policy.asset })), decision, request),
  });
  result.requests++;
  result.melts += outcome.transfers.length;
  result.melted += outcome.transfers.reduce((sum, transfer) => sum + transfer.amount, 0);
}
