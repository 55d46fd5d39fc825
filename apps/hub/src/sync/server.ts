import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { CLOSE_CODES, FRAME_BYTES_MAX } from '@fedow/protocol';
import type { Timer } from '../clock';
import type { HubContext } from '../context';
import type { Ingest } from '../ingest/ingest';
import { CardFeed } from './card-feed';
import { RateLimits } from './rate-limits';
import { SyncSession, type SessionHost, type SessionSocket } from './session';

export const SYNC_PATH = '/sync';
const FEED_POLL_MS = 1_000;

/**
 * The `/sync` endpoint: upgrades HTTP connections on its path to WebSockets
 * (ws closes frames beyond FRAME_BYTES_MAX with 1009), keeps one session per
 * till, and feeds them card changes after every commit.
 */
export class SyncServer implements SessionHost {
  readonly feed: CardFeed;
  readonly limits = new RateLimits();
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: FRAME_BYTES_MAX });
  private readonly sessions = new Map<string, SyncSession>();
  private readonly anonymous = new Set<SyncSession>();
  private poll: Timer | null = null;

  constructor(
    readonly context: HubContext,
    readonly ingest: Ingest,
  ) {
    this.feed = new CardFeed(context);
    context.events.on('cards-changed', () => this.feed.notify());
    context.events.on('directory', ({ place }) => {
      for (const session of this.sessions.values()) session.directoryChanged(place);
    });
    context.events.on('terminal', ({ terminal, change }) => {
      const session = this.sessions.get(terminal);
      if (change === 'revoked') session?.fail('revoked', 'this till was revoked by an operator', CLOSE_CODES.revokedOrFrozen);
      if (change === 'frozen') session?.fail('frozen', 'this till was frozen', CLOSE_CODES.revokedOrFrozen);
    });
    // The till connected again through another hub process: this connection is the stale one.
    // It leaves this process's sessions and presence too (its close event finds it replaced
    // and releases nothing): left there, this hub went on counting and recording the till
    // as its own, and its dashboards showed it connected twice.
    context.events.on('claim', ({ terminal, origin }) => {
      if (origin === context.instance) return;
      const stale = this.sessions.get(terminal);
      if (!stale) return;
      stale.replace();
      this.release(terminal, stale);
    });
  }

  async start(server: Server): Promise<void> {
    await this.feed.start();
    // The CLI, or another hub process on the same PostgreSQL, changes cards
    // without this process's events: look at the change stream every second too.
    this.poll = this.context.timers.every(FEED_POLL_MS, () => this.feed.notify());
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(request, socket, head));
  }

  private upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = (request.url ?? '').split('?')[0];
    if (path !== SYNC_PATH) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(request, socket, head, (ws) => this.accept(ws, request.socket.remoteAddress ?? 'unknown'));
  }

  /** A new till connection, from the HTTP upgrade or from the simulation's network. */
  accept(ws: SessionSocket, address: string): void {
    const session = new SyncSession(ws, this, address);
    this.anonymous.add(session);
    ws.on('close', () => this.anonymous.delete(session));
  }

  claim(terminal: string, session: SyncSession): void {
    this.anonymous.delete(session);
    const previous = this.sessions.get(terminal);
    if (previous && previous !== session) previous.replace();
    this.sessions.set(terminal, session);
    this.context.events.emit('claim', { terminal, origin: this.context.instance });
  }

  release(terminal: string, session: SyncSession): void {
    if (this.sessions.get(terminal) !== session) return;
    this.sessions.delete(terminal);
    this.context.presence.delete(terminal);
    this.context.events.emit('terminal', { terminal, change: 'disconnected' });
  }

  get connected(): number {
    return this.sessions.size;
  }

  async close(): Promise<void> {
    this.poll?.cancel();
    for (const session of [...this.sessions.values(), ...this.anonymous]) session.fail('bad_message', 'the hub is shutting down', CLOSE_CODES.goingAway);
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await this.feed.idle();
  }
}
