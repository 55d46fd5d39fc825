import { MELT_CATEGORIES, type MeltPolicy, type MeltRule } from '@fedow/protocol';
import { iso } from '../clock';
import type { HubContext } from '../context';
import { notFound, write } from '../directory/common';
import { HubError } from '../errors';
import { lockLedger } from '../storage/ledger-lock';
import * as repo from '../storage/repo';
import { toMeltPolicy } from './melt-policies';

/** Melting currency on the hub (DECISIONS.md, "Melting currency"): setting a policy (the sweep: melt-sweep.ts). */

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
