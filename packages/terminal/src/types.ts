import type { EntryKind, EntryMeta } from '@fedow/protocol';

/**
 * The till's shared words, at the bottom of the package: the pure authoriser and
 * the store both speak them, and neither may import the other to get them (the
 * decision must not depend on storage, the store must not depend on the rules).
 * Types only: nothing here runs.
 */

/** What the authoriser decides; the journal adds v, id, terminal, seq, prev and at. */
export interface EntryDraft {
  kind: EntryKind;
  asset: string | null;
  amount: number;
  card: string;
  primary: string;
  auth: 'online' | 'offline';
  meta?: EntryMeta;
}

export interface OfflineCounters {
  /** Offline debits of this card at this till since its last fresh balance, minor units of any asset. */
  cardOfflineSpend: number;
  /** Offline debits of this till the hub has not acknowledged yet. */
  offlineExposure: number;
}

/** Whether the till is in sync with its hub; offline, since when it last was (null: never welcomed). */
export type Connectivity = { online: true } | { online: false; since: number | null };
