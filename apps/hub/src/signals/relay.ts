import type pg from 'pg';
import { iso } from '../clock';
import type { HubContext } from '../context';
import type { HubEvents } from '../events';
import * as repo from '../storage/repo';

/**
 * Changes made by another process reach this hub's tills at once (issue 15,
 * part 3). A change is an event on `context.events` (cards changed, a place's
 * directory or catalogue, a till frozen, revoked, unfrozen or paired, a till's
 * connection claimed); every process publishes those it emits, and every hub
 * process re-emits those of the others to its own sessions:
 * - on PostgreSQL, with NOTIFY on one channel (each hub LISTENs on a connection of
 *   its own): no table, no extra fsync, every hub hears every other at once;
 * - on SQLite, one hub owns the file and only the CLI changes it besides: the CLI
 *   writes a row to `signals`, the hub reads new rows every POLL_MS.
 * A signal is sent after its change committed: a crash in between loses the
 * signal, not the change (tills still get card changes from the feed's poll, and
 * the rest at their next connection).
 */

const CHANNEL = 'fedow_signals';
const POLL_MS = 100;
const PRUNE_AFTER_MS = 60 * 60_000;
const RELAYED_TERMINAL_CHANGES = new Set(['frozen', 'revoked', 'unfrozen', 'paired']);

/** What another process changed is shown by every hub's dashboard within this much more. */
const LIVE_COALESCE_MS = 50;

type Relayed = 'cards-changed' | 'terminal' | 'directory' | 'claim' | 'live';
interface Signal {
  origin: string;
  kind: Relayed;
  payload: HubEvents[Relayed][0];
}

export class SignalRelay {
  private readonly pending = new Set<Promise<void>>();
  private listening = false;
  private relaying = false;
  private cursor = 0;
  private timer: NodeJS.Timeout | null = null;
  private listener: pg.PoolClient | null = null;
  private polls = 0;
  private liveTopics = new Set<string>();
  private liveTimer: NodeJS.Timeout | null = null;

  constructor(private readonly context: HubContext) {
    const { events } = context;
    // A cursor is this process's view of the change stream: other hubs read the stream from their own.
    events.on('cards-changed', ({ cursor }) => this.publish('cards-changed', { cardIds: [], cursor }));
    events.on('terminal', (change) => RELAYED_TERMINAL_CHANGES.has(change.change) && this.publish('terminal', change));
    events.on('directory', (change) => this.publish('directory', change));
    events.on('claim', (claim) => this.publish('claim', claim));
    // The dashboards of the other hubs show this process's tills, pushes and blocks too.
    events.on('ingested', () => this.live(['tills', 'alerts', 'money', 'cards']));
    events.on('sealed', () => this.live(['chain']));
    events.on('presence-recorded', () => this.live(['tills', 'alerts']));
  }

  /** Hundreds of pushes a second make one signal per LIVE_COALESCE_MS, not one each. */
  private live(topics: readonly string[]): void {
    if (this.relaying) return;
    for (const topic of topics) this.liveTopics.add(topic);
    this.liveTimer ??= setTimeout(() => {
      this.liveTimer = null;
      const pending = [...this.liveTopics];
      this.liveTopics = new Set();
      this.publish('live', { topics: pending });
    }, LIVE_COALESCE_MS);
  }

  private publish(kind: Relayed, payload: Signal['payload']): void {
    const { storage } = this.context;
    // What this process re-emits for another is not sent back; and a SQLite hub has no other hub to tell.
    if (this.relaying || (storage.dialect === 'sqlite' && this.listening)) return;
    const signal: Signal = { origin: this.context.instance, kind, payload };
    const work = (
      storage.dialect === 'postgres'
        ? repo.notify(storage.read, CHANNEL, JSON.stringify(signal))
        : storage.transaction((tx) => repo.insertSignal(tx, { origin: signal.origin, kind, payload: JSON.stringify(payload), at: iso(this.context.clock.now()) }))
    ).catch((error: unknown) => void this.context.events.emit('internal-error', { where: 'signal relay (publish)', error }));
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
  }

  /** The hub process: hears the others from now on. */
  async listen(): Promise<void> {
    this.listening = true;
    const { storage } = this.context;
    if (storage.dialect === 'sqlite') {
      this.cursor = await repo.latestSignalId(storage.read);
      this.timer = setInterval(() => void this.poll(), POLL_MS);
      this.timer.unref();
      return;
    }
    this.listener = await storage.pool.connect();
    this.listener.on('notification', (message) => {
      if (message.channel === CHANNEL && message.payload) this.deliver(JSON.parse(message.payload) as Signal);
    });
    await this.listener.query(`LISTEN ${CHANNEL}`);
  }

  private async poll(): Promise<void> {
    try {
      const read = this.context.storage.read;
      for (const row of await repo.listSignalsAfter(read, this.cursor, 500)) {
        this.cursor = row.id;
        this.deliver({ origin: row.origin, kind: row.kind as Relayed, payload: JSON.parse(row.payload) as Signal['payload'] });
      }
      if (++this.polls % 600 === 0) {
        const before = new Date(this.context.clock.now().getTime() - PRUNE_AFTER_MS).toISOString();
        await this.context.storage.transaction((tx) => repo.pruneSignals(tx, before));
      }
    } catch (error) {
      this.context.events.emit('internal-error', { where: 'signal relay (poll)', error });
    }
  }

  private deliver(signal: Signal): void {
    if (signal.origin === this.context.instance) return;
    this.relaying = true;
    try {
      (this.context.events.emit as (kind: Relayed, payload: Signal['payload']) => boolean)(signal.kind, signal.payload);
    } finally {
      this.relaying = false;
    }
  }

  /** Waits for the signals sent so far: a CLI command's change is announced before it exits. */
  async flush(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.liveTimer) clearTimeout(this.liveTimer);
    await this.flush();
    if (this.listener) {
      await this.listener.query(`UNLISTEN ${CHANNEL}`).catch(() => undefined);
      this.listener.release();
      this.listener = null;
    }
  }
}
