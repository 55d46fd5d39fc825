import type { HubContext } from '../context';
import * as repo from '../storage/repo';
import { presenceLookup, type LivePresence } from '../sync/presence-recorder';
import type { TillRow, TillState } from './views';

/**
 * What this hub process saw of tills that left: `offlineSince` is when their socket
 * closed, `lastMessageAt` their last message (presence forgets both on disconnect).
 * A hub that restarted knows neither: the till's last committed push stands in.
 */
export class TillMemory {
  private static readonly TILLS_MAX = 10_000;
  private readonly offlineSince = new Map<string, string>();
  private readonly lastMessage = new Map<string, string>();

  connected(terminal: string): void {
    this.offlineSince.delete(terminal);
  }

  disconnected(terminal: string, at: string): void {
    this.bounded(this.offlineSince).set(terminal, at);
  }

  /** Called on every tick with the connected tills. */
  observe(online: readonly { terminal: string; lastMessageAt: string }[]): void {
    for (const till of online) this.bounded(this.lastMessage).set(till.terminal, till.lastMessageAt);
  }

  since(terminal: string): string | undefined {
    return this.offlineSince.get(terminal);
  }

  lastMessageAt(terminal: string): string | undefined {
    return this.lastMessage.get(terminal);
  }

  private bounded(map: Map<string, string>): Map<string, string> {
    if (map.size >= TillMemory.TILLS_MAX) {
      const oldest = map.keys().next().value;
      if (oldest !== undefined) map.delete(oldest);
    }
    return map;
  }
}

/**
 * One row per till, the ones that need a look first (frozen, offline), then by place
 * and name. Tills connected to another hub process sharing the database are online
 * too: every hub's dashboard shows the same.
 */
export async function tillRows(context: HubContext, memory: TillMemory): Promise<TillRow[]> {
  const tx = context.storage.read;
  const places = new Map((await repo.listPlaces(tx)).map((place) => [place.id, place.name]));
  const presenceOf = await presenceLookup(context);
  const rows = (await repo.listTerminals(tx)).map((terminal) => tillRow(memory, terminal, presenceOf(terminal.id), places.get(terminal.placeId) ?? '?'));
  const rank: Record<TillState, number> = { frozen: 0, offline: 1, online: 2, revoked: 3 };
  return rows.sort((a, b) => rank[a.state] - rank[b.state] || a.placeName.localeCompare(b.placeName) || a.name.localeCompare(b.name));
}

function tillRow(memory: TillMemory, terminal: repo.Terminal, presence: LivePresence | undefined, placeName: string): TillRow {
  const state: TillState = terminal.status === 'revoked' ? 'revoked' : terminal.status === 'frozen' ? 'frozen' : presence ? 'online' : 'offline';
  const lastSeenAt = presence?.lastMessageAt ?? latest(memory.lastMessageAt(terminal.id), terminal.lastSeenAt);
  return {
    id: terminal.id,
    name: terminal.name,
    place: terminal.placeId,
    placeName,
    state,
    since: presence ? presence.connectedAt : (memory.since(terminal.id) ?? lastSeenAt),
    waiting: presence ? presence.lagEntries : null,
    lastSeenAt,
    lastSyncAt: terminal.lastSeenAt,
    lastSeq: terminal.lastSeq,
    rejected: terminal.rejectedCount,
  };
}

/** The later of two RFC 3339 times (they sort as text). */
function latest(a: string | undefined | null, b: string | null): string | null {
  if (a == null) return b;
  if (b === null) return a;
  return a > b ? a : b;
}
