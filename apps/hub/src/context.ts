import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { uuidV7 } from '@fedow/ledger';
import type { HubKey } from './identity/key-file';
import type { StripeProvider } from './money/providers/stripe';
import type { Storage } from './storage/types';

/** The clock of the hub: one seam, so tests and the ledger never read time themselves. */
export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

/** RFC 3339 with milliseconds, as LEDGER.md writes every time. */
export function iso(date: Date): string {
  return date.toISOString();
}

// Ids are drawn by the hundred per push: one call to the random source per
// 1,000 ids instead of one per id (it showed in the ingest profile).
const RANDOM_POOL_BYTES = 10 * 1_000;
let randomPool = randomBytes(RANDOM_POOL_BYTES);
let randomOffset = 0;

export function newUuid(clock: Clock = systemClock): string {
  if (randomOffset + 10 > RANDOM_POOL_BYTES) {
    randomPool = randomBytes(RANDOM_POOL_BYTES);
    randomOffset = 0;
  }
  const random = randomPool.subarray(randomOffset, randomOffset + 10);
  randomOffset += 10;
  return uuidV7(clock.now().getTime(), random);
}

/** What happened in the hub, for the sync endpoint, the dashboard and metrics. */
export interface HubEvents {
  /** Cards whose state changed, committed, with the card-change cursor after them. */
  'cards-changed': [{ cardIds: string[]; cursor: number }];
  /** A push was committed (or refused). */
  ingested: [{ terminal: string; applied: number; rejected: number; duplicates: number; quarantined: number; lastSeq: number; latencyMs: number }];
  /** A till's status or connection changed. */
  terminal: [{ terminal: string; change: 'connected' | 'disconnected' | 'frozen' | 'revoked' | 'unfrozen' | 'paired' }];
  /** A block was sealed. */
  sealed: [{ height: number; transfers: number }];
  /** The catalogue or the directory changed: tills may need a new policy or catalogue. */
  directory: [{ place: string | null }];
  /** A till connected to this process (`origin`): a connection it still has on another hub process is closed. */
  claim: [{ terminal: string; origin: string }];
  /** This process wrote down a changed set of connected tills (sync/presence-recorder.ts). */
  'presence-recorded': [];
  /** Another hub process changed what these dashboard topics show (signals/relay.ts). */
  live: [{ topics: string[] }];
  /** Background work failed (a feed round, a till's message): logged by the app, never thrown at a till. */
  'internal-error': [{ where: string; error: unknown }];
}

export class HubEmitter extends EventEmitter<HubEvents> {}

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

export interface HubContext {
  presence: Presence;
  storage: Storage;
  key: HubKey;
  genesis: string;
  clock: Clock;
  newId: () => string;
  events: HubEmitter;
  /** This process's id among the processes sharing the database (signals/relay.ts). */
  instance: string;
  /** Stripe when configured (STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET); null otherwise. */
  stripe: StripeProvider | null;
}
