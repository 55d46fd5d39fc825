import WebSocket, { type RawData } from 'ws';
import { FRAME_BYTES_MAX } from '@fedow/protocol';
import { syncUrl } from '../pairing/pairing';
import { connecting, retryScheduled, withStatus } from './link-state';
import { closeVerdict } from './frame-rules';
import { onFrame } from './frames';
import { windowAfterWelcome } from './push-window';
import { backoffDelay } from './timing';
import { clearConnectionTimers, dropConnection, halt, resetSilence, update, type Connection, type SyncRuntime } from './runtime';
import type { OpenSocket, SyncSocket } from './sync-client';

/**
 * The sync client's connection's life: open a socket to the paired hub, route
 * its events, and after a close either stop (frame-rules.ts says when) or
 * schedule the next attempt with backoff.
 */

const STOP_GRACE_MS = 1_000;

const openWebSocket: OpenSocket = (url, options) => new WebSocket(url, options);

export function connect(runtime: SyncRuntime): void {
  if (!runtime.running) return;
  const { options } = runtime;
  const { journal } = options.store;
  const identity = journal.identity();
  if (!identity) return halt(runtime, 'not_paired', 'the till is not paired');
  if (!journal.integrity.ok) return halt(runtime, 'journal_corrupt', `journal damaged at seq ${journal.integrity.seq}: ${journal.integrity.message}`);
  update(runtime, connecting(runtime.link, runtime.now()));
  const socket = (options.openSocket ?? openWebSocket)(options.url ?? syncUrl(identity.hubUrl), {
    handshakeTimeout: runtime.tuning.silenceMsMax,
    maxPayload: FRAME_BYTES_MAX,
  });
  const connection = newConnection(socket);
  runtime.current = connection;
  listen(runtime, connection);
}

function newConnection(socket: SyncSocket): Connection {
  return {
    socket,
    challenged: false,
    welcomed: false,
    window: windowAfterWelcome(-1),
    silenceTimer: null,
    heartbeatTimer: null,
    appliedThrough: undefined,
    offlineReason: 'connect_failed',
    offlineMessage: undefined,
  };
}

function listen(runtime: SyncRuntime, connection: Connection): void {
  const { socket } = connection;
  socket.on('open', () => {
    if (runtime.current !== connection) return;
    connection.offlineReason = 'closed';
    resetSilence(runtime, connection);
  });
  socket.on('message', (data, isBinary) => {
    if (runtime.current !== connection) return;
    resetSilence(runtime, connection);
    if (isBinary) return dropConnection(connection, 'protocol', 'the hub sent a binary frame');
    onFrame(runtime, connection, rawText(data));
  });
  socket.on('error', (error) => {
    connection.offlineMessage ??= error.message;
  });
  socket.on('close', (code, why) => onClose(runtime, connection, code, why.toString()));
}

function onClose(runtime: SyncRuntime, connection: Connection, code: number, why: string): void {
  clearConnectionTimers(runtime, connection);
  if (runtime.current !== connection) return;
  runtime.current = null;
  if (!runtime.running) return;
  const stop = closeVerdict(code, why);
  if (stop) return halt(runtime, stop.reason, stop.text);
  scheduleReconnect(runtime);
  const text = connection.offlineMessage ?? `closed with ${code}${why ? `: ${why}` : ''}`;
  update(runtime, withStatus(runtime.link, 'offline', connection.offlineReason, text, runtime.now()));
}

function scheduleReconnect(runtime: SyncRuntime): void {
  const delay = backoffDelay(runtime.link.attempt, runtime.random(), runtime.tuning);
  runtime.link = retryScheduled(runtime.link, delay);
  runtime.retryTimer = runtime.timers.setTimeout(() => {
    runtime.retryTimer = null;
    connect(runtime);
  }, delay);
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

/** Resolves once the socket closed, or after a grace period. */
export function closed(socket: SyncSocket): Promise<void> {
  if (socket.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, STOP_GRACE_MS);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
