import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import type { CryptoProvider } from '@fedow/ledger';
import { nodeCrypto } from '@fedow/ledger/crypto-node';
import { KeyboardWedgeReader, TypedEmitter, type CardReader } from '@fedow/nfc';
import type { AssetInfo, CatalogueItem } from '@fedow/protocol';
import type { CardCache } from '../store/card-cache';
import { systemClock, type TillClock } from '../clock';
import type { Journal } from '../store/journal';
import { openTillStore } from '../store/till-store';
import { DATABASE_FILE_NAME, ensureTillKey, pairTill, type PairResult } from '../pairing/pairing';
import { sameCard } from '../card-uid';
import { qrDeclineReason, type Language } from '../reason';
import { payWithCode } from './qr-payment';
import { requestFor, routeQrCode, routeTap, routeWedgeLine, saleAmount, type ActionRequest, type ArmedAction, type MembershipRequest, type RefundRequest, type SaleRequest, type TopUpRequest } from './arming';
import { approvedOutcome, declinedOutcome, refusedOutcome, type Outcome, type OutcomeCode } from './outcome';
import { startPurgeTimer } from './purge-timer';
import { initialReaderView, readerAttached, readerDetached, readerFailed, type ReaderView } from './reader-view';
import { balancesOf, checkCard, entryAssets, type CardCheck } from '../views/card-view';
import { registerTotals, type RegisterTotals } from '../views/register-totals';
import { createSyncClient, type SyncAlert, type SyncClient, type SyncState, type SyncTuning, type Timers, type OpenSocket } from '../sync/sync-client';
import { tap } from '../decision/tap';
import { closeShift, currentShift, openShift, type ClosedShift, type ShiftRequest, type ShiftResult, type ShiftView } from '../decision/shift';

/**
 * The terminal agent: one object that owns the till's reader, its store (journal,
 * card cache, session: store/till-store.ts) and sync client, and offers the UI
 * bridge a small typed API (this file's exports). It sequences: the rules of
 * arming (arming.ts), the decision (decision/tap.ts) and the answers (outcome.ts)
 * are leaves it calls. The bridge (Electron preload or the headless WebSocket)
 * forwards these calls and events as they are.
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

  let readerView: ReaderView = initialReaderView(reader.kind);
  let armed: { action: ArmedAction; resolve: (outcome: Outcome | CardCheck | null) => void } | null = null;
  let lastDecision: Outcome | null = null;
  const alerts: SyncAlert[] = [];
  const unsubscribers: Array<() => void> = [];
  let stopPurge: (() => void) | null = null;

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
  const onReaderChange = (view: ReaderView): void => {
    readerView = view;
    publish();
  };

  const refused = (code: OutcomeCode, reason: string, card?: string): Outcome => refusedOutcome(code, reason, clock.now(), card);

  /** Authorise and commit one request: the only path to the journal. */
  const decide = (request: ActionRequest): Outcome => {
    const current = session();
    if (!journal.identity()) return refused('not_paired', words(language, 'not_paired'), request.card);
    if (!current) return refused('locked', words(language, 'locked'), request.card);
    const now = clock.now();
    const result = tap(journal, cache, { ...request, primary: current.primary }, { online: sync.isOnline(), now, random: clock.random, cardSet });
    if (!result.approve) {
      if (result.code === 'journal') return refused('journal', result.failure.message, request.card);
      return declinedOutcome(result, cache.assets(), language, request.card, now);
    }
    sync.kick();
    const bodies = result.entries.map((entry) => entry.body);
    const balances = balancesOf(cache, journal, request.card, language, request.kind === 'VID' ? undefined : entryAssets(bodies), now);
    return approvedOutcome(request.kind, request.card, bodies, balances, now);
  };

  const conclude = (outcome: Outcome): Outcome => {
    lastDecision = outcome;
    void reader.feedback(outcome.approve ? 'ok' : 'error').catch(() => undefined);
    emit({ type: 'decision', outcome });
    publish();
    return outcome;
  };

  const perform = (action: Exclude<ArmedAction, { kind: 'check' }>, card: string): Outcome => {
    const facts = { assets: cache.assets(), balances: (only?: ReadonlySet<string>) => balancesOf(cache, journal, card, language, only, clock.now()) };
    const request = requestFor(action, card, facts);
    if (request === 'no_asset') return conclude(refused('no_asset', words(language, 'no_asset'), card));
    return conclude(decide(request));
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
    const route = routeTap(session(), armed?.action ?? null, uid);
    switch (route.to) {
      case 'unlock':
        if (!unlock(uid).ok) emit({ type: 'tap', card: uid, locked: true, check: null });
        return;
      case 'armed': {
        const { resolve } = armed!;
        if (!route.keepArmed) armed = null;
        resolve(execute(route.action, uid));
        if (!route.keepArmed) publish();
        return;
      }
      case 'ignore':
        return;
      case 'check':
        emit({ type: 'tap', card: uid, locked: false, check: checkCard(cache, journal, uid, clock.now(), language, cardSet.knows(uid) === true) });
    }
  };

  const onWedgeLine = (text: string): void => {
    const { to, line } = routeWedgeLine(text);
    if (to === 'pay') return void payArmedSale(line);
    if (reader instanceof KeyboardWedgeReader) reader.line(line);
  };

  /** The armed sale, paid with a payment code; any other moment declines the code and keeps what was armed. */
  const payArmedSale = async (code: string): Promise<void> => {
    const route = routeQrCode(session(), armed?.action ?? null);
    if (route === 'locked') return void conclude(refused('locked', words(language, 'locked')));
    if (route === 'no_sale') return void conclude(refused('qr_no_sale', qrDeclineReason('qr_no_sale', undefined, language)));
    const current = armed!;
    if (current.action.kind !== 'sale') return;
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

  return {
    journal,
    cache,
    sync,

    start() {
      unsubscribers.push(
        reader.on('card', ({ uid }) => onCard(uid)),
        reader.on('reader-attached', () => onReaderChange(readerAttached(readerView, reader.readers()))),
        reader.on('reader-detached', () => onReaderChange(readerDetached(readerView, reader.readers()))),
        reader.on('error', (error) => onReaderChange(readerFailed(readerView, error))),
        sync.on('state', () => publish()),
        sync.on('alert', (alert) => {
          alerts.push(alert);
          if (alerts.length > ALERTS_KEPT) alerts.shift();
          emit({ type: 'alert', alert });
        }),
      );
      reader.start();
      stopPurge = startPurgeTimer(() => journal.purge(clock.now()));
      if (journal.identity()) sync.start();
      publish();
    },

    async close() {
      cancelArmed();
      stopPurge?.();
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
    sale: (request, card) => run({ kind: 'sale', request, amount: saleAmount(request) }, card),
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
