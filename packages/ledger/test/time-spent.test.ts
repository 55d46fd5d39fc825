import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TIME_RULES, dayMinutes, decideTimeSpent, pairTaps, type Decision, type Tap } from '../src';
import { ALICE, T0, world } from './world';

const DAY = '2026-07-14';
const AFTER_CLOSING = Date.parse('2026-07-15T06:00:00.000Z');
const rules = { ...DEFAULT_TIME_RULES, closingTime: '22:00' };
const tap = (id: string, time: string): Tap => ({ id, at: `${DAY}T${time}:00.000Z` });
const code = (decision: Decision) => (decision.ok ? 'ok' : decision.code);

describe('pairing badge taps into visits', () => {
  it('counts entry → exit in started quarter hours, whatever order the taps arrived in', () => {
    const taps = [tap('a', '09:00'), tap('b', '10:01'), tap('c', '14:00'), tap('d', '14:10')];
    const visits = pairTaps(taps, DAY, rules, AFTER_CLOSING);
    expect(visits.map((visit) => visit && [visit.entry, visit.exit, visit.minutes])).toEqual([
      ['a', 'b', 75],
      ['c', 'd', 15],
    ]);
    expect(dayMinutes(visits, rules)).toBe(90);
    // An offline till synced late: its taps arrive after, in another order.
    fc.assert(
      fc.property(fc.shuffledSubarray(taps, { minLength: taps.length, maxLength: taps.length }), (shuffled) => {
        expect(pairTaps(shuffled, DAY, rules, AFTER_CLOSING)).toEqual(visits);
      }),
    );
  });

  it('closes a visit without an exit at closing time, and leaves it open before', () => {
    const taps = [tap('a', '09:00'), tap('b', '09:30'), tap('c', '20:50')];
    const visits = pairTaps(taps, DAY, rules, AFTER_CLOSING);
    expect(visits[1]).toMatchObject({ entry: 'c', exit: null, to: `${DAY}T22:00:00.000Z`, closedByClosingTime: true, minutes: 75 });
    expect(dayMinutes(visits, rules)).toBe(105);
    const before = pairTaps(taps, DAY, rules, Date.parse(`${DAY}T21:00:00.000Z`));
    expect(before[1]).toBeNull();
    expect(dayMinutes(before, rules)).toBeNull();
  });

  it('drops a tap read twice, caps the day, and ignores the taps of other days', () => {
    const taps = [tap('a', '08:00'), { id: 'a2', at: `${DAY}T08:00:30.000Z` }, tap('b', '18:00'), { id: 'x', at: '2026-07-15T08:00:00.000Z' }];
    const visits = pairTaps(taps, DAY, { ...rules, dailyCapMinutes: 480 }, AFTER_CLOSING);
    expect(visits.map((visit) => visit && [visit.entry, visit.exit, visit.minutes])).toEqual([['a', 'b', 600]]);
    expect(dayMinutes(visits, { ...rules, dailyCapMinutes: 480 })).toBe(480);
  });

  it('counts a minute inside a quarter as the whole quarter, and a tap-in at closing as nothing', () => {
    expect(pairTaps([tap('a', '10:00'), tap('b', '10:15')], DAY, rules, AFTER_CLOSING)[0]?.minutes).toBe(15);
    expect(pairTaps([tap('a', '10:00'), { id: 'b', at: `${DAY}T10:16:00.001Z` }], DAY, rules, AFTER_CLOSING)[0]?.minutes).toBe(30);
    expect(pairTaps([tap('a', '22:30')], DAY, rules, AFTER_CLOSING)[0]?.minutes).toBe(0);
  });
});

describe('booking time spent', () => {
  function timeWorld() {
    const w = world();
    const hours = w.ledger.addAsset({ name: 'Heures A', category: 'TIM', origin: w.a.wallet, currencyCode: 'H' }, T0);
    w.at(w.a, w.entry('BDG', { asset: w.badge.id }));
    const card = [...w.ledger.state.cards.values()].find((candidate) => candidate.firstTagId === ALICE)!;
    return { ...w, hours, card, context: w.ledger.context(T0) };
  }

  it('accrues minutes issued by the place, or debits a time credit without going into debt', () => {
    const { ledger, a, hours, card, context, balance } = timeWorld();
    const booking = { place: a.id, asset: hours.id, card: card.id, minutes: 90, request: 'r1', meta: { day: DAY } };
    const accrued = ledger.apply(decideTimeSpent(ledger.state, { ...booking, mode: 'accrue' }, context));
    expect(accrued.ok && accrued.transfers.map((t) => [t.action, t.amount])).toEqual([
      ['CRE', 90],
      ['REF', 90],
    ]);
    expect(balance(ALICE, hours)).toBe(90);
    const debited = ledger.apply(decideTimeSpent(ledger.state, { ...booking, minutes: 120, mode: 'debit', request: 'r2' }, context));
    expect(debited.ok && debited.transfers.map((t) => [t.action, t.amount, t.meta])).toEqual([['SAL', 90, { day: DAY, uncovered: 30 }]]);
    expect(balance(ALICE, hours)).toBe(0);
    expect(code(decideTimeSpent(ledger.state, { ...booking, mode: 'debit', request: 'r3' }, context))).toBe('insufficient_funds');
    expect(ledger.checkInvariants()).toBeNull();
  });

  it('refuses a place that does not issue the asset, a non-time asset and no minutes', () => {
    const { ledger, b, a, hours, local, card, context } = timeWorld();
    const booking = { place: b.id, asset: hours.id, card: card.id, minutes: 30, mode: 'accrue' as const, request: 'r', meta: {} };
    expect(code(decideTimeSpent(ledger.state, booking, context))).toBe('not_asset_origin');
    expect(code(decideTimeSpent(ledger.state, { ...booking, place: a.id, asset: local.id }, context))).toBe('wrong_asset_category');
    expect(code(decideTimeSpent(ledger.state, { ...booking, place: a.id, minutes: 0 }, context))).toBe('invalid_amount');
  });
});
