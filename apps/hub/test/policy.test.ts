import { describe, expect, it } from 'vitest';
import { DEFAULT_OFFLINE_POLICY } from '@fedow/protocol';
import { effectivePolicy } from '../src/ingest/working-set';

const placePolicy = (policy: object = {}) => JSON.stringify({ ...DEFAULT_OFFLINE_POLICY, ...policy });

describe('the policy a till works with', () => {
  it('is the place policy merged with the till overrides', () => {
    expect(effectivePolicy(placePolicy({ maxOfflineSale: 3000 }), JSON.stringify({ maxOfflineMinutes: 60 }))).toEqual({ ...DEFAULT_OFFLINE_POLICY, maxOfflineSale: 3000, maxOfflineMinutes: 60 });
  });

  it('falls back to the defaults on broken JSON or invalid values, without throwing', () => {
    expect(effectivePolicy('{broken', '{also broken')).toEqual(DEFAULT_OFFLINE_POLICY);
    expect(effectivePolicy(placePolicy(), JSON.stringify({ maxOfflineSale: -5 }))).toEqual(DEFAULT_OFFLINE_POLICY);
  });
});
