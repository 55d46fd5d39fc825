import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OfflinePolicy } from '@fedow/protocol';
import { DEFAULT_OFFLINE_POLICY } from '@fedow/protocol';
import { decideBankDeposit, decideCorrection, decideFusion, decideLost, decideQrSale, decideTopUp, decideTransfer, debtsOf, transferDeltas } from '../src';
import { ALICE, BOB, CASHIER_A, CASHIER_B, STRANGER, T0, world } from './world';

const CARDS = [ALICE, BOB, STRANGER, '04C0C0C0'];
const SEQUENCES = 1_000;

const tillOperation = fc.record({
  op: fc.constant('till' as const),
  kind: fc.constantFrom('SAL', 'SAL', 'SAL', 'REF', 'REF', 'SUB', 'BDG', 'RFD', 'VID'),
  place: fc.constantFrom(0, 0, 1, 2),
  asset: fc.oneof({ arbitrary: fc.constant(0), weight: 4 }, { arbitrary: fc.nat(5), weight: 2 }),
  card: fc.nat(CARDS.length - 1),
  amount: fc.oneof(fc.nat(3000), fc.constantFrom(0, 1, 5000, 5001, 100_000)),
  offline: fc.boolean(),
  wrongCashier: fc.oneof({ arbitrary: fc.constant(false), weight: 7 }, { arbitrary: fc.constant(true), weight: 1 }),
});

const operation = fc.oneof(
  { arbitrary: tillOperation, weight: 8 },
  fc.record({ op: fc.constant('fed-top-up' as const), user: fc.nat(1), amount: fc.nat(5000), ref: fc.nat(20) }),
  fc.record({ op: fc.constant('transfer' as const), from: fc.nat(1), amount: fc.nat(3000) }),
  fc.record({ op: fc.constant('qr-sale' as const), user: fc.nat(1), place: fc.constantFrom(0, 1, 2), amount: fc.nat(3000) }),
  fc.record({ op: fc.constant('fusion' as const), card: fc.nat(CARDS.length - 1), user: fc.nat(1) }),
  fc.record({ op: fc.constant('bank' as const), place: fc.constantFrom(0, 1), asset: fc.nat(5), amount: fc.nat(3000) }),
  fc.record({ op: fc.constant('correction' as const), user: fc.nat(1), asset: fc.nat(5), amount: fc.nat(500), debit: fc.boolean() }),
  fc.record({ op: fc.constant('lost' as const), card: fc.nat(CARDS.length - 1) }),
);

type Operation = typeof operation extends fc.Arbitrary<infer T> ? T : never;

function run(operations: Operation[], policy: OfflinePolicy) {
  const w = world(policy);
  const { ledger } = w;
  const places = [w.a, w.b, w.c];
  const assets = [w.local, w.gift, w.fed, w.membership, w.badge, w.localC];
  const users = [ledger.addUser('u0@example.org'), ledger.addUser('u1@example.org')];
  ledger.addCard('04C0C0C0');
  ledger.addCard('CA5C0001', { primaryFor: [w.c.id] });
  const cashiers = [CASHIER_A, CASHIER_B, 'CA5C0001'];
  const context = ledger.context(T0);
  for (const operation of operations) {
    const before = new Map(ledger.state.balances);
    const transfersBefore = ledger.transfers.length;
    let decision;
    switch (operation.op) {
      case 'till': {
        const place = places[operation.place]!;
        const kind = operation.kind;
        decision = ledger.applyEntry(
          w.entry(kind, {
            asset: kind === 'VID' ? null : assets[operation.asset]!.id,
            amount: kind === 'BDG' ? 0 : (operation.amount),
            card: CARDS[operation.card]!,
            primary: cashiers[(operation.place) + (operation.wrongCashier ? 1 : 0)] ?? CASHIER_A,
            auth: operation.offline ? 'offline' : 'online',
          }),
          { place: place.id, policy },
          T0,
        );
        break;
      }
      case 'fed-top-up':
        decision = ledger.apply(decideTopUp(ledger.state, { asset: w.fed.id, amount: operation.amount, wallet: users[operation.user]!.wallet, paymentRef: `pi_${operation.ref}`, request: 'r' }, context));
        break;
      case 'transfer':
        decision = ledger.apply(decideTransfer(ledger.state, { sender: users[operation.from]!.wallet, receiver: users[1 - (operation.from)]!.wallet, asset: w.fed.id, amount: operation.amount, request: 't' }, context));
        break;
      case 'qr-sale':
        decision = ledger.apply(decideQrSale(ledger.state, { wallet: users[operation.user]!.wallet, place: places[operation.place]!.id, asset: w.fed.id, amount: operation.amount, request: 'q' }, context));
        break;
      case 'fusion':
        decision = ledger.apply(decideFusion(ledger.state, { card: CARDS[operation.card]!, user: users[operation.user]!.id, request: 'f' }, context));
        break;
      case 'bank':
        decision = ledger.apply(decideBankDeposit(ledger.state, { place: places[operation.place]!.id, asset: assets[operation.asset]!.id, amount: operation.amount, request: 'b' }, context));
        break;
      case 'correction': {
        const user = users[operation.user]!.wallet;
        const [sender, receiver] = operation.debit ? [user, ledger.state.primaryWallet] : [ledger.state.primaryWallet, user];
        decision = ledger.apply(decideCorrection(ledger.state, { sender, receiver, asset: assets[operation.asset]!.id, amount: operation.amount, reason: 'property test', request: 'c' }, context));
        break;
      }
      case 'lost':
        decision = ledger.apply(decideLost(ledger.state, { card: CARDS[operation.card]! }, context));
        break;
    }
    if (decision === 'duplicate' || !decision?.ok) {
      // A refusal changes nothing.
      expect(ledger.transfers.length).toBe(transfersBefore);
      expect(new Map(ledger.state.balances)).toEqual(before);
    }
  }
  return { w, ledger };
}

/** Negative balances come only from applied offline sales from that wallet in that asset. */
function debtOnlyFromOfflineSales(ledger: ReturnType<typeof world>['ledger']): string | null {
  const offlineSales = new Set<string>();
  for (const transfer of ledger.transfers) {
    const entry = transfer.entry === null ? undefined : ledger.entries.get(transfer.entry);
    if (transfer.action === 'SAL' && entry?.status === 'applied' && entry.body.auth === 'offline') offlineSales.add(`${transfer.sender}:${transfer.asset}`);
  }
  for (const [key, value] of ledger.state.balances) if (value < 0 && !offlineSales.has(key)) return `${key} is ${value} with no offline sale`;
  return null;
}

/** Every negative balance, as `wallet:asset`, straight from the balance map. */
function negativeBalances(ledger: ReturnType<typeof world>['ledger']): string[] {
  return [...ledger.state.balances].filter(([, value]) => value < 0).map(([key]) => key).sort();
}

/** The same, as debtsOf finds them wallet by wallet (what blocks a card). */
function debtsFoundPerWallet(ledger: ReturnType<typeof world>['ledger']): string[] {
  const wallets = new Set([...ledger.state.balances.keys()].map((key) => key.slice(0, key.indexOf(':'))));
  return [...wallets].flatMap((wallet) => debtsOf(ledger.state, wallet).map(({ asset }) => `${wallet}:${asset}`)).sort();
}

describe('ledger properties', () => {
  it(`${SEQUENCES} random sequences keep conservation, replay and debt rules`, () => {
    let refusals = 0;
    let debts = 0;
    fc.assert(
      fc.property(fc.array(operation, { minLength: 1, maxLength: 40 }), (operations) => {
        const { ledger } = run(operations, DEFAULT_OFFLINE_POLICY);
        expect(ledger.checkInvariants()).toBeNull();
        expect(debtOnlyFromOfflineSales(ledger)).toBeNull();
        expect(debtsFoundPerWallet(ledger)).toEqual(negativeBalances(ledger));
        refusals += [...ledger.entries.values()].filter((entry) => entry.status === 'rejected').length;
        if ([...ledger.state.balances.values()].some((value) => value < 0)) debts++;
      }),
      { numRuns: SEQUENCES },
    );
    // The generator must exercise both sides: refusals and offline debt.
    expect(refusals).toBeGreaterThan(SEQUENCES / 2);
    expect(debts).toBeGreaterThan(10);
  });

  it('replaying the transfer log from zero reproduces every balance', () => {
    fc.assert(
      fc.property(fc.array(operation, { minLength: 1, maxLength: 40 }), (operations) => {
        const { ledger } = run(operations, DEFAULT_OFFLINE_POLICY);
        const replayed = new Map<string, number>();
        for (const transfer of ledger.transfers) {
          const asset = ledger.state.assets.get(transfer.asset)!;
          for (const { wallet, delta } of transferDeltas(transfer, asset.category, ledger.state.primaryWallet)) {
            replayed.set(`${wallet}:${transfer.asset}`, (replayed.get(`${wallet}:${transfer.asset}`) ?? 0) + delta);
          }
        }
        for (const [key, value] of ledger.state.balances) expect(replayed.get(key) ?? 0).toBe(value);
      }),
      { numRuns: 200 },
    );
  });

  it('an invariant violation is caught: a balance edited behind the ledger\'s back', () => {
    const { ledger, w } = run([], DEFAULT_OFFLINE_POLICY);
    ledger.applyEntry(w.entry('REF', { amount: 500 }), { place: w.a.id }, T0);
    const [key] = [...ledger.state.balances.entries()].find(([, value]) => value === 500)!;
    ledger.state.balances.set(key, 501);
    expect(ledger.checkInvariants()).toMatch(/invariant 2/);
  });

  it('an invariant violation is caught: a negative balance without an offline sale', () => {
    const { ledger, w } = run([], DEFAULT_OFFLINE_POLICY);
    ledger.applyEntry(w.entry('REF', { amount: 500 }), { place: w.a.id }, T0);
    // Balances and replay agree, but place B went negative without any offline sale.
    ledger.transfers.push({ ...ledger.transfers.at(-1)!, action: 'TRF', seq: ledger.transfers.length + 1, receiver: w.a.wallet, sender: w.b.wallet });
    ledger.state.balances.set(`${w.a.wallet}:${w.local.id}`, 500);
    ledger.state.balances.set(`${w.b.wallet}:${w.local.id}`, -500);
    expect(ledger.checkInvariants()).toMatch(/invariant 5/);
  });
});
