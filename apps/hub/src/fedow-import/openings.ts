import { decideOpeningBalance } from '@fedow/ledger';
import type { HubContext } from '../context';
import { submitRequest } from '../money/submit';
import * as repo from '../storage/repo';
import type { PlannedOpening } from './plan';
import { IMPORT_ACTOR } from './survey';

/** The kind of request an opening balance is recorded as. */
export const OPENING_KIND = 'opening';

export interface OpeningsResult {
  booked: number;
  refused: { opening: PlannedOpening; message: string }[];
}

/**
 * One recorded request per wallet and asset, each on the one path (submitRequest:
 * the ledger's rule, one transaction, the request stored with its outcome). Its
 * key is the same on every run: a retry after a crash books only what is missing.
 */
export async function bookOpenings(context: HubContext, openings: readonly PlannedOpening[], progress?: (done: number, total: number) => void): Promise<OpeningsResult> {
  const assets = new Map((await repo.listAssets(context.storage.read)).map((asset) => [asset.id, asset]));
  const result: OpeningsResult = { booked: 0, refused: [] };
  progress?.(0, openings.length);
  for (const [index, opening] of openings.entries()) {
    const origin = assets.get(opening.asset)?.originWalletId;
    const outcome = await submitRequest(context, {
      source: { kind: 'operator', name: IMPORT_ACTOR },
      idempotencyKey: opening.key,
      kind: OPENING_KIND,
      body: { wallet: opening.wallet, asset: opening.asset, amount: opening.amount, system: opening.from.system, originalWallet: opening.from.wallet, originalAsset: opening.from.asset },
      needs: { wallets: origin ? [opening.wallet, origin] : [opening.wallet] },
      decide: (state, decisionContext, request) => decideOpeningBalance(state, { ...opening, request }, decisionContext),
    });
    if (outcome.status === 'applied') result.booked++;
    else result.refused.push({ opening, message: outcome.message ?? outcome.reason ?? 'refused' });
    progress?.(index + 1, openings.length);
  }
  return result;
}

/** Σ of the opening balances recorded per asset, by every run so far: what the original's totals are checked against. */
export async function bookedTotals(context: HubContext): Promise<Map<string, number>> {
  const totals = new Map<string, number>();
  for (const text of await repo.appliedRequestBodies(context.storage.read, OPENING_KIND)) {
    const body = JSON.parse(text) as { asset: string; amount: number; system?: string };
    if (body.system !== 'fedow') continue;
    totals.set(body.asset, (totals.get(body.asset) ?? 0) + body.amount);
  }
  return totals;
}
