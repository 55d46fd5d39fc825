/**
 * What happened in the hub, as typed events: the rooms that write (ingest,
 * sealer, directory, sync) tell the ones that show or relay (dashboard, metrics,
 * signals, the sync feed) without importing them.
 */
import { EventEmitter } from 'node:events';

/** What happened in the hub, for the sync endpoint, the dashboard and metrics. */
export interface HubEvents {
  /** Cards whose state changed, committed, with the card-change cursor after them. */
  'cards-changed': [{ cardIds: string[]; cursor: number }];
  /** Tills have pushes at this process's ingest (`busy`), or the last one was answered: the webhook deliverer takes the gaps. */
  'ingest-load': [{ busy: boolean }];
  /** A unit of the webhook deliverer's database work ran on the main thread, started while tills were pushing or not. */
  'webhook-work': [{ ms: number; whileIngesting: boolean }];
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
