import type { SyncOfflineReason, SyncState, SyncStatus, SyncStopReason } from './sync-client';

/**
 * The sync client's state as one value, and its transitions as pure functions:
 * what the link is doing, why, how many attempts since the last welcome, and
 * when the till was last in contact with its hub. The client (sync-client.ts)
 * holds the socket and the timers and replaces this value; everything it
 * reports (`SyncState`) is derived from it here, so the rules — when the offline
 * period starts, when contact is written to disk — are tested without a socket.
 */

export interface LinkState {
  status: SyncStatus;
  reason: SyncStopReason | SyncOfflineReason | undefined;
  message: string | undefined;
  /** Reconnection attempts since the last welcome (the backoff's exponent). */
  attempt: number;
  /** While waiting to reconnect: the delay that was drawn. */
  retryInMs: number | undefined;
  /** The hub's last known `lastSeq` of this till (welcome or ack). */
  hubLastSeq: number | undefined;
  /** Last message from the hub while welcomed, till clock ms. */
  lastContactAt: number | null;
  /** When contact was last written to disk. */
  contactWrittenAt: number;
  /** When the till stopped being in sync (kept while online, reported only offline). */
  offlineSince: number | null;
}

/** Contact is written to disk at most this often (every frame would be a commit). */
export const CONTACT_WRITE_MS_MIN = 1_000;

/** A client just created: stopped, offline since the last contact stored (or now). */
export function initialLink(lastContactAt: number | null, now: number): LinkState {
  return {
    status: 'stopped',
    reason: 'stopped',
    message: undefined,
    attempt: 0,
    retryInMs: undefined,
    hubLastSeq: undefined,
    lastContactAt,
    contactWrittenAt: 0,
    offlineSince: lastContactAt ?? now,
  };
}

/** Leaving `online` starts an offline period, counted from the last contact. */
export function withStatus(link: LinkState, status: SyncStatus, reason: LinkState['reason'], message: string | undefined, now: number): LinkState {
  const offlineSince = link.status === 'online' && status !== 'online' ? (link.lastContactAt ?? now) : link.offlineSince;
  return { ...link, status, reason, message, offlineSince };
}

/** `start()`: a fresh series of attempts, no reason carried over. */
export function restarted(link: LinkState): LinkState {
  return { ...link, attempt: 0, reason: undefined, message: undefined };
}

/** An attempt begins: the reason of the last failure stays on screen, a stop's does not. */
export function connecting(link: LinkState, now: number): LinkState {
  const reason = link.reason === 'stopped' ? undefined : link.reason;
  return withStatus({ ...link, retryInMs: undefined }, 'connecting', reason, link.message, now);
}

/** The next attempt waits `delay` ms; the one after draws from a doubled base. */
export function retryScheduled(link: LinkState, delay: number): LinkState {
  return { ...link, attempt: link.attempt + 1, retryInMs: delay };
}

/** A hub message while welcomed; `write` says whether to store it on disk now. */
export function contacted(link: LinkState, at: number): { link: LinkState; write: boolean } {
  const write = at - link.contactWrittenAt >= CONTACT_WRITE_MS_MIN;
  return { link: { ...link, lastContactAt: at, contactWrittenAt: write ? at : link.contactWrittenAt }, write };
}

/** A welcome: contact (written with the welcome), the hub's view of the chain, a new backoff series, online. */
export function welcomed(link: LinkState, at: number, hubLastSeq: number): LinkState {
  return withStatus({ ...link, lastContactAt: at, contactWrittenAt: at, hubLastSeq, attempt: 0 }, 'online', undefined, undefined, at);
}

/** An ack moves the hub's known head forward, never back. */
export function acked(link: LinkState, lastSeq: number): LinkState {
  return { ...link, hubLastSeq: Math.max(link.hubLastSeq ?? 0, lastSeq) };
}

/** What the client reports, from its state and the journal's counts. */
export function reportedState(
  link: LinkState,
  journal: { headSeq: number | undefined; pendingCount: number; lastWelcomeAt: number | null },
): SyncState {
  const { status, reason, message, hubLastSeq, retryInMs } = link;
  const lagEntries = journal.headSeq !== undefined && hubLastSeq !== undefined ? Math.max(0, journal.headSeq - hubLastSeq) : journal.pendingCount;
  return {
    status,
    ...(reason === undefined ? {} : { reason }),
    ...(message === undefined ? {} : { message }),
    pendingCount: journal.pendingCount,
    lagEntries,
    lastSyncAt: link.lastContactAt,
    lastWelcomeAt: journal.lastWelcomeAt,
    offlineSince: status === 'online' ? null : link.offlineSince,
    ...(status === 'offline' && retryInMs !== undefined ? { retryInMs } : {}),
  };
}
