import type { Federation, TransferDraft } from './entities';
import { draft, isRefusal, requireAmount, requireAsset } from './rules-common';
import type { Decision, DecisionContext, LedgerState, Refusal } from './state';
import { accept, balanceOf, refuse } from './state';

/**
 * Place ↔ place compensation (issue 14.2, DECISIONS.md "Compensation"). A place
 * that sold against a currency issued elsewhere holds a claim on the issuer: on
 * another place for a local currency, on the federation (the primary wallet) for
 * FED. A run returns every claim to its issuer and settles the netted positions
 * with at most n − 1 payments between the n parties.
 */

/** What one place holds, in one asset, that another party issued. */
export interface Claim {
  /** The place wallet that sold and holds the asset. */
  holder: string;
  asset: string;
  amount: number;
}

/** One payment of the settlement: the debtor pays the creditor, in the unit's minor units. */
export interface Settlement {
  debtor: string;
  creditor: string;
  amount: number;
}

export interface CompensationRun {
  federation: Federation;
  /** The period the claims were counted over, [from, to), RFC 3339 UTC. */
  from: string;
  to: string;
  /** The FED asset: the unit settlements are counted and recorded in. */
  unit: string;
  claims: readonly Claim[];
  request: string;
}

/** Signed positions: what each party is owed (+) or owes (−). They sum to zero. */
export function netPositions(claims: readonly { creditor: string; debtor: string; amount: number }[]): Map<string, number> {
  const net = new Map<string, number>();
  for (const { creditor, debtor, amount } of claims) {
    if (creditor === debtor) continue;
    net.set(creditor, (net.get(creditor) ?? 0) + amount);
    net.set(debtor, (net.get(debtor) ?? 0) - amount);
  }
  return net;
}

/**
 * Minimum cash flow over net positions: the largest creditors and debtors are
 * matched in order, each payment closing at least one of the two, the last one
 * both. With k parties not at zero that is at most k − 1 payments. Ties are
 * broken by wallet id so that the same positions always give the same payments
 * (`fedow verify` recomputes them).
 */
export function settle(net: ReadonlyMap<string, number>): Settlement[] {
  const byAmount = (a: [string, number], b: [string, number]): number => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
  const creditors = [...net].filter(([, value]) => value > 0).sort(byAmount);
  const debtors = [...net].filter(([, value]) => value < 0).map(([id, value]): [string, number] => [id, -value]).sort(byAmount);
  const settlements: Settlement[] = [];
  let c = 0;
  let d = 0;
  while (c < creditors.length && d < debtors.length) {
    const creditor = creditors[c]!;
    const debtor = debtors[d]!;
    const amount = Math.min(creditor[1], debtor[1]);
    settlements.push({ debtor: debtor[0], creditor: creditor[0], amount });
    creditor[1] -= amount;
    debtor[1] -= amount;
    if (creditor[1] === 0) c++;
    if (debtor[1] === 0) d++;
  }
  if (c !== creditors.length || d !== debtors.length) throw new Error('settle: net positions do not sum to zero');
  return settlements;
}

/**
 * The transfers of a run: one `CMP` per claim (holder → issuer, in the claimed
 * asset), then one `CMP` per settlement payment (debtor → creditor, in the unit).
 * Refused as a whole when a claim names a party outside the federation, an asset
 * that is not a currency of it, or more than the holder has.
 */
export function decideCompensation(state: LedgerState, run: CompensationRun, context: DecisionContext): Decision {
  const unit = requireAsset(state, run.unit, ['FED']);
  if (isRefusal(unit)) return unit;
  const places = new Set(run.federation.places.map((id) => state.places.get(id)?.wallet));
  const seen = new Set<string>();
  const owed: { creditor: string; debtor: string; amount: number }[] = [];
  const transfers: TransferDraft[] = [];
  const meta = (part: 'claim' | 'settle') => ({ compensation: run.request, federation: run.federation.id, from: run.from, to: run.to, part });
  for (const claim of run.claims) {
    const issuer = claimIssuer(state, run, places, unit.decimals, claim, seen);
    if (typeof issuer !== 'string') return issuer;
    owed.push({ creditor: claim.holder, debtor: issuer, amount: claim.amount });
    transfers.push(draft(context, { action: 'CMP', sender: claim.holder, receiver: issuer, asset: claim.asset, amount: claim.amount, entry: run.request, meta: meta('claim') }));
  }
  for (const payment of settle(netPositions(owed))) {
    // The federation never sells: it is only ever a debtor, so a settlement's FED
    // receiver is a place and the transfer moves no balance (deltas.ts).
    if (payment.creditor === state.primaryWallet) throw new Error('decideCompensation: the primary wallet as a creditor');
    transfers.push(draft(context, { action: 'CMP', sender: payment.debtor, receiver: payment.creditor, asset: unit.id, amount: payment.amount, entry: run.request, meta: meta('settle') }));
  }
  return accept(transfers);
}

/** The wallet a claim is on, or why the claim is refused. */
function claimIssuer(
  state: LedgerState,
  run: CompensationRun,
  places: ReadonlySet<string | undefined>,
  unitDecimals: number,
  claim: Claim,
  seen: Set<string>,
): string | Refusal {
  const invalid = requireAmount(claim.amount, 1);
  if (invalid) return invalid;
  if (!places.has(claim.holder)) return refuse('wrong_wallet_kind', `${claim.holder} is not a place of ${run.federation.name}`);
  const key = `${claim.holder}:${claim.asset}`;
  if (seen.has(key)) return refuse('invalid_amount', `two claims of ${key}`);
  seen.add(key);
  const asset = requireAsset(state, claim.asset, ['FED', 'TLF']);
  if (isRefusal(asset)) return asset;
  // One unit of a local currency is worth one of the federation's euro: a
  // currency counted in other minor units cannot be netted against it.
  if (asset.decimals !== unitDecimals) return refuse('wrong_asset_category', `${asset.name} has ${asset.decimals} decimals, the unit ${unitDecimals}`);
  if (asset.category === 'TLF' && (!run.federation.assets.includes(asset.id) || !places.has(asset.origin))) {
    return refuse('asset_not_accepted', `${asset.name} is not a currency of ${run.federation.name}`);
  }
  if (asset.origin === claim.holder) return refuse('not_asset_origin', `${claim.holder} issued ${asset.name}: no claim on itself`);
  const held = balanceOf(state, claim.holder, asset.id);
  if (held < claim.amount) return refuse('insufficient_funds', `${claim.holder} holds ${held} of ${asset.name}, claims ${claim.amount}`);
  return asset.origin;
}

/** A `CMP` transfer as `fedow verify` reads it back: its parties, amount and which part of the run it is. */
export interface CompensationTransfer {
  sender: string;
  receiver: string;
  amount: number;
  part: unknown;
}

/**
 * The replay of a run: its settlement payments must be exactly those its claims
 * give (same payments, same order), and each of its transfers a claim or a
 * payment. Returns what differs, or null.
 */
export function compensationMismatch(transfers: readonly CompensationTransfer[]): string | null {
  const strange = transfers.find((transfer) => transfer.part !== 'claim' && transfer.part !== 'settle');
  if (strange) return `a CMP transfer that is neither a claim nor a settlement (${String(strange.part)})`;
  const claims = transfers.filter((transfer) => transfer.part === 'claim').map((transfer) => ({ creditor: transfer.sender, debtor: transfer.receiver, amount: transfer.amount }));
  const expected = settle(netPositions(claims)).map((payment) => `${payment.debtor}→${payment.creditor}:${payment.amount}`);
  const booked = transfers.filter((transfer) => transfer.part === 'settle').map((transfer) => `${transfer.sender}→${transfer.receiver}:${transfer.amount}`);
  if (expected.join(' ') === booked.join(' ')) return null;
  return `settlement booked [${booked.join(', ')}], the claims give [${expected.join(', ')}]`;
}
