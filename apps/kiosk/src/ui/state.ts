/**
 * The UI's state: what the agent last said (`view`) and what the cashier is
 * doing on this screen (ticket, keypad, choices). Pure helpers over it live here
 * so views and the controller agree on totals and units.
 */
import type { AssetInfo, CatalogueItem } from '@fedow/protocol';
import type { AgentSnapshot, CardCheck, ClosedShift, Outcome, Payment, RegisterTotals } from '@fedow/terminal';
import type { Language } from './i18n';
import { EURO_CENTS, keypadAmount, type Unit } from './money';

export const SCREENS = ['sale', 'topUp', 'check', 'refund', 'membership', 'badge', 'close'] as const;
/** `shift`: the cash drawer's shift, reached from the close screen or F10 (no tab: the tabs fill 800 px). */
export type Screen = (typeof SCREENS)[number] | 'shift';
export const ALL_SCREENS: readonly Screen[] = [...SCREENS, 'shift'];

export type Result = { kind: 'outcome'; outcome: Outcome; badge: boolean } | { kind: 'check'; check: CardCheck };

export interface RefundFlow {
  mode: 'refund' | 'void';
  stage: 'choose' | 'tap' | 'confirm';
  check: CardCheck | null;
  /** The asset to refund, in refund mode. */
  asset: string | null;
}

export interface UiState {
  /** The bridge transport is up (always true in Electron). */
  connected: boolean;
  view: AgentSnapshot | null;
  catalogue: CatalogueItem[];
  catalogueRevision: number;
  /** The cashier's choice; null follows the agent's language. */
  language: Language | null;
  screen: Screen;
  /** Product id → quantity, in the order products were first added. */
  cart: Map<string, number>;
  keypad: string;
  payment: Payment;
  /** The asset chosen on the membership or badge screen. */
  chosen: string | null;
  result: Result | null;
  /** Last card check on the check screen. */
  check: CardCheck | null;
  refund: RefundFlow;
  totals: RegisterTotals | null;
  /** The totals printed at the last close, shown on the locked screen. */
  closedTotals: RegisterTotals | null;
  /** The drawer being counted: cents of a note or coin → pieces, and a total typed instead. */
  shiftCount: Record<string, number>;
  shiftTotal: string;
  /** The last shift closed here, shown until the cashier moves on. */
  shiftClosed: ClosedShift | null;
  pairing: { hubUrl: string; code: string; name: string; busy: boolean; error: string | null };
  /** A tap on the locked screen that was not a cashier card. */
  lockedTap: string | null;
  /** A failure of the bridge itself (service restarting), in words. */
  notice: string | null;
  now: number;
}

export function initialState(now: number): UiState {
  return {
    connected: false,
    view: null,
    catalogue: [],
    catalogueRevision: -1,
    language: null,
    screen: 'sale',
    cart: new Map(),
    keypad: '',
    payment: 'cash',
    chosen: null,
    result: null,
    check: null,
    refund: { mode: 'refund', stage: 'choose', check: null, asset: null },
    totals: null,
    closedTotals: null,
    shiftCount: {},
    shiftTotal: '',
    shiftClosed: null,
    pairing: { hubUrl: '', code: '', name: '', busy: false, error: null },
    lockedTap: null,
    notice: null,
    now,
  };
}

export function languageOf(state: UiState): Language {
  return state.language ?? state.view?.language ?? 'fr';
}

export function assetsOf(state: UiState): AssetInfo[] {
  return state.view?.assets ?? [];
}

export function assetById(state: UiState, id: string | null | undefined): AssetInfo | undefined {
  return id ? assetsOf(state).find((asset) => asset.id === id) : undefined;
}

/** The place's own local currency: the unit of the keypad and of top-ups. */
export function localAsset(state: UiState): AssetInfo | undefined {
  const locals = assetsOf(state).filter((asset) => asset.category === 'TLF');
  return locals.find((asset) => asset.issuedHere) ?? locals[0];
}

/** The unit a sale's total is shown in: its first product's asset, else the local currency. */
export function saleUnit(state: UiState): Unit {
  const first = [...state.cart.keys()][0];
  const product = state.catalogue.find((item) => item.id === first);
  return assetById(state, product?.asset) ?? localAsset(state) ?? EURO_CENTS;
}

export interface TicketLine {
  id: string | null;
  label: string;
  qty: number;
  unit: number;
}

export function ticketLines(state: UiState, freeLabel: string): TicketLine[] {
  const lines: TicketLine[] = [];
  for (const [id, qty] of state.cart) {
    const product = state.catalogue.find((item) => item.id === id);
    if (product && qty > 0) lines.push({ id, label: product.label, qty, unit: product.price });
  }
  const free = keypadAmount(state.keypad);
  if (free > 0) lines.push({ id: null, label: freeLabel, qty: 1, unit: free });
  return lines;
}

export function ticketTotal(lines: readonly TicketLine[]): number {
  return lines.reduce((total, line) => total + line.qty * line.unit, 0);
}

/** Categories in the order of their first product (the catalogue comes sorted by position). */
export function groupByCategory(items: readonly CatalogueItem[]): Array<{ category: string; items: CatalogueItem[] }> {
  const groups = new Map<string, CatalogueItem[]>();
  for (const item of items) {
    const group = groups.get(item.category) ?? [];
    group.push(item);
    groups.set(item.category, group);
  }
  return [...groups].map(([category, grouped]) => ({ category, items: grouped }));
}

/** Products in the order their letter keys are given: the order they are drawn. */
export function productsInKeyOrder(items: readonly CatalogueItem[]): CatalogueItem[] {
  return groupByCategory(items).flatMap((group) => group.items);
}

export function isOffline(view: AgentSnapshot | null): boolean {
  if (!view?.paired) return false;
  return view.sync.status !== 'online' && (view.sync.status === 'offline' || view.sync.offlineSince !== null);
}

/** What can be refunded on a checked card: money of the place's own assets and FED, most local first. */
export function refundable(state: UiState, check: CardCheck): Array<{ asset: string; name: string; available: number; formatted: string }> {
  const rank = (asset: AssetInfo | undefined): number => {
    if (!asset) return 9;
    if (asset.category === 'TLF') return asset.issuedHere ? 0 : 1;
    if (asset.category === 'TNF') return asset.issuedHere ? 2 : 3;
    return asset.category === 'FED' ? 4 : 9;
  };
  return check.balances
    .filter((balance) => ['TLF', 'TNF', 'FED'].includes(balance.category) && balance.available > 0)
    .sort((a, b) => rank(assetById(state, a.asset)) - rank(assetById(state, b.asset)))
    .map(({ asset, name, available, formatted }) => ({ asset, name, available, formatted }));
}

export const TOP_UP_PRESETS = [500, 1000, 2000, 5000] as const;
