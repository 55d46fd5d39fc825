import type { ServerResponse } from 'node:http';
import type { HubContext } from '../context';
import type { TillMemory } from './tills';
import type { StreamEvents, Topic } from './views';

const TOPICS: ReadonlySet<string> = new Set<Topic>(['tills', 'alerts', 'money', 'chain', 'cards', 'directory']);
const isTopic = (topic: string): topic is Topic => TOPICS.has(topic);

/** Open dashboards per hub: a handful of operators; beyond this, new streams are refused. */
export const STREAMS_MAX = 100;
/** Hub events are coalesced this long, so a burst of pushes makes one re-fetch. */
const COALESCE_MS = 150;
const TICK_MS = 1_000;

/**
 * Server-sent events for the open dashboards: what changed (the page re-fetches what
 * it shows), a tick every second for the "time since" columns, and verify progress.
 */
export class DashboardStream {
  private readonly clients = new Set<ServerResponse>();
  private pending = new Set<Topic>();
  private flushTimer: NodeJS.Timeout | null = null;
  private readonly tick: NodeJS.Timeout;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly context: HubContext,
    memory: TillMemory,
  ) {
    const { events } = context;
    const onIngested = () => this.changed(['tills', 'alerts', 'money', 'cards']);
    const onTerminal = ({ terminal, change }: { terminal: string; change: string }) => {
      if (change === 'connected') memory.connected(terminal);
      if (change === 'disconnected') memory.disconnected(terminal, context.clock.now().toISOString());
      this.changed(['tills', 'alerts']);
    };
    const onSealed = () => this.changed(['chain']);
    const onCards = () => this.changed(['cards', 'alerts', 'money']);
    const onDirectory = () => this.changed(['directory']);
    // What another hub process ingested, sealed or saw connect (signals/relay.ts).
    const onLive = ({ topics }: { topics: string[] }) => this.changed(topics.filter(isTopic));
    events.on('ingested', onIngested);
    events.on('terminal', onTerminal);
    events.on('sealed', onSealed);
    events.on('cards-changed', onCards);
    events.on('directory', onDirectory);
    events.on('live', onLive);
    this.unsubscribe = () => {
      events.off('ingested', onIngested);
      events.off('terminal', onTerminal);
      events.off('sealed', onSealed);
      events.off('cards-changed', onCards);
      events.off('directory', onDirectory);
      events.off('live', onLive);
    };
    this.tick = setInterval(() => {
      memory.observe(context.presence.online());
      this.send('tick', { now: context.clock.now().toISOString() });
    }, TICK_MS);
    this.tick.unref();
  }

  /** Takes over a response as an event stream; false when too many are open. */
  attach(response: ServerResponse): boolean {
    if (this.clients.size >= STREAMS_MAX) return false;
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      // A reverse proxy must not buffer the stream.
      'x-accel-buffering': 'no',
    });
    response.write(`retry: 1000\n\n`);
    this.clients.add(response);
    response.on('close', () => this.clients.delete(response));
    this.write(response, 'tick', { now: this.context.clock.now().toISOString() });
    return true;
  }

  changed(topics: readonly Topic[]): void {
    for (const topic of topics) this.pending.add(topic);
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = null;
      const topics = [...this.pending];
      this.pending = new Set();
      this.send('changed', { topics });
    }, COALESCE_MS);
  }

  send<K extends keyof StreamEvents>(event: K, data: StreamEvents[K]): void {
    for (const client of this.clients) this.write(client, event, data);
  }

  get size(): number {
    return this.clients.size;
  }

  /** Ends every stream (the HTTP server waits for open responses before it closes). */
  close(): void {
    this.unsubscribe();
    clearInterval(this.tick);
    if (this.flushTimer) clearTimeout(this.flushTimer);
    for (const client of this.clients) client.end();
    this.clients.clear();
  }

  private write<K extends keyof StreamEvents>(client: ServerResponse, event: K, data: StreamEvents[K]): void {
    client.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }
}
