import { describe, expect, it } from 'vitest';
import { EntryBody, countTotal, drawerDelta } from '../src';

const shift = {
  v: 1,
  id: '0192f3a4-5b6c-7d8e-9f00-000000000002',
  terminal: '0192f3a4-5b6c-7d8e-9f00-ffffffffffff',
  seq: 2,
  prev: 'ab'.repeat(32),
  at: '2026-07-14T21:03:07.412Z',
  kind: 'SHO',
  asset: null,
  amount: 12_050,
  card: 'CA5A0001',
  primary: 'CA5A0001',
  auth: 'offline',
  meta: { count: { '5000': 2, '2000': 1, '50': 1 } },
} as const;

describe('shift entries', () => {
  it('take a count that adds up to the amount, by euro denominations only, and no asset', () => {
    expect(countTotal(shift.meta.count)).toBe(12_050);
    expect(EntryBody.safeParse(shift).success).toBe(true);
    expect(EntryBody.safeParse({ ...shift, amount: 12_000 }).success).toBe(false);
    expect(EntryBody.safeParse({ ...shift, meta: { count: { '300': 1 } }, amount: 300 }).success).toBe(false);
    expect(EntryBody.safeParse({ ...shift, meta: { count: { '100': -1 } }, amount: -100 }).success).toBe(false);
    expect(EntryBody.safeParse({ ...shift, asset: '0192f3a4-0000-7000-8000-00000000a55e' }).success).toBe(false);
  });

  it('close a named shift only', () => {
    const close = { ...shift, kind: 'SHC', meta: { count: shift.meta.count, expected: 12_500 } };
    expect(EntryBody.safeParse(close).success).toBe(false);
    expect(EntryBody.safeParse({ ...close, meta: { ...close.meta, shift: shift.id } }).success).toBe(true);
    // The till's expected cash may be below zero (refunds beyond the float): it is what it counted on.
    expect(EntryBody.safeParse({ ...close, meta: { ...close.meta, shift: shift.id, expected: -200 } }).success).toBe(true);
  });

  it('count only cash through the drawer, and only euro-valued money', () => {
    const euro = { category: 'TLF', decimals: 2, amount: 2_000 };
    expect(drawerDelta({ ...euro, kind: 'REF', payment: 'cash' })).toBe(2_000);
    expect(drawerDelta({ ...euro, kind: 'SUB', payment: 'cash' })).toBe(2_000);
    expect(drawerDelta({ ...euro, kind: 'REF', payment: 'card' })).toBe(0);
    expect(drawerDelta({ ...euro, kind: 'REF', payment: null })).toBe(0);
    expect(drawerDelta({ ...euro, kind: 'SAL', payment: 'cash' })).toBe(0);
    expect(drawerDelta({ ...euro, kind: 'RFD', payment: null })).toBe(-2_000);
    expect(drawerDelta({ ...euro, category: 'FED', kind: 'RFD', payment: null })).toBe(-2_000);
    expect(drawerDelta({ ...euro, category: 'TIM', decimals: 0, kind: 'REF', payment: 'cash' })).toBe(0);
  });
});
