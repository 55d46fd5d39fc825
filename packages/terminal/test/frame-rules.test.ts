import { describe, expect, it } from 'vitest';
import { CLOSE_CODES } from '@fedow/protocol';
import { CLOCK_SKEW_MS_MAX, ackVerdict, challengeVerdict, clockSkewText, closeVerdict, errorVerdict, needsWelcome } from '../src/sync/frame-rules';
import { T0, uuid } from './helpers';

describe('what the hub’s frames mean for the sync client', () => {
  it('accepts acks, updates and card sets only after a welcome', () => {
    expect(['ack', 'update', 'card-set'].every((type) => needsWelcome(type as 'ack'))).toBe(true);
    expect(['challenge', 'welcome', 'error', 'ping', 'pong', 'qr-sale-result'].some((type) => needsWelcome(type as 'ping'))).toBe(false);
  });

  it('stops on the fork, frozen and authentication close codes, and retries on any other', () => {
    expect(closeVerdict(CLOSE_CODES.fork, '')).toEqual({ reason: 'fork', text: `the hub closed with ${CLOSE_CODES.fork}: fork` });
    expect(closeVerdict(CLOSE_CODES.revokedOrFrozen, 'frozen by admin')).toEqual({
      reason: 'frozen',
      text: `the hub closed with ${CLOSE_CODES.revokedOrFrozen}: frozen by admin`,
    });
    expect(closeVerdict(CLOSE_CODES.authenticationFailed, '')?.reason).toBe('unauthorized');
    expect(closeVerdict(CLOSE_CODES.goingAway, 'restart')).toBeNull();
    expect(closeVerdict(1006, '')).toBeNull();
  });

  it('halts on fork, frozen, revoked and unauthorized errors, resends on a gap, alerts on the rest', () => {
    expect(errorVerdict({ type: 'error', code: 'fork', message: 'seq 4' })).toEqual({ kind: 'halt', reason: 'fork', text: 'the hub found a fork: seq 4' });
    expect(errorVerdict({ type: 'error', code: 'revoked', message: 'gone' })).toEqual({ kind: 'halt', reason: 'revoked', text: 'gone' });
    expect(errorVerdict({ type: 'error', code: 'gap', message: 'gap', expected: 3 })).toEqual({ kind: 'gap' });
    expect(errorVerdict({ type: 'error', code: 'rate_limited', message: 'slow down' })).toEqual({ kind: 'alert', text: 'rate_limited: slow down' });
  });

  it('halts on an integrity rejection and reports the ledger rule’s rejections otherwise', () => {
    const applied = { seq: 1, id: uuid(1), status: 'applied' as const };
    const rejected = { seq: 2, id: uuid(2), status: 'rejected' as const, reason: 'insufficient_funds' as const };
    expect(ackVerdict([applied, rejected])).toEqual({ integrity: null, rejected: [rejected] });
    const broken = { seq: 3, id: uuid(3), status: 'rejected' as const, reason: 'bad_signature' as const };
    expect(ackVerdict([applied, broken, rejected])).toEqual({
      integrity: { reason: 'integrity', text: 'the hub refused entries of this till as 3: bad_signature' },
      rejected: [],
    });
  });

  it('answers the paired hub’s first challenge only, and alerts on another hub key', () => {
    expect(challengeVerdict(false, 'HUB', 'HUB')).toEqual({ kind: 'answer' });
    expect(challengeVerdict(true, 'HUB', 'HUB')).toEqual({ kind: 'drop', reason: 'protocol', text: 'a second challenge', alert: false });
    expect(challengeVerdict(false, 'OTHER', 'HUB')).toMatchObject({ kind: 'drop', reason: 'wrong_hub', alert: true });
  });

  it('alerts on a clock more than CLOCK_SKEW_MS_MAX off the hub’s, in seconds of the till’s offset', () => {
    expect(clockSkewText(new Date(T0 + CLOCK_SKEW_MS_MAX).toISOString(), T0)).toBeNull();
    expect(clockSkewText(new Date(T0 - 3 * 60_000).toISOString(), T0)).toBe("the till's clock is 180 s off the hub's");
    expect(clockSkewText('not a date', T0)).toBeNull();
  });
});
