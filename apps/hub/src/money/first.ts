import { decideFirst } from '@fedow/ledger';
import { toAsset } from '../ingest/working-set';
import type { NewAsset } from '../storage/rows';
import type { Tx } from '../storage/types';
import type { Source } from './source';
import { applyRequest, type RequestEnv } from './submit';

/**
 * The FST of a new asset, in the transaction that creates it (LEDGER.md: exactly
 * one per asset, origin → origin, 0): a request of whoever created the asset,
 * decided by the ledger's rule like every other movement.
 */
export async function recordFirst(tx: Tx, env: RequestEnv, source: Source, row: NewAsset & { archived: boolean; membershipDays: number | null }): Promise<void> {
  const asset = toAsset({ ...row, archived: row.archived, membershipDays: row.membershipDays });
  const { outcome } = await applyRequest(tx, env, {
    source,
    idempotencyKey: `first:${asset.id}`,
    kind: 'first',
    body: { asset: asset.id, name: asset.name, origin: asset.origin },
    needs: { firsts: [asset.id] },
    decide: (state, context, request) => decideFirst(state, asset, context, request),
  });
  if (outcome.status !== 'applied') throw new Error(`the FST of asset ${asset.id} was refused: ${outcome.message}`);
}
