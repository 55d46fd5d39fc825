import { describe, expect, it } from 'vitest';
import { DEFAULT_OFFLINE_POLICY } from '@fedow/protocol';
import { effectivePolicy } from '../src/ingest/working-set';

const place = (fields: { policy?: object | string; enroll?: boolean } = {}) => ({
  offlinePolicy: typeof fields.policy === 'string' ? fields.policy : JSON.stringify({ ...DEFAULT_OFFLINE_POLICY, ...fields.policy }),
  enrollUnknownCards: fields.enroll ?? true,
});

describe('the policy a till works with', () => {
  it('is the place policy merged with the till overrides', () => {
    expect(effectivePolicy(place({ policy: { maxOfflineSale: 3000 } }), JSON.stringify({ maxOfflineMinutes: 60 }))).toEqual({ ...DEFAULT_OFFLINE_POLICY, maxOfflineSale: 3000, maxOfflineMinutes: 60 });
  });

  it('allows unknown-card top-ups only where the place enrolls unknown cards', () => {
    expect(effectivePolicy(place({ enroll: false }), null).unknownCardTopUp).toBe(false);
    expect(effectivePolicy(place({ enroll: true }), null).unknownCardTopUp).toBe(true);
    expect(effectivePolicy(place({ enroll: true, policy: { unknownCardTopUp: false } }), null).unknownCardTopUp).toBe(false);
  });

  it('falls back to the defaults on broken JSON or invalid values', () => {
    expect(effectivePolicy(place({ policy: '{broken' }), '{also broken')).toEqual(DEFAULT_OFFLINE_POLICY);
    expect(effectivePolicy(place(), JSON.stringify({ maxOfflineSale: -5 }))).toEqual(DEFAULT_OFFLINE_POLICY);
  });
});
