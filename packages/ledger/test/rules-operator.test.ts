import { describe, expect, it } from 'vitest';
import {
  decideBankDeposit,
  decideCorrection,
  decideFirst,
  decideFusion,
  decideLost,
  decideQrSale,
  decideReplacement,
  decideTopUp,
  decideTransfer,
  type Decision,
} from '../src';
import { ALICE, BOB, STRANGER, T0, world } from './world';

const code = (decision: Decision) => (decision.ok ? 'ok' : decision.code);

function funded() {
  const w = world();
  const context = w.ledger.context(T0);
  const alice = w.ledger.addUser('Alice@Example.org');
  const bob = w.ledger.addUser('bob@example.org');
  w.ledger.apply(decideTopUp(w.ledger.state, { asset: w.fed.id, amount: 5000, wallet: alice.wallet, paymentRef: 'pi_1', request: 'r1' }, context));
  return { ...w, context, alice, bob };
}

describe('operator and wallet actions', () => {
  it('FST: exactly one per asset', () => {
    const w = world();
    expect(code(decideFirst(w.ledger.state, w.local, w.ledger.context(T0)))).toBe('duplicate_first');
    expect(w.ledger.transfers.filter((transfer) => transfer.action === 'FST')).toHaveLength(6);
  });

  it('CRE+REF of FED: needs a payment reference, used once', () => {
    const { ledger, fed, alice, context } = funded();
    expect(ledger.state.balances.get(`${alice.wallet}:${fed.id}`)).toBe(5000);
    expect(code(decideTopUp(ledger.state, { asset: fed.id, amount: 1, wallet: alice.wallet, paymentRef: 'pi_1', request: 'r2' }, context))).toBe('payment_reference_used');
    expect(code(decideTopUp(ledger.state, { asset: fed.id, amount: 1, wallet: alice.wallet, request: 'r3' }, context))).toBe('payment_reference_required');
  });

  it('REF never credits a place or the primary wallet', () => {
    const { ledger, local, a, context } = funded();
    expect(code(decideTopUp(ledger.state, { asset: local.id, amount: 1, wallet: a.wallet, request: 'r' }, context))).toBe('wrong_wallet_kind');
    expect(code(decideTopUp(ledger.state, { asset: local.id, amount: 1, wallet: ledger.state.primaryWallet, request: 'r' }, context))).toBe('wrong_wallet_kind');
  });

  it('QRS: a user pays a place; never debt; only accepted assets', () => {
    const { ledger, fed, localC, alice, b, context } = funded();
    expect(code(ledger.apply(decideQrSale(ledger.state, { wallet: alice.wallet, place: b.id, asset: fed.id, amount: 1200, request: 'q1' }, context)))).toBe('ok');
    expect(ledger.state.balances.get(`${b.wallet}:${fed.id}`)).toBe(1200);
    expect(code(decideQrSale(ledger.state, { wallet: alice.wallet, place: b.id, asset: fed.id, amount: 999_999, request: 'q2' }, context))).toBe('insufficient_funds');
    expect(code(decideQrSale(ledger.state, { wallet: alice.wallet, place: b.id, asset: localC.id, amount: 1, request: 'q3' }, context))).toBe('asset_not_accepted');
  });

  it('TRF: user to user, never debt', () => {
    const { ledger, fed, alice, bob, a, context } = funded();
    expect(code(ledger.apply(decideTransfer(ledger.state, { sender: alice.wallet, receiver: bob.wallet, asset: fed.id, amount: 2000, request: 't1' }, context)))).toBe('ok');
    expect(ledger.state.balances.get(`${bob.wallet}:${fed.id}`)).toBe(2000);
    expect(code(decideTransfer(ledger.state, { sender: alice.wallet, receiver: bob.wallet, asset: fed.id, amount: 3001, request: 't2' }, context))).toBe('insufficient_funds');
    expect(code(decideTransfer(ledger.state, { sender: alice.wallet, receiver: a.wallet, asset: fed.id, amount: 1, request: 't3' }, context))).toBe('wrong_wallet_kind');
  });

  it('FUS: every balance of the ephemeral wallet moves to the user; once', () => {
    const { ledger, local, gift, alice, context, at, entry, a } = funded();
    at(a, entry('REF', { amount: 700 }));
    at(a, entry('REF', { amount: 300, asset: gift.id }));
    const card = [...ledger.state.cards.values()].find((candidate) => candidate.firstTagId === ALICE)!;
    expect(code(ledger.apply(decideFusion(ledger.state, { card: ALICE, user: alice.id, request: 'f1' }, context)))).toBe('ok');
    expect(ledger.state.balances.get(`${alice.wallet}:${local.id}`)).toBe(700);
    expect(ledger.state.balances.get(`${alice.wallet}:${gift.id}`)).toBe(300);
    expect(ledger.state.balances.get(`${card.ephemeralWallet}:${local.id}`)).toBe(0);
    expect(code(decideFusion(ledger.state, { card: ALICE, user: alice.id, request: 'f2' }, context))).toBe('card_has_user');
    expect(ledger.checkInvariants()).toBeNull();
  });

  it('BNK: a place deposits what it holds; the money leaves the system', () => {
    const { ledger, local, a, at, entry, context } = funded();
    at(a, entry('REF', { amount: 1000 }));
    at(a, entry('SAL', { amount: 600 }));
    expect(code(decideBankDeposit(ledger.state, { place: a.id, asset: local.id, amount: 601, request: 'b0' }, context))).toBe('insufficient_funds');
    expect(code(ledger.apply(decideBankDeposit(ledger.state, { place: a.id, asset: local.id, amount: 600, request: 'b1' }, context)))).toBe('ok');
    expect(ledger.state.balances.get(`${a.wallet}:${local.id}`)).toBe(0);
    expect(ledger.checkInvariants()).toBeNull();
  });

  it('COR: needs a reason; credits r, or debits s when r is primary', () => {
    const { ledger, fed, alice, context } = funded();
    const primary = ledger.state.primaryWallet;
    expect(code(decideCorrection(ledger.state, { sender: primary, receiver: alice.wallet, asset: fed.id, amount: 10, reason: ' ', request: 'c0' }, context))).toBe('reason_required');
    ledger.apply(decideCorrection(ledger.state, { sender: primary, receiver: alice.wallet, asset: fed.id, amount: 10, reason: 'drift', request: 'c1' }, context));
    expect(ledger.state.balances.get(`${alice.wallet}:${fed.id}`)).toBe(5010);
    ledger.apply(decideCorrection(ledger.state, { sender: alice.wallet, receiver: primary, asset: fed.id, amount: 30, reason: 'drift', request: 'c2' }, context));
    expect(ledger.state.balances.get(`${alice.wallet}:${fed.id}`)).toBe(4980);
    expect(ledger.checkInvariants()).toBeNull();
  });

  it('lost card: blocked everywhere and no longer primary', () => {
    const { ledger, context } = funded();
    ledger.apply(decideLost(ledger.state, { card: BOB }, context));
    const card = [...ledger.state.cards.values()].find((candidate) => candidate.firstTagId === BOB.slice(0, 8))!;
    expect(card.lostAt).toBe(T0);
    expect(code(decideLost(ledger.state, { card: BOB }, context))).toBe('card_lost');
  });

  it('FUS: a card in debt is refused; a membership goes with the card', async () => {
    const { ledger, local, membership, alice, bob, context, at, entry, a } = funded();
    at(a, entry('REF', { amount: 500 }));
    at(a, entry('SAL', { amount: 800, auth: 'offline' }));
    expect(code(decideFusion(ledger.state, { card: ALICE, user: alice.id, request: 'f1' }, context))).toBe('card_blocked');
    at(a, entry('SUB', { card: BOB, asset: membership.id, amount: 0 }));
    const bobCard = [...ledger.state.cards.values()].find((candidate) => candidate.firstTagId === BOB.slice(0, 8))!;
    const held = ledger.state.memberships.get(`${bobCard.ephemeralWallet}:${membership.id}`)!;
    expect(code(ledger.apply(decideFusion(ledger.state, { card: BOB, user: bob.id, request: 'f2' }, context)))).toBe('ok');
    expect(ledger.state.memberships.get(`${bob.wallet}:${membership.id}`)).toEqual({ ...held, wallet: bob.wallet });
    expect(ledger.state.balances.get(`${alice.wallet}:${local.id}`) ?? 0).toBe(0);
    expect(ledger.checkInvariants()).toBeNull();
  });

  it('replacement of an anonymous card: every balance and membership reaches the new card, once; the lost card is declared lost', () => {
    const { ledger, local, gift, membership, context, at, entry, a, balance } = funded();
    ledger.addCard(STRANGER);
    at(a, entry('REF', { amount: 700 }));
    at(a, entry('REF', { amount: 300, asset: gift.id }));
    at(a, entry('SUB', { asset: membership.id, amount: 0 }));
    const decision = decideReplacement(ledger.state, { lost: ALICE, replacement: STRANGER, request: 'x1' }, context);
    expect(decision.ok && decision.transfers.map((transfer) => [transfer.action, transfer.amount, transfer.meta])).toEqual(
      expect.arrayContaining([
        ['FUS', 700, { replaces: expect.any(String) }],
        ['FUS', 300, { replaces: expect.any(String) }],
      ]),
    );
    ledger.apply(decision);
    expect([balance(STRANGER, local), balance(STRANGER, gift), balance(ALICE, local), balance(ALICE, gift)]).toEqual([700, 300, 0, 0]);
    const card = (uid: string) => [...ledger.state.cards.values()].find((candidate) => candidate.firstTagId === uid.slice(0, 8))!;
    expect(card(ALICE).lostAt).toBe(T0);
    expect(ledger.state.memberships.get(`${card(STRANGER).ephemeralWallet}:${membership.id}`)?.wallet).toBe(card(STRANGER).ephemeralWallet);
    // Again, the lost card is empty: nothing moves a second time.
    const again = decideReplacement(ledger.state, { lost: ALICE, replacement: STRANGER, request: 'x2' }, context);
    expect(again.ok && again.transfers).toEqual([]);
    expect(ledger.checkInvariants()).toBeNull();
  });

  it('replacement of a user\'s card: the new card joins the user, its own balance merges, nothing else moves', () => {
    const { ledger, local, alice, bob, context, at, entry, a, balance } = funded();
    at(a, entry('REF', { amount: 400 }));
    ledger.apply(decideFusion(ledger.state, { card: ALICE, user: alice.id, request: 'f1' }, context));
    ledger.addCard(STRANGER);
    at(a, entry('REF', { card: STRANGER, amount: 50 }));
    const decision = decideReplacement(ledger.state, { lost: ALICE, replacement: STRANGER, request: 'x1' }, context);
    expect(decision.ok && decision.transfers.map((transfer) => [transfer.action, transfer.amount, transfer.receiver])).toEqual([['FUS', 50, alice.wallet]]);
    ledger.apply(decision);
    expect(balance(STRANGER, local)).toBe(450);
    const card = (uid: string) => [...ledger.state.cards.values()].find((candidate) => candidate.firstTagId === uid.slice(0, 8))!;
    expect(card(STRANGER).user).toBe(alice.id);
    // A card of another user is not taken over.
    ledger.apply(decideFusion(ledger.state, { card: BOB, user: bob.id, request: 'f2' }, context));
    expect(code(decideReplacement(ledger.state, { lost: ALICE, replacement: BOB, request: 'x2' }, context))).toBe('card_has_user');
    expect(ledger.checkInvariants()).toBeNull();
  });

  it('replacement refuses: an unknown or lost new card, the card itself, and an anonymous card in debt', () => {
    const { ledger, context, at, entry, a } = funded();
    ledger.addCard(STRANGER);
    expect(code(decideReplacement(ledger.state, { lost: ALICE, replacement: 'DEADBEEF', request: 'x' }, context))).toBe('unknown_card');
    expect(code(decideReplacement(ledger.state, { lost: 'DEADBEEF', replacement: ALICE, request: 'x' }, context))).toBe('unknown_card');
    expect(code(decideReplacement(ledger.state, { lost: ALICE, replacement: ALICE, request: 'x' }, context))).toBe('wrong_wallet_kind');
    ledger.apply(decideLost(ledger.state, { card: BOB }, context));
    expect(code(decideReplacement(ledger.state, { lost: ALICE, replacement: BOB, request: 'x' }, context))).toBe('card_lost');
    at(a, entry('REF', { amount: 100 }));
    at(a, entry('SAL', { amount: 300, auth: 'offline' }));
    expect(code(decideReplacement(ledger.state, { lost: ALICE, replacement: STRANGER, request: 'x' }, context))).toBe('card_blocked');
    expect(ledger.checkInvariants()).toBeNull();
  });
});
