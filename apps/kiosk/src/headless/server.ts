/**
 * The headless till (TiBillet's Raspberry Pi layout): the agent runs in this Node
 * process, which serves the bundled UI over HTTP on 127.0.0.1 and the bridge over
 * a WebSocket on the same port; Chromium in --kiosk mode shows the page.
 *
 * Only loopback, and the WebSocket accepts only pages of its own origin: any web
 * page open in any browser of the machine could otherwise drive the till.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { BRIDGE_CLOSE_CODES } from '@fedow/protocol';
import type { TillAgent } from '@fedow/terminal';
import { createDispatcher } from '../bridge/agent-handlers';
import { WS_PATH, type BridgeEvent, type ServerFrame } from '../bridge/contract';
import type { UiAssets } from '../ui-bundle';

/** The port fedow-kiosk.service points Chromium at. */
export const HEADLESS_PORT_DEFAULT = 4780;
/** A command frame is a few hundred bytes; a sale of 100 lines a few KiB. */
const FRAME_BYTES_MAX = 64 * 1024;
const CLIENTS_MAX = 8;

export interface HeadlessServer {
  readonly port: number;
  readonly url: string;
  /** Stops serving; the agent is the caller's to close. */
  close(): Promise<void>;
}

export interface HeadlessOptions {
  agent: TillAgent;
  ui: UiAssets;
  host?: string;
  /** 0 picks a free port (tests). */
  port?: number;
}

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

export async function startHeadlessServer(options: HeadlessOptions): Promise<HeadlessServer> {
  const host = options.host ?? '127.0.0.1';
  const dispatch = createDispatcher(() => options.agent);
  const server = createServer((request, response) => serveFile(options.ui, request, response));
  const sockets = new WebSocketServer({ noServer: true, maxPayload: FRAME_BYTES_MAX });
  let port = 0;

  server.on('upgrade', (request, socket, head) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path !== WS_PATH || !sameOrigin(request, port) || sockets.clients.size >= CLIENTS_MAX) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(request, socket, head, (client) => attach(client));
  });

  const attach = (client: WebSocket): void => {
    const send = (frame: ServerFrame): void => {
      if (client.readyState === client.OPEN) client.send(JSON.stringify(frame));
    };
    const unsubscribe = options.agent.subscribe((event) => send({ event }));
    // The page learns the bridge is up the same way in both transports.
    send({ event: { type: 'bridge', connected: true } satisfies BridgeEvent });
    client.on('message', (data, binary) => {
      if (binary) return client.close(BRIDGE_CLOSE_CODES.unsupportedData, 'text frames only');
      const frame = parseFrame(data.toString());
      if (!frame) return client.close(BRIDGE_CLOSE_CODES.policyViolation, 'bad frame');
      void dispatch(frame.command, frame.args).then((result) => send({ id: frame.id, ...result }));
    });
    client.on('close', unsubscribe);
    client.on('error', () => client.terminate());
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? HEADLESS_PORT_DEFAULT, host, () => resolve());
  });
  // Safe: a server listening on a host and port has an AddressInfo address.
  port = (server.address() as AddressInfo).port;
  const url = `http://${host}:${port}/`;
  return {
    port,
    url,
    async close() {
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function serveFile(ui: UiAssets, request: IncomingMessage, response: ServerResponse): void {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, SECURITY_HEADERS).end();
    return;
  }
  const path = new URL(request.url ?? '/', 'http://localhost').pathname;
  const file = ui.get(path === '/' ? 'index.html' : path.slice(1));
  if (!file) {
    response.writeHead(404, { ...SECURITY_HEADERS, 'content-type': 'text/plain' }).end('not found');
    return;
  }
  response.writeHead(200, { ...SECURITY_HEADERS, 'content-type': file.contentType, 'content-length': file.body.length });
  response.end(request.method === 'HEAD' ? undefined : file.body);
}

/** The page's Origin must be this server (127.0.0.1 or localhost, this port). */
function sameOrigin(request: IncomingMessage, port: number): boolean {
  const origin = request.headers.origin;
  if (!origin) return false;
  return origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}` || origin === `http://[::1]:${port}`;
}

function parseFrame(text: string): { id: number; command: unknown; args: unknown } | null {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null) return null;
    // Safe: an object's fields, each checked below before use.
    const { id, command, args } = value as Record<string, unknown>;
    if (typeof id !== 'number' || !Number.isSafeInteger(id)) return null;
    return { id, command, args };
  } catch {
    return null;
  }
}
