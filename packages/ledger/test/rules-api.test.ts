/** The rules of Fedow-compatible requests: LaBoutik's card movements as an online till, wallet memberships, EURO QR payments, refund vs void. */
import { describe, expect, it } from 'vitest';
import { decideApiCardMovement, decideApiCardRefund, decideApiFusion, decideQrSplit, decideTopUp, decideWalletBadge, decideWalletMembership, type Decision } from '../src';
import { ALICE, CASHIER_A, CASHIER_B, T0, world } from './world';

const code = (decision: Decision) => (decision.ok ? 'ok' : decision.code);

function topped() {
  const w = world();
  const context = w.ledger.context(T0);
  w.ledger.apply(decideApiCardMovement(w.ledger.state, { kind: 'REF', place: w.a.id, asset: w.local.id, amount: 1000, card: ALICE, primary: CASHIER_A, request: 'r1' }, context));
  return { ...w, context };
}

describe('API card movements', () => {
  it('tops up with CRE+REF and sells, never into debt, and only with a primary card of the place', () => {
    const { ledger, a, b, local, context, balance } = topped();
    expect(balance(ALICE, local)).toBe(1000);
    expect(ledger.transfers.slice(-2).map((transfer) => transfer.action)).toEqual(['CRE', 'REF']);
    const sale = (amount: number, place = a, primary = CASHIER_A) => decideApiCardMovement(ledger.state, { kind: 'SAL', place: place.id, asset: local.id, amount, card: ALICE, primary, request: 'r2' }, context);
    expect(code(sale(1001))).toBe('insufficient_funds');
    expect(code(sale(10, a, CASHIER_B))).toBe('invalid_primary_card');
    expect(code(sale(10, b, CASHIER_B))).toBe('ok');
    ledger.apply(sale(400));
    expect(balance(ALICE, local)).toBe(600);
  });

  it('refunds every refundable balance; RFD keeps the card on its wallet, VID detaches it', () => {
    const { ledger, a, context, local } = topped();
    const refund = decideApiCardRefund(ledger.state, { place: a.id, card: ALICE, primary: CASHIER_A, detach: false, request: 'r3' }, context);
    expect(refund.ok && refund.transfers.map((transfer) => [transfer.action, transfer.asset, transfer.amount])).toEqual([['RFD', local.id, 1000]]);
    expect(refund.ok && refund.effects.some((effect) => effect.type === 'card-detached')).toBe(false);
    const voided = decideApiCardRefund(ledger.state, { place: a.id, card: ALICE, primary: CASHIER_A, detach: true, request: 'r4' }, context);
    expect(voided.ok && voided.effects.some((effect) => effect.type === 'card-detached')).toBe(true);
  });
});

describe('wallet memberships', () => {
  it('credits the SUB asset to a wallet without debiting the place, from a given start, only for a place that sells it', () => {
    const w = world();
    const context = w.ledger.context(T0);
    const zoe = w.ledger.addUser('zoe@example.org');
    const decision = decideWalletMembership(w.ledger.state, { place: w.a.id, wallet: zoe.wallet, asset: w.membership.id, amount: 1500, start: '2026-08-01T00:00:00.000Z', request: 'm1' }, context);
    expect(decision.ok && decision.effects).toEqual([{ type: 'membership', membership: { wallet: zoe.wallet, asset: w.membership.id, start: '2026-08-01T00:00:00.000Z', validUntil: '2026-08-31T00:00:00.000Z' } }]);
    w.ledger.apply(decision);
    expect(w.ledger.state.balances.get(`${zoe.wallet}:${w.membership.id}`)).toBe(1500);
    expect(w.placeBalance(w.a, w.membership)).toBe(0);
    expect(code(decideWalletMembership(w.ledger.state, { place: w.c.id, wallet: zoe.wallet, asset: w.membership.id, amount: 1, request: 'm2' }, context))).toBe('asset_not_accepted');
    expect(code(decideWalletMembership(w.ledger.state, { place: w.a.id, wallet: zoe.wallet, asset: w.local.id, amount: 1, request: 'm3' }, context))).toBe('wrong_asset_category');
    expect(code(decideWalletMembership(w.ledger.state, { place: w.a.id, wallet: w.a.wallet, asset: w.membership.id, amount: 1, request: 'm4' }, context))).toBe('wrong_wallet_kind');
  });
});

describe('EURO QR payments', () => {
  it('spends the local currency first, then FED, all or nothing', () => {
    const w = world();
    const context = w.ledger.context(T0);
    const zoe = w.ledger.addUser('zoe@example.org');
    w.ledger.apply(decideTopUp(w.ledger.state, { asset: w.local.id, amount: 300, wallet: zoe.wallet, request: 't1' }, context));
    w.ledger.apply(decideTopUp(w.ledger.state, { asset: w.fed.id, amount: 500, wallet: zoe.wallet, paymentRef: 'pi_q', request: 't2' }, context));
    const pay = (amount: number) => decideQrSplit(w.ledger.state, { wallet: zoe.wallet, place: w.a.id, assets: [w.local.id, w.fed.id], amount, request: 'q' }, context);
    expect(code(pay(801))).toBe('insufficient_funds');
    const paid = pay(450);
    expect(paid.ok && paid.transfers.map((transfer) => [transfer.action, transfer.asset, transfer.amount])).toEqual([
      ['QRS', w.local.id, 300],
      ['QRS', w.fed.id, 150],
    ]);
    expect(code(pay(0))).toBe('invalid_amount');
  });
});

describe('wallet badges', () => {
  it('records a passage of a user wallet at a place that accepts the badge, moving nothing', () => {
    const w = world();
    const context = w.ledger.context(T0);
    const zoe = w.ledger.addUser('zoe@example.org');
    const passage = decideWalletBadge(w.ledger.state, { place: w.a.id, wallet: zoe.wallet, asset: w.badge.id, request: 'b1' }, context);
    expect(passage.ok && passage.transfers.map((transfer) => [transfer.action, transfer.sender, transfer.receiver, transfer.amount])).toEqual([['BDG', zoe.wallet, w.a.wallet, 0]]);
    expect(code(decideWalletBadge(w.ledger.state, { place: w.c.id, wallet: zoe.wallet, asset: w.badge.id, request: 'b2' }, context))).toBe('asset_not_accepted');
    expect(code(decideWalletBadge(w.ledger.state, { place: w.a.id, wallet: zoe.wallet, asset: w.local.id, request: 'b3' }, context))).toBe('wrong_asset_category');
    expect(code(decideWalletBadge(w.ledger.state, { place: w.a.id, wallet: w.b.wallet, asset: w.badge.id, request: 'b4' }, context))).toBe('wrong_wallet_kind');
  });
});

describe('fusion asked as a transaction', () => {
  it('needs the whole balance of the named asset, then merges the card whole into the user', () => {
    const { ledger, a, local, gift, context, balance } = topped();
    ledger.apply(decideApiCardMovement(ledger.state, { kind: 'REF', place: a.id, asset: gift.id, amount: 70, card: ALICE, primary: CASHIER_A, request: 'r9' }, context));
    const zoe = ledger.addUser('zoe@example.org');
    expect(code(decideApiFusion(ledger.state, { card: ALICE, user: zoe.id, asset: local.id, amount: 999, request: 'f1' }, context))).toBe('invalid_amount');
    const fusion = decideApiFusion(ledger.state, { card: ALICE, user: zoe.id, asset: local.id, amount: 1000, request: 'f2' }, context);
    expect(fusion.ok && fusion.transfers.map((transfer) => [transfer.action, transfer.amount]).sort()).toEqual([['FUS', 1000], ['FUS', 70]].sort());
    ledger.apply(fusion);
    expect(ledger.state.balances.get(`${zoe.wallet}:${local.id}`)).toBe(1000);
    expect(balance(ALICE, local)).toBe(1000);
    expect(code(decideApiFusion(ledger.state, { card: ALICE, user: zoe.id, asset: local.id, amount: 1000, request: 'f3' }, context))).toBe('card_has_user');
  });
});
