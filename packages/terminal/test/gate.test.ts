import { describe, expect, it } from 'vitest';
import { ALERTS_KEPT, gate, keptAlerts, unlockVerdict, words } from '../src/agent/gate';
import type { SyncAlert } from '../src/sync/sync-client';
import { T0 } from './helpers';

const CASHIER = { primary: 'CAFE0001', openedAt: T0 };

describe('who may act at the till', () => {
  it('refuses every action of an unpaired till, then of a locked one', () => {
    expect(gate(false, CASHIER)).toEqual({ ok: false, code: 'not_paired' });
    expect(gate(true, null)).toEqual({ ok: false, code: 'locked' });
    expect(gate(true, CASHIER)).toEqual({ ok: true, session: CASHIER });
  });

  it('unlocks with a primary card of the place, whatever its case, and opens a session only for another cashier', () => {
    const primaries = new Set(['CAFE0001', 'CAFE0002']);
    expect(unlockVerdict(false, primaries, 'CAFE0001', null)).toEqual({ ok: false, code: 'not_paired' });
    expect(unlockVerdict(true, primaries, '04A1B2C3', null)).toEqual({ ok: false, code: 'invalid_primary_card' });
    expect(unlockVerdict(true, primaries, 'cafe0001', null)).toEqual({ ok: true, open: true });
    expect(unlockVerdict(true, primaries, 'CAFE0001', CASHIER)).toEqual({ ok: true, open: false });
    expect(unlockVerdict(true, primaries, 'CAFE0002', CASHIER)).toEqual({ ok: true, open: true });
  });

  it('keeps the latest ALERTS_KEPT alerts, oldest first', () => {
    let alerts: SyncAlert[] = [];
    for (let n = 0; n < ALERTS_KEPT + 3; n++) alerts = keptAlerts(alerts, { code: 'hub_error', message: `alert ${n}`, at: T0 + n });
    expect(alerts).toHaveLength(ALERTS_KEPT);
    expect(alerts[0]!.message).toBe('alert 3');
    expect(alerts.at(-1)!.message).toBe(`alert ${ALERTS_KEPT + 2}`);
  });

  it('says its refusals in French and English', () => {
    expect(words('fr', 'locked')).toBe('Badgez votre carte caissier');
    expect(words('en', 'not_paired')).toBe('This till is not paired with a hub');
  });
});
