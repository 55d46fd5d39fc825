import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import type { CryptoProvider } from '@fedow/ledger';
import { nodeCrypto } from '@fedow/ledger/crypto-node';
import { KeyboardWedgeReader, TypedEmitter, type CardReader } from '@fedow/nfc';
import { PAY_TOKEN_PREFIX, type AssetCategory, type AssetInfo, type CatalogueItem, type EntryKind, type QrSaleReason, type SaleLine } from '@fedow/protocol';
import type { AuthoriseRequest, DeclineCode } from '../decision/authoriser';
import type { CardCache } from '../store/card-cache';
import { sameCard } from '../card-uid';
import { systemClock, type TillClock } from '../clock';
import type { Journal } from '../store/journal';
import { openTillStore } from '../store/till-store';
import { DATABASE_FILE_NAME, ensureTillKey, pairTill, type PairResult } from '../pairing/pairing';
import { declineReason, qrDeclineReason, type Language, type QrDeclineCode } from '../reason';
import { payWithCode } from './qr-payment';
import { balancesOf, checkCard, entryAssets, type BalanceView, type CardCheck } from '../views/card-view';
import { registerTotals, type Payment, type RegisterTotals } from '../views/register-totals';
import { createSyncClient, type SyncAlert, type SyncClient, type SyncState, type SyncTuning, type Timers, type OpenSocket } from '../sync/sync-client';
import { tap } from '../decision/tap';
import { closeShift, currentShift, openShift, type ClosedShift, type ShiftRequest, type ShiftResult, type ShiftView } from '../decision/shift';

/**
 * The terminal agent: one object that owns the till's reader, journal, card cache
 * and sync client, and offers the UI bridge a small typed API (this file's
 * exports). The bridge (Electron preload or the headless WebSocket) forwards
 * these calls and events as they are.
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
const ALERTS_KEPT = 20;
const PURGE_EVERY_MS = 3_600_000;

export type OutcomeCode = DeclineCode | QrSaleReason | QrDeclineCode | 'locked' | 'cancelled' | 'not_paired' | 'journal' | 'no_asset';

export type Outcome =
  | {
      approve: true;
      /** `QRS`: a sale paid by a payment QR code; `card` is then the paying wallet, `entries` is empty (the hub holds the record). */
      kind: EntryKind | 'QRS';
      card: string;
      auth: 'online' | 'offline';
      /** Minor units taken from (sale, refund, void) or put on (top-up, membership) the card. */
      total: number;
      entries: Array<{ seq: number; asset: string | null; amount: number }>;
      /** The card's balances after this decision, in the assets it touched. */
      balances: BalanceView[];
      at: number;
    }
  | {
      approve: false;
      code: OutcomeCode;
      /** Words for the cashier, in the agent's language. */
      reason: string;
      /** The same words in each language, so the till's language key (F9) translates them too. */
      reasons?: Record<Language, string>;
      card?: string;
      missing?: number;
      asset?: string;
      at: number;
    };

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

export interface ReaderView {
  kind: CardReader['kind'];
  readers: readonly string[];
  connected: boolean;
  lastError: string | null;
}

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
  const crypto = options.crypto ?? nodeCrypto;
  const clock = options.clock ?? systemClock;
  const language = options.language ?? 'fr';
  const agentName = options.agentName ?? AGENT_NAME;
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const key = ensureTillKey(options.dataDir, crypto);
  if (!key.ok) throw new Error(`till key: ${key.message}`);
  const store = openTillStore(join(options.dataDir, DATABASE_FILE_NAME), { crypto, secretKey: key.key.secretKey });
  const { journal, cache, cardSet } = store;
  const sync = createSyncClient({
    store,
    cardSet,
    crypto,
    secretKey: key.key.secretKey,
    agent: agentName,
    now: clock.now,
    ...(options.random ? { random: options.random } : {}),
    ...(options.timers ? { timers: options.timers } : {}),
    ...(options.syncTuning ? { tuning: options.syncTuning } : {}),
    ...(options.openSocket ? { openSocket: options.openSocket } : {}),
  });
  const { reader } = options;
  const events = new TypedEmitter<{ event: AgentEvent }>();
  const emit = (event: AgentEvent): void => events.emit('event', event);

  let readerView: ReaderView = { kind: reader.kind, readers: [], connected: false, lastError: null };
  let armed: { action: ArmedAction; resolve: (outcome: Outcome | CardCheck | null) => void } | null = null;
  let lastDecision: Outcome | null = null;
  const alerts: SyncAlert[] = [];
  const unsubscribers: Array<() => void> = [];
  let purgeTimer: ReturnType<typeof setInterval> | null = null;

  const session = (): AgentSnapshot['session'] => store.session.current();

  const snapshot = (): AgentSnapshot => {
    const identity = journal.identity();
    return {
      paired: identity ? { terminal: identity.terminal, place: identity.place, placeName: identity.placeName, hubUrl: identity.hubUrl } : null,
      reader: readerView,
      sync: sync.state(),
      session: session(),
      shift: currentShift(journal, cache.assets()),
      armed: armed?.action ?? null,
      lastDecision,
      alerts: [...alerts],
      assets: [...cache.assets().values()].filter((asset) => !asset.archived),
      catalogueRevision: cache.catalogueRevision(),
      language,
    };
  };
  const publish = (): void => emit({ type: 'state', state: snapshot() });

  const refused = (code: OutcomeCode, reason: string, card?: string): Outcome => ({
    approve: false,
    code,
    reason,
    at: clock.now(),
    ...(card === undefined ? {} : { card }),
  });

  /** Authorise and commit one request: the only path to the journal. */
  const decide = (request: Omit<AuthoriseRequest, 'primary'>): Outcome => {
    const current = session();
    if (!journal.identity()) return refused('not_paired', words(language, 'not_paired'), request.card);
    if (!current) return refused('locked', words(language, 'locked'), request.card);
    const now = clock.now();
    const result = tap(journal, cache, { ...request, primary: current.primary }, { online: sync.isOnline(), now, random: clock.random, cardSet });
    if (!result.approve) {
      if (result.code === 'journal') return refused('journal', result.failure.message, request.card);
      return {
        approve: false,
        code: result.code,
        reason: declineReason(result, cache.assets(), language),
        reasons: { en: declineReason(result, cache.assets(), 'en'), fr: declineReason(result, cache.assets(), 'fr') },
        card: request.card,
        at: now,
        // Only a shortfall is a missing amount (the rest can be paid otherwise); an offline cap is not.
        ...(result.missing === undefined || result.code !== 'insufficient_funds' ? {} : { missing: result.missing }),
        ...(result.asset === undefined ? {} : { asset: result.asset }),
      };
    }
    sync.kick();
    const bodies = result.entries.map((entry) => entry.body);
    return {
      approve: true,
      kind: request.kind,
      card: request.card,
      auth: bodies[0]!.auth,
      total: bodies.reduce((total, body) => total + body.amount, 0),
      entries: bodies.map((body) => ({ seq: body.seq, asset: body.asset, amount: body.amount })),
      balances: balancesOf(cache, journal, request.card, language, request.kind === 'VID' ? undefined : entryAssets(bodies), now),
      at: now,
    };
  };

  const conclude = (outcome: Outcome): Outcome => {
    lastDecision = outcome;
    void reader.feedback(outcome.approve ? 'ok' : 'error').catch(() => undefined);
    emit({ type: 'decision', outcome });
    publish();
    return outcome;
  };

  const localAsset = (categories: readonly AssetCategory[]): AssetInfo | undefined => {
    const accepted = [...cache.assets().values()].filter((asset) => !asset.archived && categories.includes(asset.category));
    return accepted.find((asset) => asset.issuedHere) ?? accepted[0];
  };

  const perform = (action: Exclude<ArmedAction, { kind: 'check' }>, card: string): Outcome => {
    switch (action.kind) {
      case 'sale': {
        const { request } = action;
        const meta = {
          ...('lines' in request ? { lines: request.lines } : {}),
          ...(request.note ? { note: request.note } : {}),
        };
        return conclude(
          decide({ kind: 'SAL', amount: action.amount, card, asset: request.asset ?? 'sale', ...(Object.keys(meta).length > 0 ? { meta } : {}) }),
        );
      }
      case 'topUp': {
        const asset = action.request.asset ?? localAsset(['TLF'])?.id;
        if (!asset) return conclude(refused('no_asset', words(language, 'no_asset'), card));
        return conclude(decide({ kind: 'REF', amount: action.request.amount, card, asset, meta: { payment: action.request.payment } }));
      }
      case 'membership':
        return conclude(
          decide({ kind: 'SUB', amount: action.request.amount, card, asset: action.request.asset, meta: { payment: action.request.payment } }),
        );
      case 'badge':
        return conclude(decide({ kind: 'BDG', amount: 0, card, asset: action.asset }));
      case 'refund': {
        const asset = action.request.asset ?? localAsset(['TLF', 'TNF', 'FED'])?.id;
        if (!asset) return conclude(refused('no_asset', words(language, 'no_asset'), card));
        const available = balancesOf(cache, journal, card, language, new Set([asset]), clock.now())[0]?.available ?? 0;
        return conclude(decide({ kind: 'RFD', amount: action.request.amount ?? available, card, asset }));
      }
      case 'void': {
        const refundable = balancesOf(cache, journal, card, language, undefined, clock.now()).filter((view) => ['FED', 'TLF', 'TNF'].includes(view.category));
        const amount = refundable.reduce((total, view) => total + Math.max(0, view.available), 0);
        return conclude(decide({ kind: 'VID', amount, card, asset: 'sale' }));
      }
    }
  };

  /** Performs now with `card`, or arms the action for the next tap. */
  const run = <T extends Outcome | CardCheck | null>(action: ArmedAction, card: string | undefined): Promise<T> => {
    if (card !== undefined) return Promise.resolve(execute(action, card) as T);
    cancelArmed();
    return new Promise<T>((resolve) => {
      // Safe: `execute(action, …)` returns a CardCheck for 'check' and an Outcome otherwise.
      armed = { action, resolve: (value) => resolve(value as T) };
      publish();
    });
  };

  const execute = (action: ArmedAction, card: string): Outcome | CardCheck => {
    if (action.kind === 'check') return checkCard(cache, journal, card, clock.now(), language, cardSet.knows(card) === true);
    return perform(action, card);
  };

  const cancelArmed = (): void => {
    const previous = armed;
    armed = null;
    // A card check has no outcome to refuse: it resolves null.
    if (previous) previous.resolve(previous.action.kind === 'check' ? null : refused('cancelled', words(language, 'cancelled')));
  };

  const onCard = (uid: string): void => {
    const current = session();
    if (!current) {
      const unlocked = unlock(uid);
      if (!unlocked.ok) emit({ type: 'tap', card: uid, locked: true, check: null });
      return;
    }
    if (armed) {
      const { action, resolve } = armed;
      const keep = action.kind === 'badge' && action.repeat;
      if (!keep) armed = null;
      resolve(execute(action, uid));
      if (!keep) publish();
      return;
    }
    if (sameCard(uid, current.primary)) return;
    emit({ type: 'tap', card: uid, locked: false, check: checkCard(cache, journal, uid, clock.now(), language, cardSet.knows(uid) === true) });
  };

  const onWedgeLine = (text: string): void => {
    const line = text.trim();
    if (line.startsWith(PAY_TOKEN_PREFIX)) return void payArmedSale(line);
    if (reader instanceof KeyboardWedgeReader) reader.line(line);
  };

  /** The armed sale, paid with a payment code; any other moment declines the code and keeps what was armed. */
  const payArmedSale = async (code: string): Promise<void> => {
    if (!session()) return void conclude(refused('locked', words(language, 'locked')));
    const current = armed;
    if (!current || current.action.kind !== 'sale') {
      return void conclude(refused('qr_no_sale', qrDeclineReason('qr_no_sale', undefined, language)));
    }
    armed = null;
    publish();
    const { amount, request } = current.action;
    current.resolve(conclude(await payWithCode({ sync, cache, language, now: clock.now }, { code, amount, asset: request.asset ?? null })));
  };

  const unlock = (primary: string): UnlockResult => {
    if (!journal.identity()) return { ok: false, code: 'not_paired', reason: words(language, 'not_paired') };
    const primaries = [...cache.primaries()];
    if (!primaries.some((uid) => sameCard(uid, primary))) {
      return { ok: false, code: 'invalid_primary_card', reason: words(language, 'invalid_primary_card') };
    }
    const current = session();
    if (!current || !sameCard(current.primary, primary)) store.session.open(primary, clock.now());
    publish();
    return { ok: true, primary };
  };

  const totals = (): RegisterTotals | null => {
    const current = session();
    if (!current) return null;
    return registerTotals(journal, cache, current.primary, current.openedAt, clock.now(), language);
  };

  const lock = (): RegisterTotals | null => {
    const result = totals();
    cancelArmed();
    store.session.close();
    publish();
    return result;
  };

  /** Shifts are the cashier's acts on the drawer: journaled directly, no card to authorise. */
  const shiftAct = <T>(act: (context: Parameters<typeof openShift>[0]) => ShiftResult<T>): ShiftResult<T> => {
    const current = session();
    if (!journal.identity()) return { ok: false, code: 'not_paired', message: words(language, 'not_paired') };
    if (!current) return { ok: false, code: 'locked', message: words(language, 'locked') };
    const result = act({ journal, assets: cache.assets(), primary: current.primary, online: sync.isOnline(), now: clock.now(), random: clock.random });
    if (result.ok) sync.kick();
    publish();
    return result;
  };

  const purge = (): void => {
    journal.purge(clock.now());
  };

  return {
    journal,
    cache,
    sync,

    start() {
      unsubscribers.push(
        reader.on('card', ({ uid }) => onCard(uid)),
        reader.on('reader-attached', () => {
          readerView = { ...readerView, readers: reader.readers(), connected: true };
          publish();
        }),
        reader.on('reader-detached', () => {
          const readers = reader.readers();
          readerView = { ...readerView, readers, connected: readers.length > 0 };
          publish();
        }),
        reader.on('error', (error) => {
          readerView = { ...readerView, lastError: `${error.code}: ${error.message}` };
          publish();
        }),
        sync.on('state', () => publish()),
        sync.on('alert', (alert) => {
          alerts.push(alert);
          if (alerts.length > ALERTS_KEPT) alerts.shift();
          emit({ type: 'alert', alert });
        }),
      );
      reader.start();
      purge();
      purgeTimer = setInterval(purge, PURGE_EVERY_MS);
      purgeTimer.unref();
      if (journal.identity()) sync.start();
      publish();
    },

    async close() {
      cancelArmed();
      if (purgeTimer) clearInterval(purgeTimer);
      for (const unsubscribe of unsubscribers.splice(0)) unsubscribe();
      await sync.stop();
      await reader.close();
      events.removeAll();
      if (journal.open) store.close();
    },

    snapshot,
    catalogue: () => cache.catalogue(),
    subscribe: (listener) => events.on('event', listener),

    async pair(hubUrl, code, name) {
      const result = await pairTill({ hubUrl, code, name, agent: agentName, journal, publicKey: key.key.publicKey, ...(options.fetch ? { fetch: options.fetch } : {}) });
      if (result.ok) sync.start();
      publish();
      return result;
    },

    unlock,
    lock,
    sale(request, card) {
      const amount = 'lines' in request ? request.lines.reduce((total, line) => total + line.qty * line.unit, 0) : request.amount;
      return run({ kind: 'sale', request, amount }, card);
    },
    topUp: (request, card) => run({ kind: 'topUp', request }, card),
    membership: (request, card) => run({ kind: 'membership', request }, card),
    badge: (asset, card) => run({ kind: 'badge', asset, repeat: false }, card),
    badgeMode(asset) {
      if (asset === null) return cancelArmed();
      void run({ kind: 'badge', asset, repeat: true }, undefined);
    },
    refund: (request, card) => run({ kind: 'refund', request }, card),
    voidCard: (card) => run({ kind: 'void' }, card),
    checkCard: (card) => run({ kind: 'check' }, card),
    cancel() {
      cancelArmed();
      publish();
    },
    registerTotals: totals,
    closeRegister: lock,
    openShift: (request) => shiftAct((context) => openShift(context, request)),
    closeShift: (request) => shiftAct((context) => closeShift(context, request)),
    wedgeLine: onWedgeLine,
  };
}

const WORDS: Record<'not_paired' | 'locked' | 'cancelled' | 'no_asset' | 'invalid_primary_card', Record<Language, string>> = {
  not_paired: { en: 'This till is not paired with a hub', fr: "Cette caisse n'est pas appairée à un hub" },
  locked: { en: 'Tap your cashier card', fr: 'Badgez votre carte caissier' },
  cancelled: { en: 'Cancelled', fr: 'Annulé' },
  no_asset: { en: 'No currency of this place for this', fr: 'Aucune monnaie de ce lieu pour cela' },
  invalid_primary_card: { en: 'This cashier card is not valid here', fr: 'Carte caissier non valable ici' },
};

function words(language: Language, key: keyof typeof WORDS): string {
  return WORDS[key][language];
}
