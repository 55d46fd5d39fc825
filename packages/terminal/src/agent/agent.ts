import type { CryptoProvider } from '@fedow/ledger';
import type { CardReader } from '@fedow/nfc';
import type { AssetInfo, CatalogueItem } from '@fedow/protocol';
import type { CardCache } from '../store/card-cache';
import type { TillClock } from '../clock';
import type { Journal } from '../store/journal';
import type { PairResult } from '../pairing/pairing';
import type { Language } from '../reason';
import { saleAmount, type ArmedAction, type MembershipRequest, type RefundRequest, type SaleRequest, type TopUpRequest } from './arming';
import type { Outcome } from './outcome';
import type { ReaderView } from './reader-view';
import type { CardCheck } from '../views/card-view';
import type { RegisterTotals } from '../views/register-totals';
import type { SyncAlert, SyncClient, SyncState, SyncTuning, Timers, OpenSocket } from '../sync/sync-client';
import type { ClosedShift, ShiftRequest, ShiftResult, ShiftView } from '../decision/shift';
import { cancelArmed, createAgentRuntime, publish, snapshot } from './agent-runtime';
import { onWedgeLine, run } from './acting';
import { closeDrawerShift, lock, openDrawerShift, totals, unlock } from './cashier';
import { close, pair, start } from './lifecycle';

/**
 * The terminal agent: one object that owns the till's reader, its store (journal,
 * card cache, session: store/till-store.ts) and sync client, and offers the UI
 * bridge a small typed API (this file's exports). It sequences: the rules of
 * arming (arming.ts), the decision (decision/tap.ts) and the answers (outcome.ts)
 * are leaves it calls, with gate.ts (who may act now). The bridge (Electron
 * preload or the headless WebSocket) forwards these calls and events as they are.
 *
 * A parent: the effects live in its parts — agent-runtime.ts (the record they
 * share, the snapshot), acting.ts (cards, typed lines, the path to the journal),
 * cashier.ts (unlock, register, shifts) and lifecycle.ts (start, pair, close).
 *
 * Decisions the spec leaves open, taken here:
 * - An action without a card is *armed*: the next tap on the reader performs it
 *   and resolves the promise. Arming another action, `cancel()` or `lock()`
 *   resolves the previous one as `cancelled`. Badge mode stays armed: every tap
 *   is a passage until `badgeMode(null)`.
 * - A tap while locked opens a session when it is a primary card of the place;
 *   any other tap while locked is reported (`tap` event, `locked: true`) and
 *   changes nothing. A tap while unlocked with nothing armed is a card check.
 * - The session (cashier card, opening time) is kept in the database, so a
 *   restart mid-shift keeps the register; its totals come from the journal.
 * - Top-ups and refunds without an asset use the place's own local currency
 *   (`issuedHere` TLF first, then any TLF); refunds default to the card's whole
 *   available balance of that asset; a void refunds FED, TLF and TNF.
 */

export const AGENT_NAME = 'fedow-terminal/0.1.0';

export interface AgentSnapshot {
  paired: { terminal: string; place: string; placeName: string; hubUrl: string } | null;
  reader: ReaderView;
  sync: SyncState;
  session: { primary: string; openedAt: number } | null;
  /** The cashier shift open at this till's drawer, with the cash expected now. */
  shift: ShiftView | null;
  armed: ArmedAction | null;
  lastDecision: Outcome | null;
  alerts: SyncAlert[];
  /** Assets the place accepts, for the UI's buttons and formatting. */
  assets: AssetInfo[];
  /** Changes when the hub sends a new catalogue: read it with `catalogue()` only then. */
  catalogueRevision: number;
  language: Language;
}

export type AgentEvent =
  | { type: 'state'; state: AgentSnapshot }
  | { type: 'decision'; outcome: Outcome }
  | { type: 'tap'; card: string; locked: boolean; check: CardCheck | null }
  | { type: 'alert'; alert: SyncAlert };

export type UnlockResult = { ok: true; primary: string } | { ok: false; code: 'invalid_primary_card' | 'not_paired'; reason: string };

export interface AgentOptions {
  dataDir: string;
  reader: CardReader;
  crypto?: CryptoProvider;
  clock?: TillClock;
  /** Uniform in [0, 1): backoff jitter. */
  random?: () => number;
  timers?: Timers;
  syncTuning?: Partial<SyncTuning>;
  /** The sync client's connection; default a WebSocket to the paired hub (the simulation gives its network). */
  openSocket?: OpenSocket;
  /** `hello.agent` and the pairing request's `agent`. */
  agentName?: string;
  language?: Language;
  fetch?: typeof fetch;
}

export interface TillAgent {
  /** Starts the reader, and the sync client when paired. */
  start(): void;
  close(): Promise<void>;
  snapshot(): AgentSnapshot;
  /** The place's products for the sale screen (from the hub's updates, stored in the card cache). */
  catalogue(): readonly CatalogueItem[];
  subscribe(listener: (event: AgentEvent) => void): () => void;
  pair(hubUrl: string, code: string, name: string): Promise<PairResult>;
  unlock(primary: string): UnlockResult;
  /** Ends the session; returns its totals. */
  lock(): RegisterTotals | null;
  sale(request: SaleRequest, card?: string): Promise<Outcome>;
  topUp(request: TopUpRequest, card?: string): Promise<Outcome>;
  membership(request: MembershipRequest, card?: string): Promise<Outcome>;
  badge(asset: string, card?: string): Promise<Outcome>;
  /** Door mode: every tap is a passage on `asset`, until `badgeMode(null)`. */
  badgeMode(asset: string | null): void;
  refund(request: RefundRequest, card?: string): Promise<Outcome>;
  voidCard(card?: string): Promise<Outcome>;
  /** Null when cancelled before a tap. */
  checkCard(card?: string): Promise<CardCheck | null>;
  cancel(): void;
  /** The session's totals so far. */
  registerTotals(): RegisterTotals | null;
  /** Totals, then the session ends (the printable close). */
  closeRegister(): RegisterTotals | null;
  /** Opens the drawer's shift with its float (a signed SHO entry); needs an open session. */
  openShift(request: ShiftRequest): ShiftResult<ShiftView>;
  /** Closes it with the cash counted (a signed SHC entry): expected, counted and the difference. */
  closeShift(request: ShiftRequest): ShiftResult<ClosedShift>;
  /**
   * A line a keyboard wedge typed (the UI's key events, through the bridge): a
   * payment QR code pays the armed sale; anything else is a card UID for a
   * keyboard-wedge reader, in the format it was configured with.
   */
  wedgeLine(text: string): void;
  /** For the shell and tests: the parts. */
  readonly journal: Journal;
  readonly cache: CardCache;
  readonly sync: SyncClient;
}

export function openAgent(options: AgentOptions): TillAgent {
  const runtime = createAgentRuntime(options, AGENT_NAME);
  const { store, sync } = runtime;
  return {
    journal: store.journal,
    cache: store.cache,
    sync,
    start: () => start(runtime),
    close: () => close(runtime),
    snapshot: () => snapshot(runtime),
    catalogue: () => store.cache.catalogue(),
    subscribe: (listener) => runtime.events.on('event', listener),
    pair: (hubUrl, code, name) => pair(runtime, hubUrl, code, name),
    unlock: (primary) => unlock(runtime, primary),
    lock: () => lock(runtime),
    sale: (request, card) => run(runtime, { kind: 'sale', request, amount: saleAmount(request) }, card),
    topUp: (request, card) => run(runtime, { kind: 'topUp', request }, card),
    membership: (request, card) => run(runtime, { kind: 'membership', request }, card),
    badge: (asset, card) => run(runtime, { kind: 'badge', asset, repeat: false }, card),
    badgeMode(asset) {
      if (asset === null) return cancelArmed(runtime);
      void run(runtime, { kind: 'badge', asset, repeat: true }, undefined);
    },
    refund: (request, card) => run(runtime, { kind: 'refund', request }, card),
    voidCard: (card) => run(runtime, { kind: 'void' }, card),
    checkCard: (card) => run(runtime, { kind: 'check' }, card),
    cancel() {
      cancelArmed(runtime);
      publish(runtime);
    },
    registerTotals: () => totals(runtime),
    closeRegister: () => lock(runtime),
    openShift: (request) => openDrawerShift(runtime, request),
    closeShift: (request) => closeDrawerShift(runtime, request),
    wedgeLine: (text) => onWedgeLine(runtime, text),
  };
}
