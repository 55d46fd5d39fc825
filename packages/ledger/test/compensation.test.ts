import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compensationMismatch, decideCompensation, decideTopUp, netPositions, settle, type Decision, type Federation } from '../src';
import { ALICE, CASHIER_B, T0, world } from './world';

const code = (decision: Decision) => (decision.ok ? 'ok' : decision.code);

const claimsArbitrary = fc.integer({ min: 1, max: 12 }).chain((parties) =>
  fc.array(
    fc.record({
      creditor: fc.integer({ min: 0, max: parties - 1 }).map((n) => `w${n}`),
      debtor: fc.integer({ min: 0, max: parties - 1 }).map((n) => `w${n}`),
      amount: fc.integer({ min: 1, max: 1_000_000_00 }),
    }),
    { maxLength: 60 },
  ).map((claims) => ({ parties, claims })),
);

describe('settling net positions', () => {
  it('pays every position off exactly, with at most k − 1 payments for k parties not at zero (so at most n − 1)', () => {
    fc.assert(
      fc.property(claimsArbitrary, ({ parties, claims }) => {
        const net = netPositions(claims);
        const payments = settle(net);
        const open = [...net.values()].filter((value) => value !== 0).length;
        expect(payments.length).toBeLessThanOrEqual(Math.max(open - 1, 0));
        expect(payments.length).toBeLessThanOrEqual(Math.max(parties - 1, 0));
        const left = new Map(net);
        for (const payment of payments) {
          expect(payment.amount).toBeGreaterThan(0);
          expect(payment.debtor).not.toBe(payment.creditor);
          // A payment only ever goes from someone who owes to someone who is owed.
          expect(left.get(payment.debtor)).toBeLessThan(0);
          expect(left.get(payment.creditor)).toBeGreaterThan(0);
          left.set(payment.debtor, left.get(payment.debtor)! + payment.amount);
          left.set(payment.creditor, left.get(payment.creditor)! - payment.amount);
        }
        for (const value of left.values()) expect(value).toBe(0);
      }),
      { numRuns: 500 },
    );
  });

  it('gives the same payments for the same positions, whatever order the claims came in', () => {
    fc.assert(
      fc.property(claimsArbitrary, ({ claims }) => {
        expect(settle(netPositions([...claims].reverse()))).toEqual(settle(netPositions(claims)));
      }),
    );
  });

  it('needs no payment when every claim is matched by one the other way', () => {
    expect(settle(netPositions([{ creditor: 'a', debtor: 'b', amount: 500 }, { creditor: 'b', debtor: 'a', amount: 500 }]))).toEqual([]);
  });
});

function spent() {
  const w = world();
  const context = w.ledger.context(T0);
  // Alice buys A's local currency at A and spends part of it at B; she spends FED at A.
  w.at(w.a, w.entry('REF', { amount: 2000 }));
  w.at(w.b, w.entry('SAL', { amount: 700, primary: CASHIER_B }));
  const alice = [...w.ledger.state.cards.values()].find((card) => card.firstTagId === ALICE)!;
  w.ledger.apply(decideTopUp(w.ledger.state, { asset: w.fed.id, amount: 1000, wallet: alice.ephemeralWallet!, paymentRef: 'pi_1', request: 'r1' }, context));
  w.at(w.a, w.entry('SAL', { amount: 400, asset: w.fed.id }));
  const federation: Federation = [...w.ledger.state.federations.values()][0]!;
  return { ...w, context, federation };
}

describe('a compensation run (CMP)', () => {
  it('returns each claim to its issuer and books the netted settlement, conserving every asset', () => {
    const { ledger, a, b, fed, local, context, federation, placeBalance } = spent();
    const primary = ledger.state.primaryWallet;
    const run = {
      federation,
      from: '2026-07-01T00:00:00.000Z',
      to: '2026-08-01T00:00:00.000Z',
      unit: fed.id,
      claims: [
        { holder: b.wallet, asset: local.id, amount: 700 },
        { holder: a.wallet, asset: fed.id, amount: 400 },
      ],
      request: 'run-1',
    };
    const localPool = placeBalance(a, local);
    const decision = decideCompensation(ledger.state, run, context);
    expect(decision.ok).toBe(true);
    if (!decision.ok) return;
    // B is owed 700 by A; A is owed 400 by the federation: A pays B 300, the federation pays B 400.
    expect(decision.transfers.map((t) => [t.action, t.sender, t.receiver, t.asset, t.amount, (t.meta as { part: string }).part])).toEqual([
      ['CMP', b.wallet, a.wallet, local.id, 700, 'claim'],
      ['CMP', a.wallet, primary, fed.id, 400, 'claim'],
      ['CMP', primary, b.wallet, fed.id, 400, 'settle'],
      ['CMP', a.wallet, b.wallet, fed.id, 300, 'settle'],
    ]);
    ledger.apply(decision);
    expect(placeBalance(b, local)).toBe(0);
    expect(placeBalance(a, local)).toBe(localPool + 700);
    expect(placeBalance(a, fed)).toBe(0);
    expect(placeBalance(b, fed)).toBe(0);
    expect(ledger.checkInvariants()).toBeNull();
  });

  it('refuses a claim outside the federation, on oneself, of a non-currency or beyond what the holder has, booking nothing', () => {
    const { ledger, a, b, c, fed, local, localC, gift, context, federation } = spent();
    const run = (claims: { holder: string; asset: string; amount: number }[]) =>
      decideCompensation(ledger.state, { federation, from: T0, to: T0, unit: fed.id, claims, request: 'r' }, context);
    expect(code(run([{ holder: c.wallet, asset: local.id, amount: 1 }]))).toBe('wrong_wallet_kind');
    expect(code(run([{ holder: b.wallet, asset: localC.id, amount: 1 }]))).toBe('asset_not_accepted');
    expect(code(run([{ holder: b.wallet, asset: gift.id, amount: 1 }]))).toBe('wrong_asset_category');
    expect(code(run([{ holder: a.wallet, asset: local.id, amount: 1 }]))).toBe('not_asset_origin');
    expect(code(run([{ holder: b.wallet, asset: local.id, amount: 701 }]))).toBe('insufficient_funds');
    expect(code(run([{ holder: b.wallet, asset: local.id, amount: 0 }]))).toBe('invalid_amount');
    expect(code(run([{ holder: b.wallet, asset: local.id, amount: 300 }, { holder: b.wallet, asset: local.id, amount: 300 }]))).toBe('invalid_amount');
    expect(code(decideCompensation(ledger.state, { federation, from: T0, to: T0, unit: local.id, claims: [], request: 'r' }, context))).toBe('wrong_asset_category');
  });

  it('books nothing, and accepts, when no place holds a claim', () => {
    const { ledger, fed, context, federation } = spent();
    const decision = decideCompensation(ledger.state, { federation, from: T0, to: T0, unit: fed.id, claims: [], request: 'r' }, context);
    expect(decision.ok && decision.transfers).toEqual([]);
  });

  it('is replayed: the settlement of a run must be the one its claims give', () => {
    const { ledger, fed, b, context, federation, local } = spent();
    const decision = decideCompensation(ledger.state, { federation, from: T0, to: T0, unit: fed.id, claims: [{ holder: b.wallet, asset: local.id, amount: 700 }], request: 'r' }, context);
    if (!decision.ok) throw new Error(decision.message);
    const read = decision.transfers.map((t) => ({ sender: t.sender, receiver: t.receiver, amount: t.amount, part: (t.meta as { part: string }).part }));
    expect(compensationMismatch(read)).toBeNull();
    expect(compensationMismatch(read.map((t) => (t.part === 'settle' ? { ...t, amount: t.amount - 1 } : t)))).toMatch(/settlement booked/);
    expect(compensationMismatch(read.filter((t) => t.part === 'claim'))).toMatch(/settlement booked \[\]/);
    expect(compensationMismatch([...read, { ...read[1]!, part: 'gift' }])).toMatch(/neither a claim nor a settlement/);
  });
});
