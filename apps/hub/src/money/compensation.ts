import { decideCompensation, type Claim } from '@fedow/ledger';
import { iso } from '../clock';
import type { HubContext } from '../context';
import { HubError } from '../errors';
import { lockLedger } from '../storage/ledger-lock';
import * as repo from '../storage/repo';
import type { Tx } from '../storage/types';
import { applyRequest, type RequestOutcome } from './submit';

/**
 * A compensation run (issue 14.2, DECISIONS.md "Compensation"): for one
 * federation and one period, what each place sold against currencies issued by
 * another party and still holds is returned to the issuer, and the netted
 * positions are settled with at most n − 1 payments, all as `CMP` transfers of
 * one recorded request. The request is the hub's own (source `hub`), keyed by
 * federation and period: whoever asks — the command line, an operator, the
 * schedule — the same period is booked once.
 */

export interface CompensationOrder {
  federation: string;
  /** RFC 3339; the period is [from, to) of hub time. */
  from: string;
  to: string;
}

export interface CompensationPeriod {
  from: string;
  to: string;
}

/** Runs of one federation the hub reads before refusing an overlap: far more than a century of monthly runs. */
const RUNS_READ_MAX = 10_000;

export async function compensate(context: HubContext, order: CompensationOrder): Promise<RequestOutcome> {
  const now = context.clock.now();
  const period = checkPeriod(order, now);
  const env = { at: iso(now), newId: context.newId };
  const { outcome } = await context.storage.transaction(async (tx) => {
    // Claims are read under the ledger lock: no sale or refund moves a holder's balance between the read and the booking.
    await lockLedger(tx);
    const federation = (await repo.listFederations(tx)).find((row) => row.id === order.federation);
    if (!federation) throw new HubError('not_found', `no federation ${order.federation}`);
    await refuseOverlap(tx, federation.id, period);
    const places = await placeWallets(tx, federation.places);
    const unit = (await repo.listAssets(tx)).find((asset) => asset.category === 'FED');
    if (!unit) throw new Error('the hub has no FED asset');
    const claims = await heldClaims(tx, { holders: [...places.values()], assets: [...federation.assets, unit.id], period });
    const primary = await repo.getPrimaryWallet(tx);
    return applyRequest(tx, env, {
      source: { kind: 'hub' },
      idempotencyKey: compensationKey(federation.id, period),
      kind: 'compensation',
      body: { federation: federation.id, from: period.from, to: period.to },
      needs: { wallets: [...places.values(), ...(primary ? [primary.id] : [])] },
      decide: (state, decision, request) =>
        decideCompensation(
          state,
          { federation: { id: federation.id, name: federation.name, description: federation.description, places: federation.places, assets: federation.assets }, ...period, unit: unit.id, claims, request },
          decision,
        ),
    });
  });
  return outcome;
}

export function compensationKey(federation: string, period: CompensationPeriod): string {
  return `compensation:${federation}:${period.from}:${period.to}`;
}

/** A closed period in canonical form: two times, in order, the end not after now (the claims of an open period still move). */
export function checkPeriod(order: { from: string; to: string }, now: Date): CompensationPeriod {
  const from = new Date(order.from);
  const to = new Date(order.to);
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) throw new HubError('bad_request', 'from and to are RFC 3339 times');
  if (from.getTime() >= to.getTime()) throw new HubError('bad_request', `the period ends (${order.to}) before it starts (${order.from})`);
  if (to.getTime() > now.getTime()) throw new HubError('bad_request', `the period ends after now (${iso(now)}): only a closed period is compensated`);
  return { from: iso(from), to: iso(to) };
}

/** The same period again is answered by its stored outcome; a period overlapping another run would count sales twice. */
async function refuseOverlap(tx: Tx, federation: string, period: CompensationPeriod): Promise<void> {
  for (const run of await repo.listCompensationRequests(tx, RUNS_READ_MAX)) {
    if (run.status !== 'applied') continue;
    const body = JSON.parse(run.body) as { federation: string; from: string; to: string };
    if (body.federation !== federation || (body.from === period.from && body.to === period.to)) continue;
    if (body.from < period.to && period.from < body.to) {
      throw new HubError('conflict', `the period overlaps the run of ${body.from} to ${body.to}`, undefined, { request: run.id });
    }
  }
}

async function placeWallets(tx: Tx, placeIds: readonly string[]): Promise<Map<string, string>> {
  const wallets = new Map<string, string>();
  for (const place of await repo.listPlaces(tx)) if (placeIds.includes(place.id)) wallets.set(place.id, place.walletId);
  return wallets;
}

/**
 * What each place sold in the period against an asset it did not issue, capped
 * at what it still holds: what it already banked (`BNK`) was paid to it once.
 * The rule refuses what is not a currency of the federation; only those are read.
 */
async function heldClaims(tx: Tx, input: { holders: string[]; assets: string[]; period: CompensationPeriod }): Promise<Claim[]> {
  const assets = await repo.getAssets(tx, input.assets);
  const currencies = [...assets.values()].filter((asset) => asset.category === 'FED' || (asset.category === 'TLF' && input.holders.includes(asset.originWalletId)));
  const sales = await repo.salesByHolder(tx, { holders: input.holders, assets: currencies.map((asset) => asset.id), ...input.period });
  const foreign = sales.filter((sale) => assets.get(sale.asset)?.originWalletId !== sale.holder);
  const held = await repo.loadBalances(tx, foreign.map((sale) => ({ walletId: sale.holder, assetId: sale.asset })));
  return foreign
    .map((sale) => ({ holder: sale.holder, asset: sale.asset, amount: Math.min(sale.amount, Math.max(0, held.get(repo.balanceKey(sale.holder, sale.asset)) ?? 0)) }))
    .filter((claim) => claim.amount > 0);
}
