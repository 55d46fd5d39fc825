import WebSocket, { type RawData } from 'ws';
import { signBody, type CryptoProvider } from '@fedow/ledger';
import { TypedEmitter } from '@fedow/nfc';
import {
  CLOSE_CODES,
  INTEGRITY_CODES,
  FRAME_BYTES_MAX,
  HEARTBEAT_MS,
  HubMessage,
  PROTOCOL_VERSION,
  PUSH_ENTRIES_MAX,
  PUSH_WINDOW_MAX,
  RECONNECT_JITTER_RATIO,
  RECONNECT_MS_MAX,
  RECONNECT_MS_MIN,
  SILENCE_MS_MAX,
  SYNC_TILL_MESSAGES_PER_SECOND,
  helloProof,
  parseFrame,
  qrSaleBody,
  type Ack,
  type AckResult,
  type Challenge,
  type QrSaleResult,
  type SyncError,
  type TillMessage,
  type Update,
  type Welcome,
  type WireEntry,
} from '@fedow/protocol';
import type { TillCardSet } from '../store/card-set';
import { acked, connecting, contacted, initialLink, reportedState, restarted, retryScheduled, welcomed, withStatus, type LinkState } from './link-state';
import { MessagePacer } from './message-pacer';
import type { TillStore } from '../store/till-store';
import { syncUrl } from '../pairing/pairing';

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

export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  // Safe: only handles returned by setTimeout above are passed back.
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface SyncTuning {
  heartbeatMs: number;
  silenceMsMax: number;
  reconnectMsMin: number;
  reconnectMsMax: number;
  jitterRatio: number;
}

export const DEFAULT_SYNC_TUNING: SyncTuning = {
  heartbeatMs: HEARTBEAT_MS,
  silenceMsMax: SILENCE_MS_MAX,
  reconnectMsMin: RECONNECT_MS_MIN,
  reconnectMsMax: RECONNECT_MS_MAX,
  jitterRatio: RECONNECT_JITTER_RATIO,
};

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

const openWebSocket: OpenSocket = (url, options) => new WebSocket(url, options);

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

/** Delay before reconnection attempt `attempt` (0-based), jittered by `random` ∈ [0, 1). */
export function backoffDelay(attempt: number, random: number, tuning: Pick<SyncTuning, 'reconnectMsMin' | 'reconnectMsMax' | 'jitterRatio'> = DEFAULT_SYNC_TUNING): number {
  if (!Number.isInteger(attempt) || attempt < 0) throw new RangeError('attempt is a non-negative integer');
  if (!(random >= 0 && random < 1)) throw new RangeError('random is in [0, 1)');
  // 2^attempt overflows nothing before the cap: stop doubling once there.
  const doublings = Math.min(attempt, 32);
  const base = Math.min(tuning.reconnectMsMax, tuning.reconnectMsMin * 2 ** doublings);
  return Math.round(base * (1 + tuning.jitterRatio * (2 * random - 1)));
}

interface InFlightPush {
  firstSeq: number;
  lastSeq: number;
  /** Sent as the resend after a `gap` with this `expected`. */
  gapExpected?: number;
}

interface Connection {
  socket: SyncSocket;
  challenged: boolean;
  welcomed: boolean;
  inFlight: InFlightPush[];
  nextSeq: number;
  silenceTimer: unknown;
  heartbeatTimer: unknown;
  /** The highest `appliedThrough` of staged update parts, applied with the snapshot. */
  appliedThrough: number | undefined;
  offlineReason: SyncOfflineReason;
  offlineMessage: string | undefined;
}

/** Beyond this difference between the hub's clock and ours, an operator should know. */
const CLOCK_SKEW_MS_MAX = 2 * 60_000;
const STOP_GRACE_MS = 1_000;
/** A cashier waits this long for the hub's answer to a payment code. */
const QR_SALE_TIMEOUT_MS = 15_000;

export function createSyncClient(options: SyncClientOptions): SyncClient {
  const { crypto, secretKey, store } = options;
  const { journal, cache } = store;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const timers = options.timers ?? systemTimers;
  const tuning: SyncTuning = { ...DEFAULT_SYNC_TUNING, ...options.tuning };
  const events = new TypedEmitter<SyncEvents>();

  let current: Connection | null = null;
  let running = false;
  let link: LinkState = initialLink(readSince(), now());
  let retryTimer: unknown = null;
  let kickQueued = false;
  // Per client, not per connection: the hub's budget of a till survives its reconnections.
  const pacer = new MessagePacer(SYNC_TILL_MESSAGES_PER_SECOND, now());
  let pumpTimer: unknown = null;
  const qrSales = new Map<string, { frame: TillMessage; resolve: (result: QrSaleResult | null) => void }>();

  function readSince(): number | null {
    const connectivity = cache.connectivity(false);
    return connectivity.online ? null : connectivity.since;
  }

  const state = (): SyncState =>
    reportedState(link, {
      headSeq: journal.head()?.seq,
      pendingCount: journal.identity() ? journal.pendingCount() : 0,
      lastWelcomeAt: cache.lastWelcomeAt() ?? null,
    });

  const publish = (): void => events.emit('state', state());

  /** Every change of the link's state is published, in the order it happened. */
  const update = (next: LinkState): void => {
    link = next;
    publish();
  };

  const alert = (code: SyncAlertCode, text: string): void => events.emit('alert', { code, message: text, at: now() });

  const send = (connection: Connection, payload: TillMessage): boolean => {
    if (connection.socket.readyState !== WebSocket.OPEN) return false;
    connection.socket.send(JSON.stringify(payload));
    pacer.spend(now());
    return true;
  };

  const clearConnectionTimers = (connection: Connection): void => {
    timers.clearTimeout(connection.silenceTimer);
    timers.clearTimeout(connection.heartbeatTimer);
    connection.silenceTimer = null;
    connection.heartbeatTimer = null;
  };

  /** Stops for good (until start()): an operator must look. */
  const halt = (why: SyncStopReason, text: string): void => {
    if (why !== 'stopped') alert(why, text);
    running = false;
    for (const pending of [...qrSales.values()]) pending.resolve(null);
    timers.clearTimeout(retryTimer);
    retryTimer = null;
    timers.clearTimeout(pumpTimer);
    pumpTimer = null;
    const connection = current;
    current = null;
    if (connection) {
      clearConnectionTimers(connection);
      connection.socket.terminate();
    }
    update(withStatus(link, 'stopped', why, text, now()));
  };

  /** Drops this connection and lets `close` schedule the next attempt. */
  const dropConnection = (connection: Connection, why: SyncOfflineReason, text: string): void => {
    connection.offlineReason = why;
    connection.offlineMessage = text;
    connection.socket.terminate();
  };

  const resetSilence = (connection: Connection): void => {
    timers.clearTimeout(connection.silenceTimer);
    connection.silenceTimer = timers.setTimeout(() => {
      if (current === connection) dropConnection(connection, 'silence', `no message from the hub for ${tuning.silenceMsMax} ms`);
    }, tuning.silenceMsMax);
  };

  const heartbeat = (connection: Connection): void => {
    connection.heartbeatTimer = timers.setTimeout(() => {
      if (current !== connection) return;
      send(connection, { type: 'ping', t: now() });
      heartbeat(connection);
    }, tuning.heartbeatMs);
  };

  const recordContact = (): void => {
    const at = now();
    const contact = contacted(link, at);
    link = contact.link;
    if (contact.write) cache.recordContact(at);
  };

  const scheduleReconnect = (): void => {
    const delay = backoffDelay(link.attempt, random(), tuning);
    link = retryScheduled(link, delay);
    retryTimer = timers.setTimeout(() => {
      retryTimer = null;
      connect();
    }, delay);
  };

  const connect = (): void => {
    if (!running) return;
    const identity = journal.identity();
    if (!identity) return halt('not_paired', 'the till is not paired');
    if (!journal.integrity.ok) return halt('journal_corrupt', `journal damaged at seq ${journal.integrity.seq}: ${journal.integrity.message}`);
    update(connecting(link, now()));
    const socket = (options.openSocket ?? openWebSocket)(options.url ?? syncUrl(identity.hubUrl), {
      handshakeTimeout: tuning.silenceMsMax,
      maxPayload: FRAME_BYTES_MAX,
    });
    const connection: Connection = {
      socket,
      challenged: false,
      welcomed: false,
      inFlight: [],
      nextSeq: 0,
      silenceTimer: null,
      heartbeatTimer: null,
      appliedThrough: undefined,
      offlineReason: 'connect_failed',
      offlineMessage: undefined,
    };
    current = connection;
    socket.on('open', () => {
      if (current !== connection) return;
      connection.offlineReason = 'closed';
      resetSilence(connection);
    });
    socket.on('message', (data, isBinary) => {
      if (current !== connection) return;
      resetSilence(connection);
      if (isBinary) return dropConnection(connection, 'protocol', 'the hub sent a binary frame');
      onFrame(connection, rawText(data));
    });
    socket.on('error', (error) => {
      connection.offlineMessage ??= error.message;
    });
    socket.on('close', (code, why) => onClose(connection, code, why.toString()));
  };

  const onClose = (connection: Connection, code: number, why: string): void => {
    clearConnectionTimers(connection);
    if (current !== connection) return;
    current = null;
    if (!running) return;
    if (code === CLOSE_CODES.fork) return halt('fork', `the hub closed with ${code}: ${why || 'fork'}`);
    if (code === CLOSE_CODES.revokedOrFrozen) return halt('frozen', `the hub closed with ${code}: ${why || 'revoked or frozen'}`);
    if (code === CLOSE_CODES.authenticationFailed) return halt('unauthorized', `the hub closed with ${code}: ${why || 'authentication failed'}`);
    scheduleReconnect();
    const text = connection.offlineMessage ?? `closed with ${code}${why ? `: ${why}` : ''}`;
    update(withStatus(link, 'offline', connection.offlineReason, text, now()));
  };

  const onFrame = (connection: Connection, text: string): void => {
    const parsed = parseFrame(HubMessage, text);
    if (!parsed.ok) {
      alert('bad_message', `unreadable message from the hub: ${parsed.message}`);
      return;
    }
    const frame = parsed.value;
    if (connection.welcomed) recordContact();
    switch (frame.type) {
      case 'challenge':
        return onChallenge(connection, frame);
      case 'welcome':
        return onWelcome(connection, frame);
      case 'ack':
        if (requireWelcome(connection, frame.type)) onAck(connection, frame);
        return;
      case 'update':
        if (requireWelcome(connection, frame.type)) onUpdate(connection, frame);
        return;
      case 'error':
        return onError(connection, frame);
      case 'ping':
        send(connection, { type: 'pong', t: frame.t });
        return;
      case 'pong':
        return;
      case 'card-set':
        if (requireWelcome(connection, frame.type)) {
          const applied = options.cardSet?.apply(frame);
          if (applied?.status === 'invalid') alert('update_invalid', applied.message);
        }
        return;
      case 'qr-sale-result':
        qrSales.get(frame.id)?.resolve(frame);
        return;
    }
  };

  const requireWelcome = (connection: Connection, type: string): boolean => {
    if (connection.welcomed) return true;
    dropConnection(connection, 'protocol', `the hub sent ${type} before welcome`);
    return false;
  };

  const onChallenge = (connection: Connection, challenge: Challenge): void => {
    const identity = journal.identity();
    if (!identity) return halt('not_paired', 'the till is not paired');
    if (connection.challenged) return dropConnection(connection, 'protocol', 'a second challenge');
    if (challenge.hub !== identity.hubPublicKey) {
      const text = `the hub at this address signs as ${challenge.hub}, not the hub this till was paired with (${identity.hubPublicKey})`;
      alert('wrong_hub', text);
      return dropConnection(connection, 'wrong_hub', text);
    }
    connection.challenged = true;
    const { sig } = signBody(crypto, secretKey, helloProof(identity.terminal, challenge.nonce, challenge.hub));
    const cursor = cache.cursor();
    send(connection, {
      type: 'hello',
      terminal: identity.terminal,
      protocol: PROTOCOL_VERSION,
      agent: options.agent,
      sig,
      ...(cursor === undefined ? {} : { cursor }),
    });
  };

  const onWelcome = (connection: Connection, welcome: Welcome): void => {
    if (!connection.challenged || connection.welcomed) return dropConnection(connection, 'protocol', 'welcome out of order');
    const at = now();
    const confirmed = journal.confirmThrough(welcome.lastSeq, welcome.lastHash, at);
    if (!confirmed.ok) return halt(confirmed.code, confirmed.message);
    cache.recordWelcome(welcome.policy, at);
    const skew = Date.parse(welcome.serverTime) - at;
    if (Math.abs(skew) > CLOCK_SKEW_MS_MAX) alert('clock_skew', `the till's clock is ${Math.round(-skew / 1000)} s off the hub's`);
    connection.welcomed = true;
    connection.nextSeq = welcome.lastSeq + 1;
    update(welcomed(link, at, welcome.lastSeq));
    heartbeat(connection);
    for (const pending of qrSales.values()) send(connection, pending.frame);
    pump(connection);
  };

  const onAck = (connection: Connection, ack: Ack): void => {
    const { unknown } = journal.markAcked(ack.results, now());
    if (unknown.length > 0) alert('unknown_ack', `the hub acknowledged entries this journal does not hold: seq ${unknown.map((result) => result.seq).join(', ')}`);
    // Entries the hub quarantined (bad hash or signature, another till's chain named)
    // never enter the chain: the journal disagrees with itself and must be looked at.
    // Any other rejection (a ledger rule, `duplicate_id`) advanced the chain: sync goes on.
    const broken = ack.results.filter((result) => isIntegrityCode(result.reason));
    if (broken.length > 0) {
      return halt('integrity', `the hub refused entries of this till as ${broken.map((result) => `${result.seq}: ${result.reason}`).join(', ')}`);
    }
    const rejected = ack.results.filter((result) => result.status === 'rejected');
    if (rejected.length > 0) events.emit('rejected', rejected);
    const seqs = ack.results.map((result) => result.seq);
    const highest = seqs.length > 0 ? Math.max(...seqs) : -1;
    connection.inFlight = connection.inFlight.filter(
      (push) => push.lastSeq > ack.lastSeq && !(push.firstSeq <= highest && highest <= push.lastSeq),
    );
    update(acked(link, ack.lastSeq));
    pump(connection);
  };

  const onUpdate = (connection: Connection, update: Update): void => {
    const at = now();
    if (update.appliedThrough !== undefined) connection.appliedThrough = Math.max(connection.appliedThrough ?? 0, update.appliedThrough);
    const outcome = store.applyHubUpdate(update, connection.appliedThrough, at);
    if (outcome.status === 'invalid') return alert('update_invalid', outcome.message);
    if (outcome.status === 'staged') return;
    connection.appliedThrough = undefined;
    // Committed above: the hub may now forget everything before this cursor.
    send(connection, { type: 'updated', cursor: outcome.cursor });
    events.emit('updated', { cursor: outcome.cursor });
    publish();
  };

  const onError = (connection: Connection, error: SyncError): void => {
    switch (error.code) {
      case 'gap':
        return onGap(connection, error);
      case 'fork':
        return halt('fork', `the hub found a fork: ${error.message}`);
      case 'frozen':
      case 'revoked':
      case 'unauthorized':
        return halt(error.code, error.message);
      default:
        // bad_message, too_large, rate_limited: a bug here or a busy hub; the hub
        // decides whether to close, and the backoff takes it from there.
        alert('hub_error', `${error.code}: ${error.message}`);
    }
  };

  const onGap = (connection: Connection, error: SyncError): void => {
    if (!connection.welcomed || error.expected === undefined) return dropConnection(connection, 'protocol', 'gap without expected');
    const expected = error.expected;
    // The pushes behind the one that gapped gap too: one resend per `expected`.
    if (connection.inFlight.some((push) => push.gapExpected === expected)) return;
    connection.inFlight = [];
    connection.nextSeq = expected;
    pump(connection, expected);
  };

  const pump = (connection: Connection, gapExpected?: number): void => {
    if (current !== connection || !connection.welcomed) return;
    while (connection.inFlight.length < PUSH_WINDOW_MAX) {
      const entries = fitFrame(journal.entriesFrom(connection.nextSeq, PUSH_ENTRIES_MAX));
      if (entries.length === 0) return;
      // Selling fast would push an entry at a time above the hub's rate limit: wait
      // for a token instead; the entries appended meanwhile join the next push.
      const wait = pacer.waitMs(now());
      if (wait > 0) {
        pumpTimer ??= timers.setTimeout(() => {
          pumpTimer = null;
          if (current === connection) pump(connection, gapExpected);
          else if (current) pump(current);
        }, wait);
        return;
      }
      const first = entries[0]!.body.seq;
      if (first !== connection.nextSeq) {
        return halt('purged', `the hub needs entry ${connection.nextSeq}, which this journal no longer holds`);
      }
      const last = entries[entries.length - 1]!.body.seq;
      if (!send(connection, { type: 'push', entries })) return;
      connection.inFlight.push({ firstSeq: first, lastSeq: last, ...(gapExpected === undefined ? {} : { gapExpected }) });
      connection.nextSeq = last + 1;
      gapExpected = undefined;
    }
  };

  return {
    start() {
      if (running) return;
      running = true;
      link = restarted(link);
      connect();
    },

    async stop() {
      // Idempotent, and safe after the journal was closed (an agent shutting down).
      if (!running && current === null && retryTimer === null) return;
      const connection = current;
      halt('stopped', 'stopped');
      if (!connection) return;
      await closed(connection.socket);
    },

    kick() {
      if (kickQueued) return;
      kickQueued = true;
      queueMicrotask(() => {
        kickQueued = false;
        if (current) pump(current);
        publish();
      });
    },

    qrSale(sale, timeoutMs = QR_SALE_TIMEOUT_MS) {
      const identity = journal.identity();
      if (!identity || link.status !== 'online' || !current) return Promise.resolve(null);
      const { sig } = signBody(crypto, secretKey, qrSaleBody({ terminal: identity.terminal, place: identity.place, ...sale }));
      const frame: TillMessage = { type: 'qr-sale', ...sale, sig };
      return new Promise((resolve) => {
        const timer = timers.setTimeout(() => finish(null), timeoutMs);
        const finish = (result: QrSaleResult | null): void => {
          timers.clearTimeout(timer);
          qrSales.delete(sale.id);
          resolve(result);
        };
        qrSales.set(sale.id, { frame, resolve: finish });
        if (current) send(current, frame);
      });
    },

    state,
    isOnline: () => link.status === 'online',
    on: (event, listener) => events.on(event, listener),
  };
}

/** Entries from the front of `entries` whose push frame stays under FRAME_BYTES_MAX. */
function fitFrame(entries: WireEntry[]): WireEntry[] {
  const envelopeBytes = '{"type":"push","entries":[]}'.length;
  let bytes = envelopeBytes;
  for (const [index, entry] of entries.entries()) {
    bytes += Buffer.byteLength(JSON.stringify(entry)) + 1;
    if (bytes > FRAME_BYTES_MAX) return entries.slice(0, index);
  }
  return entries;
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

function closed(socket: SyncSocket): Promise<void> {
  if (socket.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, STOP_GRACE_MS);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function isIntegrityCode(reason: string | undefined): boolean {
  return (INTEGRITY_CODES as readonly (string | undefined)[]).includes(reason);
}
