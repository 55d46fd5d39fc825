import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY, nextAttempt, type RetryPolicy } from '../src/notify/backoff';
import { newWebhookSecret, signedHeaders, signMessage, verifySignature } from '../src/notify/signature';

describe('Standard Webhooks signatures', () => {
  it('match the specification’s example', () => {
    // standard-webhooks/spec, "Verifying webhook authenticity" example.
    expect(signMessage('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}')).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('are accepted by the reference library for fresh secrets, and refused once the body or id changes', () => {
    for (let round = 0; round < 20; round++) {
      const secret = newWebhookSecret();
      expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
      const body = JSON.stringify({ type: 'transfer.applied', data: { amount: round, note: 'café ☕' } });
      const headers = signedHeaders(secret, `msg_${round}`, Math.floor(Date.now() / 1000), body);
      expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
      expect(verifySignature(secret, headers, body)).toBe(true);
      expect(verifySignature(secret, headers, body.replace('café', 'cafe'))).toBe(false);
      expect(verifySignature(secret, { ...headers, 'webhook-id': 'msg_other' }, body)).toBe(false);
      expect(verifySignature(newWebhookSecret(), headers, body)).toBe(false);
      expect(() => new Webhook(secret).verify(body.replace('café', 'cafe'), headers)).toThrow();
    }
  });

  it('refuse a secret without its prefix', () => {
    expect(() => signMessage('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'msg', 1, '{}')).toThrow(/whsec_/);
  });
});

describe('retry schedule', () => {
  const policy: RetryPolicy = DEFAULT_RETRY_POLICY;
  const DAY_MS = 24 * 60 * 60 * 1000;

  it('doubles from 5 s with jitter in the upper half of each delay, capped at 6 h', () => {
    for (const [attempts, delayMs] of [[1, 5_000], [2, 10_000], [3, 20_000], [10, 2_560_000], [20, 6 * 3_600_000]] as const) {
      const low = nextAttempt(policy, attempts, 0, 0, 0);
      const high = nextAttempt(policy, attempts, 0, 0, 0.999999);
      expect(low).toEqual({ kind: 'retry', atMs: delayMs / 2 });
      expect(high.kind === 'retry' && high.atMs).toBeGreaterThan(delayMs * 0.999);
      expect(high.kind === 'retry' && high.atMs).toBeLessThanOrEqual(delayMs);
    }
  });

  it('keeps retrying for 3 days, tries once more on the deadline, then dead-letters', () => {
    let now = 0;
    let attempts = 0;
    // Bounded: with a 6 h cap, 3 days take a few dozen attempts.
    while (attempts < 100) {
      attempts++;
      const next = nextAttempt(policy, attempts, 0, now, 0.5);
      if (next.kind === 'dead') break;
      expect(next.atMs).toBeGreaterThan(now);
      expect(next.atMs).toBeLessThanOrEqual(3 * DAY_MS);
      now = next.atMs;
    }
    expect(now).toBe(3 * DAY_MS);
    expect(attempts).toBeGreaterThan(10);
    expect(attempts).toBeLessThan(40);
  });

  it('refuses nonsense arguments', () => {
    expect(() => nextAttempt(policy, 0, 0, 0, 0.5)).toThrow();
    expect(() => nextAttempt(policy, 1, 0, 0, 1)).toThrow();
  });
});
