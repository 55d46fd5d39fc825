import { iso, type Timer } from '../clock';
import type { HubContext } from '../context';
import { declarePlugin } from '../plugin';
import * as repo from '../storage/repo';
import type { TillPresenceRow } from '../storage/rows';

/** How often a hub writes its live tills down; a connect or disconnect is written at once. */
export const PRESENCE_RECORD_MS = 5_000;
/** A record older than this is a hub that stopped without clearing it (killed, crashed). */
export const PRESENCE_STALE_MS = 3 * PRESENCE_RECORD_MS;

/**
 * Writes the hub's in-memory presence to `till_presence`, so that `fedow terminals
 * --list` (another process) shows live status and lag as the API does. Lag is
 * then at most PRESENCE_RECORD_MS old.
 */
export const presenceRecorderPlugin = declarePlugin({ name: 'presence-recorder', dependencies: ['sync'] }, async (app, context) => {
  const recorder = new PresenceRecorder(context);
  recorder.start();
  app.addHook('preClose', async () => {
    await recorder.stop();
  });
});

/** Recorded presence that is still fresh, by terminal: what a process without the sockets may trust. */
export async function recordedPresence(context: HubContext): Promise<Map<string, TillPresenceRow>> {
  const now = context.clock.now().getTime();
  const rows = await repo.listPresence(context.storage.read);
  return new Map(rows.filter((row) => now - Date.parse(row.recordedAt) <= PRESENCE_STALE_MS).map((row) => [row.terminalId, row]));
}

export type LivePresence = Pick<TillPresenceRow, 'connectedAt' | 'lastMessageAt' | 'lagEntries'>;

/**
 * Which tills are connected to any hub process sharing the database: this process's
 * own sockets first, then what the others recorded. This process's own records are
 * skipped: after a disconnect they may lag behind its memory by one write.
 */
export async function presenceLookup(context: HubContext): Promise<(terminal: string) => LivePresence | undefined> {
  const recorded = await recordedPresence(context);
  return (terminal) => {
    const local = context.presence.get(terminal);
    if (local) return local;
    const row = recorded.get(terminal);
    return row && row.recordedBy !== context.instance ? row : undefined;
  };
}

class PresenceRecorder {
  private timer: Timer | null = null;
  private running: Promise<void> = Promise.resolve();
  private queued = false;
  private readonly onTerminal = () => this.soon();
  /** The tills of the last write, to tell other hubs' dashboards only when the set changed. */
  private written = '';

  constructor(private readonly context: HubContext) {}

  start(): void {
    this.context.events.on('terminal', this.onTerminal);
    this.timer = this.context.timers.every(PRESENCE_RECORD_MS, () => this.soon());
    this.soon();
  }

  async stop(): Promise<void> {
    this.context.events.off('terminal', this.onTerminal);
    this.timer?.cancel();
    await this.running;
    // The sockets are closing: nothing of this hub is live any more.
    await this.write([]);
  }

  /** One write at a time; events during a write coalesce into the next one. */
  private soon(): void {
    if (this.queued) return;
    this.queued = true;
    this.running = this.running.then(() => {
      this.queued = false;
      return this.write(this.snapshot());
    });
  }

  private snapshot(): Omit<TillPresenceRow, 'recordedBy'>[] {
    const recordedAt = iso(this.context.clock.now());
    return this.context.presence.online().map((till) => ({
      terminalId: till.terminal,
      recordedAt,
      connectedAt: till.connectedAt,
      lastMessageAt: till.lastMessageAt,
      lagEntries: till.lagEntries,
    }));
  }

  private async write(rows: Omit<TillPresenceRow, 'recordedBy'>[]): Promise<void> {
    try {
      await this.context.storage.transaction((tx) => repo.recordPresence(tx, this.context.instance, rows));
      const written = rows.map((row) => row.terminalId).sort().join();
      if (written !== this.written) {
        this.written = written;
        this.context.events.emit('presence-recorded');
      }
    } catch (error) {
      this.context.events.emit('internal-error', { where: 'presence recorder', error });
    }
  }
}
