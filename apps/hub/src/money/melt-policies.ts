import { meltDue, nextMelt } from '@fedow/ledger';
import { MeltRule, type MeltPolicy } from '@fedow/protocol';
import * as repo from '../storage/repo';
import type { MeltPolicyRow } from '../storage/rows';
import type { Tx } from '../storage/types';

/** Melt policy versions as the ledger reads them. */

export function toMeltPolicy(row: MeltPolicyRow): MeltPolicy {
  return { id: row.id, asset: row.assetId, rule: row.rule === null ? null : MeltRule.parse(JSON.parse(row.rule)), wallet: row.walletId, since: row.since };
}

/** Every version, per asset, in the order they were set. */
export async function meltHistory(tx: Tx): Promise<Map<string, MeltPolicy[]>> {
  const history = new Map<string, MeltPolicy[]>();
  for (const row of await repo.listMeltPolicies(tx)) {
    const policy = toMeltPolicy(row);
    history.set(policy.asset, [...(history.get(policy.asset) ?? []), policy]);
  }
  return history;
}

/** The policies in force (the last version of each asset, when it melts). */
export async function currentMelts(tx: Tx): Promise<Map<string, MeltPolicy>> {
  const current = new Map<string, MeltPolicy>();
  for (const [asset, versions] of await meltHistory(tx)) {
    const last = versions.at(-1)!;
    if (last.rule !== null) current.set(asset, last);
  }
  return current;
}

/** A melting balance as shown: what is held, what has melted and is not booked yet, and the next melt. */
export interface MeltingBalance {
  held: number;
  due: number;
  next: { at: string; amount: number } | null;
}

/**
 * A holder's balances as shown anywhere (DECISIONS.md): the melted value, and
 * for each melting asset what melts next and when.
 */
export function shownBalances(rows: readonly repo.Balance[], melts: ReadonlyMap<string, MeltPolicy>, at: string): { balances: Record<string, number>; melting: Record<string, MeltingBalance> } {
  const balances: Record<string, number> = {};
  const melting: Record<string, MeltingBalance> = {};
  for (const row of rows) {
    const policy = melts.get(row.assetId);
    if (!policy || policy.rule === null) {
      balances[row.assetId] = row.value;
      continue;
    }
    const activity = { at: row.activeAt, melted: row.melted };
    const due = meltDue(policy.rule, policy.since, row.value, activity, at);
    balances[row.assetId] = row.value - due;
    melting[row.assetId] = { held: row.value, due, next: nextMelt(policy.rule, policy.since, row.value, activity, at) };
  }
  return { balances, melting };
}
