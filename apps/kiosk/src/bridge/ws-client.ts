/**
 * The headless transport, browser side: one WebSocket to the agent service on
 * the page's own origin. It reconnects by itself (the service restarts under
 * systemd) and tells the UI with a `bridge` event each way; a command sent while
 * the socket is down fails at once rather than waiting: a till never hangs.
 */
import { createBridgeClient } from './client';
import { WS_PATH, type BridgeListener, type ClientFrame, type ServerFrame, type TillBridge } from './contract';

const RECONNECT_MS_MIN = 100;
const RECONNECT_MS_MAX = 2_000;
const CALLS_IN_FLIGHT_MAX = 64;

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

export function connectWebSocketBridge(url: string = defaultUrl()): TillBridge {
  const listeners = new Set<BridgeListener>();
  const pending = new Map<number, Pending>();
  let socket: WebSocket | null = null;
  let open = false;
  let nextId = 1;
  let delay = RECONNECT_MS_MIN;

  const emit: BridgeListener = (event) => {
    for (const listener of listeners) listener(event);
  };

  const connect = (): void => {
    const current = new WebSocket(url);
    socket = current;
    current.onopen = () => {
      open = true;
      delay = RECONNECT_MS_MIN;
      emit({ type: 'bridge', connected: true });
    };
    current.onmessage = (message) => {
      if (typeof message.data !== 'string') return;
      // Safe: the server sends only ServerFrame JSON (headless/server.ts).
      const frame = JSON.parse(message.data) as ServerFrame;
      if ('event' in frame) return emit(frame.event);
      const call = pending.get(frame.id);
      if (!call) return;
      pending.delete(frame.id);
      if (frame.ok) call.resolve(frame.result);
      else call.reject(new Error(frame.error));
    };
    current.onclose = () => {
      const wasOpen = open;
      open = false;
      for (const call of pending.values()) call.reject(new Error('the till service is restarting'));
      pending.clear();
      if (wasOpen) emit({ type: 'bridge', connected: false });
      setTimeout(connect, delay);
      delay = Math.min(RECONNECT_MS_MAX, delay * 2);
    };
  };
  connect();

  return createBridgeClient({
    call(command, args) {
      if (!open || !socket) return Promise.reject(new Error('the till service is not reachable'));
      if (pending.size >= CALLS_IN_FLIGHT_MAX) return Promise.reject(new Error('too many commands in flight'));
      const id = nextId++;
      const frame: ClientFrame = { id, command, args };
      socket.send(JSON.stringify(frame));
      return new Promise((resolve, reject) => pending.set(id, { resolve, reject }));
    },
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  });
}

function defaultUrl(): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}${WS_PATH}`;
}
