import type WebSocket from 'ws';
import { signBody, type CryptoProvider } from '@fedow/ledger';
import { qrSaleBody, type AckResult, type QrSaleResult, type TillMessage } from '@fedow/protocol';
import type { TillCardSet } from '../store/card-set';
import type { TillStore } from '../store/till-store';
import { restarted } from './link-state';
import { closed, connect } from './connection';
import { pump } from './pushing';
import { createRuntime, halt, publish, send, syncState, type SyncRuntime } from './runtime';
import type { SyncTuning, Timers } from './timing';

export { backoffDelay, DEFAULT_SYNC_TUNING, systemTimers, type SyncTuning, type Timers } from './timing';

/**
 * The till's side of `/sync` (SYNC.md): one WebSocket, challenge → hello →
 * welcome, then pushes of the journal in seq order, acks, card updates and
 * heartbeats; reconnection with jittered exponential backoff.
 *
 * Decisions the spec leaves open, taken here:
 * - Pushes are read from the journal by seq (`entriesFrom`), starting at the
 *   hub's `lastSeq + 1` and, after a `gap`, at its `expected`: the hub's view
 *   decides what is resent, the journal's ack columns only record results.
 * - A push also stays under FRAME_BYTES_MAX (500 entries with full `meta` would
 *   not), so the hub never has to close with 1009 and we never loop on it.
 * - A `welcome` that is ahead of the journal or disagrees with it (`fork`), a
 *   `fork`/`frozen`/`revoked`/`unauthorized` error or close code, and an entry
 *   of ours the hub finds badly hashed or signed (`integrity`) stop the client:
 *   no automatic reconnection, an operator must look. Everything else (network,
 *   silence, a hub restarting, a challenge signed by another hub key) goes
 *   offline and retries with backoff.
 * - A challenge naming another hub key is refused (no hello, nothing pushed)
 *   and alerted on each attempt, but retried: a wrong DNS answer or a proxy can
 *   be transient, and a till that retries costs nothing.
 * - `updated` is sent only when the card cache moved its durable cursor (the
 *   last part of a snapshot, or a delta); `appliedThrough` acknowledges this
 *   till's entries in the same SQLite transaction as the card states holding them.
 * - `lagEntries` = journal head − the hub's last known `lastSeq` (from welcome
 *   or ack); before any contact in this process it is the pending count.
 *
 * The client is a parent: the link's state (link-state.ts), the push window
 * (push-window.ts) and the meaning of the hub's frames (frame-rules.ts) are pure
 * leaves; the connection's life (connection.ts), the frame handlers (frames.ts)
 * and the pushing (pushing.ts) are the effects, functions of one shared record
 * (runtime.ts).
 */

export type SyncStatus = 'online' | 'connecting' | 'offline' | 'stopped';

export type SyncStopReason =
  | 'stopped' // stop() was called
  | 'not_paired'
  | 'journal_corrupt'
  | 'fork'
  | 'hub_ahead'
  | 'frozen'
  | 'revoked'
  | 'unauthorized'
  | 'integrity'
  | 'purged';

export type SyncOfflineReason = 'connect_failed' | 'closed' | 'silence' | 'wrong_hub' | 'protocol';

export interface SyncState {
  status: SyncStatus;
  reason?: SyncStopReason | SyncOfflineReason;
  /** Words for an operator (not translated: the UI shows `reason`). */
  message?: string;
  pendingCount: number;
  lagEntries: number;
  /** Last message from the hub while welcomed, till clock ms. */
  lastSyncAt: number | null;
  lastWelcomeAt: number | null;
  /** When the till stopped being in sync; null while online. */
  offlineSince: number | null;
  /** While offline: the delay of the next attempt. */
  retryInMs?: number;
}

export type SyncAlertCode =
  | SyncStopReason
  | 'wrong_hub'
  | 'bad_message'
  | 'hub_error'
  | 'unknown_ack'
  | 'update_invalid'
  | 'clock_skew';

export interface SyncAlert {
  code: SyncAlertCode;
  message: string;
  at: number;
}

export interface SyncEvents {
  state: SyncState;
  alert: SyncAlert;
  /** Entries the hub refused by a ledger rule (they still advanced the chain). */
  rejected: AckResult[];
  /** The card cache moved to this cursor. */
  updated: { cursor: string };
}

/** What the client needs of the till store: the journal it pushes, the cache it fills, the verb that stores an update. */
export type SyncStore = Pick<TillStore, 'journal' | 'cache' | 'applyHubUpdate'>;

export interface SyncClientOptions {
  store: SyncStore;
  /** Where the hub's card set goes (card-set.ts); without it the message is ignored. */
  cardSet?: Pick<TillCardSet, 'apply'>;
  crypto: CryptoProvider;
  secretKey: Uint8Array;
  /** `hello.agent`: software and version. */
  agent: string;
  /** Defaults to the paired hub's `/sync`. */
  url?: string;
  now?: () => number;
  /** Uniform in [0, 1): the backoff jitter. */
  random?: () => number;
  timers?: Timers;
  tuning?: Partial<SyncTuning>;
  /** Opens the connection; default a `ws` WebSocket. The simulation gives its own network here. */
  openSocket?: OpenSocket;
}

/** What the client needs of a WebSocket: `ws`'s events and methods, no more. */
export type SyncSocket = Pick<WebSocket, 'on' | 'once' | 'send' | 'close' | 'terminate' | 'readyState'>;
export type OpenSocket = (url: string, options: { handshakeTimeout: number; maxPayload: number }) => SyncSocket;

export interface SyncClient {
  start(): void;
  /** Closes the connection; the client stays stopped until start(). */
  stop(): Promise<void>;
  /** New entries were committed: push them now if connected. */
  kick(): void;
  /**
   * A sale paid by a payment QR code, asked of the hub while online (qr-sale.ts).
   * Resent on reconnection under the same id until answered (the hub answers a
   * retry as the first time); null when no answer came within `timeoutMs`.
   */
  qrSale(sale: { id: string; code: string; amount: number; asset: string | null }, timeoutMs?: number): Promise<QrSaleResult | null>;
  state(): SyncState;
  isOnline(): boolean;
  on<E extends keyof SyncEvents>(event: E, listener: (payload: SyncEvents[E]) => void): () => void;
}

/** A cashier waits this long for the hub's answer to a payment code. */
const QR_SALE_TIMEOUT_MS = 15_000;

export function createSyncClient(options: SyncClientOptions): SyncClient {
  const runtime = createRuntime(options);
  return {
    start() {
      if (runtime.running) return;
      runtime.running = true;
      runtime.link = restarted(runtime.link);
      connect(runtime);
    },
    stop: () => stop(runtime),
    kick: () => kick(runtime),
    qrSale: (sale, timeoutMs = QR_SALE_TIMEOUT_MS) => qrSale(runtime, sale, timeoutMs),
    state: () => syncState(runtime),
    isOnline: () => runtime.link.status === 'online',
    on: (event, listener) => runtime.events.on(event, listener),
  };
}

async function stop(runtime: SyncRuntime): Promise<void> {
  // Idempotent, and safe after the journal was closed (an agent shutting down).
  if (!runtime.running && runtime.current === null && runtime.retryTimer === null) return;
  const connection = runtime.current;
  halt(runtime, 'stopped', 'stopped');
  if (!connection) return;
  await closed(connection.socket);
}

function kick(runtime: SyncRuntime): void {
  if (runtime.kickQueued) return;
  runtime.kickQueued = true;
  queueMicrotask(() => {
    runtime.kickQueued = false;
    if (runtime.current) pump(runtime, runtime.current);
    publish(runtime);
  });
}

type QrSale = Parameters<SyncClient['qrSale']>[0];

function qrSale(runtime: SyncRuntime, sale: QrSale, timeoutMs: number): Promise<QrSaleResult | null> {
  const { options, timers } = runtime;
  const identity = options.store.journal.identity();
  if (!identity || runtime.link.status !== 'online' || !runtime.current) return Promise.resolve(null);
  const { sig } = signBody(options.crypto, options.secretKey, qrSaleBody({ terminal: identity.terminal, place: identity.place, ...sale }));
  const frame: TillMessage = { type: 'qr-sale', ...sale, sig };
  return new Promise((resolve) => {
    const timer = timers.setTimeout(() => finish(null), timeoutMs);
    const finish = (result: QrSaleResult | null): void => {
      timers.clearTimeout(timer);
      runtime.qrSales.delete(sale.id);
      resolve(result);
    };
    runtime.qrSales.set(sale.id, { frame, resolve: finish });
    if (runtime.current) send(runtime, runtime.current, frame);
  });
}
