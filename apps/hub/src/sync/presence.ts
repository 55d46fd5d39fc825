/**
 * Which tills are connected to this hub process right now: written by the sync
 * endpoint (sync/session.ts), read by the dashboard, /metrics and the presence
 * recorder. In memory only: another process's tills are in `till_presence`.
 */

/** A till connected to /sync, as the dashboard and /metrics see it. */
export interface TillPresence {
  terminal: string;
  place: string;
  connectedAt: string;
  lastMessageAt: string;
  /** Entries the till holds that the hub has not acknowledged, from its pushes. */
  lagEntries: number;
}

/** Which tills are connected right now: kept by the sync endpoint, read by others. */
export class Presence {
  private readonly tills = new Map<string, TillPresence>();

  set(presence: TillPresence): void {
    this.tills.set(presence.terminal, presence);
  }

  update(terminal: string, change: Partial<TillPresence>): void {
    const current = this.tills.get(terminal);
    if (current) this.tills.set(terminal, { ...current, ...change });
  }

  delete(terminal: string): void {
    this.tills.delete(terminal);
  }

  get(terminal: string): TillPresence | undefined {
    return this.tills.get(terminal);
  }

  online(): TillPresence[] {
    return [...this.tills.values()];
  }
}
