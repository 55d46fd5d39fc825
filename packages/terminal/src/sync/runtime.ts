import WebSocket from 'ws';
import { TypedEmitter } from '@fedow/nfc';
import { SYNC_TILL_MESSAGES_PER_SECOND, type QrSaleResult, type TillMessage } from '@fedow/protocol';
import { initialLink, reportedState, withStatus, type LinkState } from './link-state';
import { MessagePacer } from './message-pacer';
import type { PushWindow } from './push-window';
import { DEFAULT_SYNC_TUNING, systemTimers, type SyncTuning, type Timers } from './timing';
import type { SyncAlertCode, SyncClientOptions, SyncEvents, SyncOfflineReason, SyncSocket, SyncState, SyncStopReason } from './sync-client';

/**
 * What the sync client's parts share: its options, its one mutable record (the
 * link's state, the current connection, the timers it armed) and the few effects
 * every part uses — publish, alert, send, halt, drop. The parts (connection.ts,
 * frames.ts, pushing.ts) are functions of this record, so each fits on a screen
 * and the client (sync-client.ts) only assembles them.
 */

export interface Connection {
  socket: SyncSocket;
  challenged: boolean;
  welcomed: boolean;
  window: PushWindow;
  silenceTimer: unknown;
  heartbeatTimer: unknown;
  /** The highest `appliedThrough` of staged update parts, applied with the snapshot. */
  appliedThrough: number | undefined;
  offlineReason: SyncOfflineReason;
  offlineMessage: string | undefined;
}

export interface PendingQrSale {
  frame: TillMessage;
  resolve: (result: QrSaleResult | null) => void;
}

export interface SyncRuntime {
  readonly options: SyncClientOptions;
  readonly now: () => number;
  readonly random: () => number;
  readonly timers: Timers;
  readonly tuning: SyncTuning;
  readonly events: TypedEmitter<SyncEvents>;
  /** Per client, not per connection: the hub's budget of a till survives its reconnections. */
  readonly pacer: MessagePacer;
  readonly qrSales: Map<string, PendingQrSale>;
  current: Connection | null;
  running: boolean;
  link: LinkState;
  retryTimer: unknown;
  pumpTimer: unknown;
  kickQueued: boolean;
}

export function createRuntime(options: SyncClientOptions): SyncRuntime {
  const now = options.now ?? Date.now;
  const connectivity = options.store.cache.connectivity(false);
  return {
    options,
    now,
    random: options.random ?? Math.random,
    timers: options.timers ?? systemTimers,
    tuning: { ...DEFAULT_SYNC_TUNING, ...options.tuning },
    events: new TypedEmitter<SyncEvents>(),
    pacer: new MessagePacer(SYNC_TILL_MESSAGES_PER_SECOND, now()),
    qrSales: new Map(),
    current: null,
    running: false,
    link: initialLink(connectivity.online ? null : connectivity.since, now()),
    retryTimer: null,
    pumpTimer: null,
    kickQueued: false,
  };
}

export function syncState(runtime: SyncRuntime): SyncState {
  const { journal, cache } = runtime.options.store;
  return reportedState(runtime.link, {
    headSeq: journal.head()?.seq,
    pendingCount: journal.identity() ? journal.pendingCount() : 0,
    lastWelcomeAt: cache.lastWelcomeAt() ?? null,
  });
}

export function publish(runtime: SyncRuntime): void {
  runtime.events.emit('state', syncState(runtime));
}

/** Every change of the link's state is published, in the order it happened. */
export function update(runtime: SyncRuntime, next: LinkState): void {
  runtime.link = next;
  publish(runtime);
}

export function alert(runtime: SyncRuntime, code: SyncAlertCode, text: string): void {
  runtime.events.emit('alert', { code, message: text, at: runtime.now() });
}

export function send(runtime: SyncRuntime, connection: Connection, payload: TillMessage): boolean {
  if (connection.socket.readyState !== WebSocket.OPEN) return false;
  connection.socket.send(JSON.stringify(payload));
  runtime.pacer.spend(runtime.now());
  return true;
}

export function clearConnectionTimers(runtime: SyncRuntime, connection: Connection): void {
  runtime.timers.clearTimeout(connection.silenceTimer);
  runtime.timers.clearTimeout(connection.heartbeatTimer);
  connection.silenceTimer = null;
  connection.heartbeatTimer = null;
}

/** Stops for good (until start()): an operator must look. */
export function halt(runtime: SyncRuntime, why: SyncStopReason, text: string): void {
  if (why !== 'stopped') alert(runtime, why, text);
  runtime.running = false;
  for (const pending of [...runtime.qrSales.values()]) pending.resolve(null);
  runtime.timers.clearTimeout(runtime.retryTimer);
  runtime.retryTimer = null;
  runtime.timers.clearTimeout(runtime.pumpTimer);
  runtime.pumpTimer = null;
  const connection = runtime.current;
  runtime.current = null;
  if (connection) {
    clearConnectionTimers(runtime, connection);
    connection.socket.terminate();
  }
  update(runtime, withStatus(runtime.link, 'stopped', why, text, runtime.now()));
}

/** Drops this connection and lets `close` schedule the next attempt. */
export function dropConnection(connection: Connection, why: SyncOfflineReason, text: string): void {
  connection.offlineReason = why;
  connection.offlineMessage = text;
  connection.socket.terminate();
}

/** The hub's silence beyond `silenceMsMax` drops the connection. */
export function resetSilence(runtime: SyncRuntime, connection: Connection): void {
  runtime.timers.clearTimeout(connection.silenceTimer);
  connection.silenceTimer = runtime.timers.setTimeout(() => {
    if (runtime.current === connection) dropConnection(connection, 'silence', `no message from the hub for ${runtime.tuning.silenceMsMax} ms`);
  }, runtime.tuning.silenceMsMax);
}

export function heartbeat(runtime: SyncRuntime, connection: Connection): void {
  connection.heartbeatTimer = runtime.timers.setTimeout(() => {
    if (runtime.current !== connection) return;
    send(runtime, connection, { type: 'ping', t: runtime.now() });
    heartbeat(runtime, connection);
  }, runtime.tuning.heartbeatMs);
}
