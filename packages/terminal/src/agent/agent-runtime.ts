import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import type { CryptoProvider } from '@fedow/ledger';
import { nodeCrypto } from '@fedow/ledger/crypto-node';
import { TypedEmitter, type CardReader } from '@fedow/nfc';
import { systemClock, type TillClock } from '../clock';
import type { Language } from '../reason';
import { openTillStore, type TillStore } from '../store/till-store';
import { DATABASE_FILE_NAME, ensureTillKey } from '../pairing/pairing';
import type { TillKey } from '../pairing/keys';
import { currentShift } from '../decision/shift';
import { createSyncClient, type SyncAlert, type SyncClient } from '../sync/sync-client';
import type { CardCheck } from '../views/card-view';
import type { ArmedAction } from './arming';
import { words } from './gate';
import { refusedOutcome, type Outcome, type OutcomeCode } from './outcome';
import { initialReaderView, type ReaderView } from './reader-view';
import type { AgentEvent, AgentOptions, AgentSnapshot } from './agent';

/**
 * What the agent's parts share: the till's store, reader and sync client it
 * opened, and its one mutable record (the reader's view, the armed action and
 * its promise, the last decision, the alerts kept). The parts (acting.ts,
 * cashier.ts, lifecycle.ts) are functions of this record; the agent (agent.ts)
 * only assembles them.
 */

export interface Armed {
  action: ArmedAction;
  resolve: (outcome: Outcome | CardCheck | null) => void;
}

export interface AgentRuntime {
  readonly options: AgentOptions;
  readonly clock: TillClock;
  readonly language: Language;
  readonly agentName: string;
  readonly key: TillKey;
  readonly store: TillStore;
  readonly sync: SyncClient;
  readonly reader: CardReader;
  readonly events: TypedEmitter<{ event: AgentEvent }>;
  readerView: ReaderView;
  armed: Armed | null;
  lastDecision: Outcome | null;
  alerts: SyncAlert[];
  unsubscribers: Array<() => void>;
  stopPurge: (() => void) | null;
}

export function createAgentRuntime(options: AgentOptions, defaultAgentName: string): AgentRuntime {
  const crypto = options.crypto ?? nodeCrypto;
  const clock = options.clock ?? systemClock;
  const agentName = options.agentName ?? defaultAgentName;
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const key = ensureTillKey(options.dataDir, crypto);
  if (!key.ok) throw new Error(`till key: ${key.message}`);
  const store = openTillStore(join(options.dataDir, DATABASE_FILE_NAME), { crypto, secretKey: key.key.secretKey });
  const sync = openSync(options, store, key.key, { crypto, clock, agentName });
  return {
    options,
    clock,
    agentName,
    key: key.key,
    store,
    sync,
    reader: options.reader,
    language: options.language ?? 'fr',
    events: new TypedEmitter<{ event: AgentEvent }>(),
    readerView: initialReaderView(options.reader.kind),
    armed: null,
    lastDecision: null,
    alerts: [],
    unsubscribers: [],
    stopPurge: null,
  };
}

/** The sync client over the till store, with the agent's clock and the options tests and the simulation give. */
function openSync(options: AgentOptions, store: TillStore, key: TillKey, own: { crypto: CryptoProvider; clock: TillClock; agentName: string }): SyncClient {
  return createSyncClient({
    store,
    cardSet: store.cardSet,
    crypto: own.crypto,
    secretKey: key.secretKey,
    agent: own.agentName,
    now: own.clock.now,
    ...(options.random ? { random: options.random } : {}),
    ...(options.timers ? { timers: options.timers } : {}),
    ...(options.syncTuning ? { tuning: options.syncTuning } : {}),
    ...(options.openSocket ? { openSocket: options.openSocket } : {}),
  });
}

export function emit(runtime: AgentRuntime, event: AgentEvent): void {
  runtime.events.emit('event', event);
}

export function snapshot(runtime: AgentRuntime): AgentSnapshot {
  const { journal, cache } = runtime.store;
  const identity = journal.identity();
  return {
    paired: identity ? { terminal: identity.terminal, place: identity.place, placeName: identity.placeName, hubUrl: identity.hubUrl } : null,
    reader: runtime.readerView,
    sync: runtime.sync.state(),
    session: runtime.store.session.current(),
    shift: currentShift(journal, cache.assets()),
    armed: runtime.armed?.action ?? null,
    lastDecision: runtime.lastDecision,
    alerts: [...runtime.alerts],
    assets: [...cache.assets().values()].filter((asset) => !asset.archived),
    catalogueRevision: cache.catalogueRevision(),
    language: runtime.language,
  };
}

export function publish(runtime: AgentRuntime): void {
  emit(runtime, { type: 'state', state: snapshot(runtime) });
}

export function refused(runtime: AgentRuntime, code: OutcomeCode, reason: string, card?: string): Outcome {
  return refusedOutcome(code, reason, runtime.clock.now(), card);
}

/** Resolves the armed action as cancelled (a card check, which has no outcome to refuse, as null). */
export function cancelArmed(runtime: AgentRuntime): void {
  const previous = runtime.armed;
  runtime.armed = null;
  if (previous) previous.resolve(previous.action.kind === 'check' ? null : refused(runtime, 'cancelled', words(runtime.language, 'cancelled')));
}
