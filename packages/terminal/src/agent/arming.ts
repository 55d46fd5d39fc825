import { PAY_TOKEN_PREFIX, type AssetCategory, type AssetInfo, type SaleLine } from '@fedow/protocol';
import { sameCard } from '../card-uid';
import type { AuthoriseRequest } from '../decision/authoriser';
import type { Session } from '../store/session';
import type { BalanceView } from '../views/card-view';
import type { Payment } from '../views/register-totals';

/**
 * The agent's arming rules, pure: what the cashier asked for (an action waiting
 * for a card), where a tap or a typed line goes given the session and what is
 * armed, and what an armed action asks the authoriser once a card is there. The
 * agent (agent.ts) holds the armed action and its promise and follows these
 * answers; no reader, clock or database here.
 */

export type SaleRequest = ({ amount: number } | { lines: SaleLine[] }) & { asset?: string; note?: string };
export interface TopUpRequest {
  amount: number;
  payment: Payment;
  asset?: string;
}
export interface MembershipRequest {
  asset: string;
  amount: number;
  payment: Payment;
}
export interface RefundRequest {
  asset?: string;
  /** Default: everything available in that asset. */
  amount?: number;
}

export type ArmedAction =
  | { kind: 'sale'; request: SaleRequest; amount: number }
  | { kind: 'topUp'; request: TopUpRequest }
  | { kind: 'membership'; request: MembershipRequest }
  | { kind: 'badge'; asset: string; repeat: boolean }
  | { kind: 'refund'; request: RefundRequest }
  | { kind: 'void' }
  | { kind: 'check' };

/** Where a tap goes. */
export type TapRoute =
  /** Locked: the tap may open a session (a cashier card) or is only reported. */
  | { to: 'unlock' }
  /** Performs the armed action; badge mode stays armed for the next passage. */
  | { to: 'armed'; action: ArmedAction; keepArmed: boolean }
  /** The cashier's own card while unlocked: nothing to show. */
  | { to: 'ignore' }
  /** Unlocked, nothing armed: a card check. */
  | { to: 'check' };

export function routeTap(session: Session | null, armed: ArmedAction | null, uid: string): TapRoute {
  if (!session) return { to: 'unlock' };
  if (armed) return { to: 'armed', action: armed, keepArmed: armed.kind === 'badge' && armed.repeat };
  if (sameCard(uid, session.primary)) return { to: 'ignore' };
  return { to: 'check' };
}

/** A line a keyboard wedge typed: a payment code, or a card UID for a wedge reader. */
export function routeWedgeLine(text: string): { to: 'pay' | 'reader'; line: string } {
  const line = text.trim();
  return { to: line.startsWith(PAY_TOKEN_PREFIX) ? 'pay' : 'reader', line };
}

/** A payment code pays only an armed sale of an open session. */
export function routeQrCode(session: Session | null, armed: ArmedAction | null): 'locked' | 'no_sale' | 'pay' {
  if (!session) return 'locked';
  return armed?.kind === 'sale' ? 'pay' : 'no_sale';
}

/** A sale's total: its amount, or the sum of its lines. */
export function saleAmount(request: SaleRequest): number {
  return 'lines' in request ? request.lines.reduce((total, line) => total + line.qty * line.unit, 0) : request.amount;
}

/** The place's own currency for a top-up or refund without an asset: one it issues first. */
export function localAsset(assets: Iterable<AssetInfo>, categories: readonly AssetCategory[]): AssetInfo | undefined {
  const accepted = [...assets].filter((asset) => !asset.archived && categories.includes(asset.category));
  return accepted.find((asset) => asset.issuedHere) ?? accepted[0];
}

/** What the till knows of the card when the action needs it: its balances, optionally in some assets only. */
export interface CardFacts {
  assets: ReadonlyMap<string, AssetInfo>;
  balances(only?: ReadonlySet<string>): BalanceView[];
}

export type ActionRequest = Omit<AuthoriseRequest, 'primary'>;

/** What an armed action asks the authoriser for `card`, or `no_asset` when the place has none to use. */
export function requestFor(action: Exclude<ArmedAction, { kind: 'check' }>, card: string, facts: CardFacts): ActionRequest | 'no_asset' {
  switch (action.kind) {
    case 'sale':
      return saleRequest(action.request, action.amount, card);
    case 'topUp': {
      const asset = action.request.asset ?? localAsset(facts.assets.values(), ['TLF'])?.id;
      if (!asset) return 'no_asset';
      return { kind: 'REF', amount: action.request.amount, card, asset, meta: { payment: action.request.payment } };
    }
    case 'membership':
      return { kind: 'SUB', amount: action.request.amount, card, asset: action.request.asset, meta: { payment: action.request.payment } };
    case 'badge':
      return { kind: 'BDG', amount: 0, card, asset: action.asset };
    case 'refund':
      return refundRequest(action.request, card, facts);
    case 'void':
      return { kind: 'VID', amount: refundableTotal(facts.balances()), card, asset: 'sale' };
  }
}

function saleRequest(request: SaleRequest, amount: number, card: string): ActionRequest {
  const meta = {
    ...('lines' in request ? { lines: request.lines } : {}),
    ...(request.note ? { note: request.note } : {}),
  };
  return { kind: 'SAL', amount, card, asset: request.asset ?? 'sale', ...(Object.keys(meta).length > 0 ? { meta } : {}) };
}

/** A refund without an amount pays back everything available in that asset. */
function refundRequest(request: RefundRequest, card: string, facts: CardFacts): ActionRequest | 'no_asset' {
  const asset = request.asset ?? localAsset(facts.assets.values(), ['TLF', 'TNF', 'FED'])?.id;
  if (!asset) return 'no_asset';
  const amount = request.amount ?? facts.balances(new Set([asset]))[0]?.available ?? 0;
  return { kind: 'RFD', amount, card, asset };
}

/** A void refunds the euro-valued balances (FED, TLF, TNF) the till shows; a negative one refunds nothing. */
function refundableTotal(balances: readonly BalanceView[]): number {
  return balances.filter((view) => ['FED', 'TLF', 'TNF'].includes(view.category)).reduce((total, view) => total + Math.max(0, view.available), 0);
}
