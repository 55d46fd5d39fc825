import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MeltRule } from '@fedow/protocol';
import { balanceOf, ChainVerifier, decideMelt, decideTopUp, decideWithMelts, findCard, meltDue, meltDueIn, nextMelt, NO_ACTIVITY, walletOfCard } from '../src';
import { nodeCrypto } from '../src/crypto-node';
import { ALICE, BOB, T0, world } from './world';

const DAY = 86_400_000;
const MONTH = 30 * DAY;
const after = (ms: number) => new Date(Date.parse(T0) + ms).toISOString();

describe('the three melt rules, in minor units', () => {
  it('rate: 2 % once 30 days passed, then 2 % of what is left every month, rounded down', () => {
    const rule: MeltRule = { rule: 'rate', basisPoints: 200, afterDays: 30 };
    expect(meltDue(rule, T0, 10_000, { at: T0, melted: 0 }, after(30 * DAY - 1))).toBe(0);
    expect(meltDue(rule, T0, 10_000, { at: T0, melted: 0 }, after(30 * DAY))).toBe(200);
    expect(meltDue(rule, T0, 10_000, { at: T0, melted: 0 }, after(30 * DAY + MONTH))).toBe(200 + 196);
    // 49 × 2 % = 0.98: rounded down to nothing, so 49 never melts.
    expect(meltDue(rule, T0, 49, { at: T0, melted: 0 }, after(3650 * DAY))).toBe(0);
    // Booked melts count: 200 melted already, 196 more due a month later.
    expect(meltDue(rule, T0, 9_800, { at: T0, melted: 200 }, after(30 * DAY + MONTH))).toBe(196);
  });

  it('fixed: an amount a month after N months, never below zero', () => {
    const rule: MeltRule = { rule: 'fixed', amount: 100, afterMonths: 3 };
    const due = (months: number) => meltDue(rule, T0, 250, { at: T0, melted: 0 }, after(months * MONTH));
    expect([2, 3, 4, 5, 6, 40].map(due)).toEqual([0, 100, 200, 250, 250, 250]);
  });

  it('expiry: the whole balance after N months', () => {
    const rule: MeltRule = { rule: 'expiry', afterMonths: 6 };
    expect(meltDue(rule, T0, 1234, { at: T0, melted: 0 }, after(6 * MONTH - 1))).toBe(0);
    expect(meltDue(rule, T0, 1234, { at: T0, melted: 0 }, after(6 * MONTH))).toBe(1234);
  });

  it('counts inactivity from the policy at the earliest, and takes nothing from a debt', () => {
    const rule: MeltRule = { rule: 'expiry', afterMonths: 1 };
    const since = after(100 * DAY);
    expect(meltDue(rule, since, 500, NO_ACTIVITY, after(100 * DAY + MONTH - 1))).toBe(0);
    expect(meltDue(rule, since, 500, { at: T0, melted: 0 }, after(100 * DAY + MONTH))).toBe(500);
    expect(meltDue(rule, T0, -500, { at: T0, melted: 0 }, after(10 * MONTH))).toBe(0);
  });

  it('announces the next melt: when and how much', () => {
    const rule: MeltRule = { rule: 'rate', basisPoints: 200, afterDays: 30 };
    expect(nextMelt(rule, T0, 10_000, { at: T0, melted: 0 }, after(DAY))).toEqual({ at: after(30 * DAY), amount: 200 });
    expect(nextMelt(rule, T0, 9_800, { at: T0, melted: 200 }, after(31 * DAY))).toEqual({ at: after(60 * DAY), amount: 196 });
    expect(nextMelt({ rule: 'fixed', amount: 100, afterMonths: 1 }, T0, 0, NO_ACTIVITY, T0)).toBeNull();
  });
});

// ── property: melt + spend + top-up in any order ─────────────────────────────

/**
 * The reference model: what a card holder should see, written from the rules'
 * words and independently of the ledger's code (BigInt, month by month).
 */
function referenceTaken(rule: MeltRule, base: number, inactiveMs: number): number {
  let steps = 0;
  const threshold = rule.rule === 'rate' ? rule.afterDays * DAY : rule.afterMonths * MONTH;
  for (let t = threshold; t <= inactiveMs; t += MONTH) steps++;
  if (rule.rule === 'expiry') return steps > 0 ? base : 0;
  if (rule.rule === 'fixed') return Math.min(base, steps * rule.amount);
  let left = BigInt(base);
  for (let step = 0; step < steps; step++) left -= (left * BigInt(rule.basisPoints)) / 10_000n;
  return base - Number(left);
}

interface ModelBalance {
  base: number;
  activeAt: number;
}

const ruleArbitrary: fc.Arbitrary<MeltRule> = fc.oneof(
  fc.record({ rule: fc.constant('rate' as const), basisPoints: fc.integer({ min: 1, max: 10_000 }), afterDays: fc.integer({ min: 1, max: 120 }) }),
  fc.record({ rule: fc.constant('fixed' as const), amount: fc.integer({ min: 1, max: 3_000 }), afterMonths: fc.integer({ min: 1, max: 6 }) }),
  fc.record({ rule: fc.constant('expiry' as const), afterMonths: fc.integer({ min: 1, max: 6 }) }),
);

const step = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant('wait' as const), days: fc.integer({ min: 0, max: 200 }) }), weight: 3 },
  { arbitrary: fc.record({ op: fc.constant('top-up' as const), card: fc.nat(1), amount: fc.integer({ min: 1, max: 20_000 }) }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('spend' as const), card: fc.nat(1), amount: fc.oneof(fc.integer({ min: 1, max: 3_000 }), fc.integer({ min: 1, max: 30_000 })) }), weight: 4 },
  { arbitrary: fc.record({ op: fc.constant('sweep' as const) }), weight: 1 },
);

describe('melting in the ledger', () => {
  it('conserves the supply, matches the reference model and replays in verify, in any order', () => {
    fc.assert(
      fc.property(ruleArbitrary, fc.array(step, { minLength: 8, maxLength: 60 }), (rule, steps) => {
        const w = world();
        const { ledger } = w;
        const cards = [ALICE, BOB];
        const policy = ledger.setMelt(w.local.id, rule, T0);
        const model: (ModelBalance | null)[] = [null, null];
        let now = Date.parse(T0);
        const iso = () => new Date(now).toISOString();
        const shown = (index: number) => {
          const held = model[index];
          return held ? held.base - referenceTaken(rule, held.base, now - Math.max(held.activeAt, Date.parse(T0))) : 0;
        };
        for (const s of steps) {
          if (s.op === 'wait') now += s.days * DAY;
          if (s.op === 'top-up') {
            const context = ledger.context(iso());
            const decision = ledger.apply(decideWithMelts(ledger.state, context, (state) => decideTopUp(state, { asset: w.local.id, amount: s.amount, card: cards[s.card]!, request: `r${ledger.transfers.length}` }, context)));
            expect(decision.ok).toBe(true);
            model[s.card] = { base: shown(s.card) + s.amount, activeAt: now };
          }
          if (s.op === 'spend') {
            const before = shown(s.card);
            const decision = ledger.applyEntry(w.entry('SAL', { amount: s.amount, card: cards[s.card]!, at: iso() }), { place: w.a.id }, iso());
            expect(decision !== 'duplicate' && decision.ok).toBe(s.amount <= before);
            if (s.amount <= before) model[s.card] = { base: before - s.amount, activeAt: now };
          }
          if (s.op === 'sweep') {
            const wallets = cards.flatMap((uid) => {
              const card = findCard(ledger.state, uid);
              const wallet = card ? walletOfCard(ledger.state, card) : null;
              return wallet ? [{ wallet, asset: w.local.id }] : [];
            });
            ledger.apply(decideMelt(ledger.state, wallets, ledger.context(iso()), 'sweep'));
          }
          for (const [index, uid] of cards.entries()) {
            const card = findCard(ledger.state, uid)!;
            const wallet = walletOfCard(ledger.state, card);
            const held = wallet ? balanceOf(ledger.state, wallet, w.local.id) - meltDueIn(ledger.state, wallet, w.local.id, iso()) : 0;
            expect(held).toBe(shown(index));
          }
          expect(ledger.checkInvariants()).toBeNull();
        }
        const verifier = new ChainVerifier(nodeCrypto, {
          hub: '',
          primaryWallet: ledger.state.primaryWallet,
          categories: new Map([...ledger.state.assets.values()].map((asset) => [asset.id, asset.category])),
          melts: ledger.meltPolicies,
        });
        expect(verifier.unsealed(ledger.transfers)).toBeNull();
        expect(verifier.compareBalances(ledger.state.balances)).toBeNull();
        // Every melt went to the origin's melt wallet, and nothing else did.
        const melted = ledger.transfers.filter((transfer) => transfer.action === 'MLT').reduce((sum, transfer) => sum + transfer.amount, 0);
        expect(balanceOf(ledger.state, policy.wallet, w.local.id)).toBe(melted);
      }),
      { numRuns: 300 },
    );
  });

  it('verify refuses a melt that takes more than the policy gives', () => {
    const w = world();
    const { ledger } = w;
    ledger.setMelt(w.local.id, { rule: 'fixed', amount: 100, afterMonths: 1 }, T0);
    const context = ledger.context(T0);
    ledger.apply(decideTopUp(ledger.state, { asset: w.local.id, amount: 1_000, card: ALICE, request: 'r1' }, context));
    const wallet = walletOfCard(ledger.state, findCard(ledger.state, ALICE)!)!;
    const decision = decideMelt(ledger.state, [{ wallet, asset: w.local.id }], ledger.context(after(MONTH)), 'sweep');
    expect(decision.ok && decision.transfers.map((transfer) => transfer.amount)).toEqual([100]);
    const records = [...ledger.transfers, ...(decision.ok ? decision.transfers : []).map((transfer, index) => ({ ...transfer, amount: 101, seq: ledger.transfers.length + index + 1, hash: null, block: null }))];
    const verifier = new ChainVerifier(nodeCrypto, {
      hub: '',
      primaryWallet: ledger.state.primaryWallet,
      categories: new Map([...ledger.state.assets.values()].map((asset) => [asset.id, asset.category])),
      melts: ledger.meltPolicies,
    });
    expect(verifier.unsealed(records)).toMatchObject({ kind: 'melt', message: expect.stringContaining('melts 101, the policy gives 100') });
  });
});
