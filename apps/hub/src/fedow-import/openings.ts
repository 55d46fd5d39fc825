import { decideOpeningBalance } from '@fedow/ledger';
import { iso } from '../clock';
import type { HubContext } from '../context';
import { applyRequest, type MoneyRequest } from '../money/submit';
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
 * Requests per database transaction: each commit of a durable SQLite waits for the
 * disk, and one commit per balance made an import of 5,000 balances take minutes.
 */
const OPENINGS_PER_TRANSACTION = 250;

/**
 * One recorded request per wallet and asset, each on the one path (applyRequest:
 * the ledger's rule, the request stored with its outcome, persisted as every
 * request is), a few hundred to a transaction. Its key is the same on every run:
 * a run stopped halfway is finished by running it again.
 */
export async function bookOpenings(context: HubContext, openings: readonly PlannedOpening[], progress?: (done: number, total: number) => void): Promise<OpeningsResult> {
  const origins = new Map((await repo.listAssets(context.storage.read)).map((asset) => [asset.id, asset.originWalletId]));
  const result: OpeningsResult = { booked: 0, refused: [] };
  progress?.(0, openings.length);
  for (let start = 0; start < openings.length; start += OPENINGS_PER_TRANSACTION) {
    const chunk = openings.slice(start, start + OPENINGS_PER_TRANSACTION);
    const env = { at: iso(context.clock.now()), newId: context.newId };
    const outcomes = await context.storage.transaction(async (tx) => {
      const answers = [];
      for (const opening of chunk) answers.push((await applyRequest(tx, env, openingRequest(opening, origins.get(opening.asset)))).outcome);
      return answers;
    });
    outcomes.forEach((outcome, index) => {
      if (outcome.status === 'applied') result.booked++;
      else result.refused.push({ opening: chunk[index]!, message: outcome.message ?? outcome.reason ?? 'refused' });
    });
    progress?.(start + chunk.length, openings.length);
  }
  return result;
}

function openingRequest(opening: PlannedOpening, origin: string | undefined): MoneyRequest {
  return {
    source: { kind: 'operator', name: IMPORT_ACTOR },
    idempotencyKey: opening.key,
    kind: OPENING_KIND,
    body: { wallet: opening.wallet, asset: opening.asset, amount: opening.amount, system: opening.from.system, originalWallet: opening.from.wallet, originalAsset: opening.from.asset },
    needs: { wallets: origin ? [opening.wallet, origin] : [opening.wallet] },
    decide: (state, decisionContext, request) => decideOpeningBalance(state, { ...opening, request }, decisionContext),
  };
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
