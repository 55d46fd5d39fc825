import { CLOSE_CODES, INTEGRITY_CODES, type AckResult, type HubMessage, type SyncError } from '@fedow/protocol';
import type { SyncOfflineReason, SyncStopReason } from './sync-client';

/**
 * What a message or a close from the hub means for the sync client, as pure
 * answers: stop for good (an operator must look), drop the connection and retry,
 * raise an alert, or go on. The client (frames.ts, connection.ts) carries the
 * answer out; the rules are tested here without a socket.
 */

export type Halt = { reason: SyncStopReason; text: string };

/** Messages about this till's chain or cards make sense only after a welcome. */
export function needsWelcome(type: HubMessage['type']): boolean {
  return type === 'ack' || type === 'update' || type === 'card-set';
}

/** A close code that stops the client; null: go offline and retry with backoff. */
export function closeVerdict(code: number, why: string): Halt | null {
  const text = (fallback: string): string => `the hub closed with ${code}: ${why || fallback}`;
  if (code === CLOSE_CODES.fork) return { reason: 'fork', text: text('fork') };
  if (code === CLOSE_CODES.revokedOrFrozen) return { reason: 'frozen', text: text('revoked or frozen') };
  if (code === CLOSE_CODES.authenticationFailed) return { reason: 'unauthorized', text: text('authentication failed') };
  return null;
}

export type ErrorVerdict = { kind: 'gap' } | ({ kind: 'halt' } & Halt) | { kind: 'alert'; text: string };

export function errorVerdict(error: SyncError): ErrorVerdict {
  switch (error.code) {
    case 'gap':
      return { kind: 'gap' };
    case 'fork':
      return { kind: 'halt', reason: 'fork', text: `the hub found a fork: ${error.message}` };
    case 'frozen':
    case 'revoked':
    case 'unauthorized':
      return { kind: 'halt', reason: error.code, text: error.message };
    default:
      // bad_message, too_large, rate_limited: a bug here or a busy hub; the hub
      // decides whether to close, and the backoff takes it from there.
      return { kind: 'alert', text: `${error.code}: ${error.message}` };
  }
}

/**
 * Entries the hub quarantined (bad hash or signature, another till's chain named)
 * never enter the chain: the journal disagrees with itself and must be looked at.
 * Any other rejection (a ledger rule, `duplicate_id`) advanced the chain: sync goes on.
 */
export function ackVerdict(results: readonly AckResult[]): { integrity: Halt | null; rejected: AckResult[] } {
  const broken = results.filter((result) => isIntegrityCode(result.reason));
  if (broken.length > 0) {
    const text = `the hub refused entries of this till as ${broken.map((result) => `${result.seq}: ${result.reason}`).join(', ')}`;
    return { integrity: { reason: 'integrity', text }, rejected: [] };
  }
  return { integrity: null, rejected: results.filter((result) => result.status === 'rejected') };
}

export type ChallengeVerdict = { kind: 'answer' } | { kind: 'drop'; reason: SyncOfflineReason; text: string; alert: boolean };

/** A second challenge is a protocol error; a challenge signed by another hub key is refused and alerted. */
export function challengeVerdict(alreadyChallenged: boolean, hub: string, pairedHub: string): ChallengeVerdict {
  if (alreadyChallenged) return { kind: 'drop', reason: 'protocol', text: 'a second challenge', alert: false };
  if (hub === pairedHub) return { kind: 'answer' };
  const text = `the hub at this address signs as ${hub}, not the hub this till was paired with (${pairedHub})`;
  return { kind: 'drop', reason: 'wrong_hub', text, alert: true };
}

/** Beyond this difference between the hub's clock and ours, an operator should know. */
export const CLOCK_SKEW_MS_MAX = 2 * 60_000;

/** Words for the clock-skew alert, or null when the clocks agree closely enough. */
export function clockSkewText(serverTime: string, at: number): string | null {
  const skew = Date.parse(serverTime) - at;
  if (!(Math.abs(skew) > CLOCK_SKEW_MS_MAX)) return null;
  return `the till's clock is ${Math.round(-skew / 1000)} s off the hub's`;
}

function isIntegrityCode(reason: string | undefined): boolean {
  return (INTEGRITY_CODES as readonly (string | undefined)[]).includes(reason);
}
