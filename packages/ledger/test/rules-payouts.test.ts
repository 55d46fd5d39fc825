import { describe, expect, it } from 'vitest';
import { decideBankDeposit, decidePayoutBatch, decideQrSale, decideTopUp, type Decision } from '../src';
import { T0, world } from './world';

const code = (decision: Decision) => (decision.ok ? 'ok' : decision.code);

function funded() {
  const w = world();
  const context = w.ledger.context(T0);
  const alice = w.ledger.addUser('alice@example.org');
  const bob = w.ledger.addUser('bob@example.org');
  w.ledger.apply(decideTopUp(w.ledger.state, { asset: w.fed.id, amount: 5000, wallet: alice.wallet, paymentRef: 'pi_1', request: 'r1' }, context));
  w.ledger.apply(decideTopUp(w.ledger.state, { asset: w.fed.id, amount: 800, wallet: bob.wallet, paymentRef: 'pi_2', request: 'r2' }, context));
  return { ...w, context, alice, bob };
}

describe('SEPA payout batches', () => {
  it('books one RFD to the primary wallet per payout, naming payout and batch, and destroys the money', () => {
    const { ledger, fed, alice, bob, context } = funded();
    const decision = decidePayoutBatch(
      ledger.state,
      { batch: 'b1', payouts: [{ id: 'p1', wallet: alice.wallet, amount: 3000, card: null }, { id: 'p2', wallet: bob.wallet, amount: 800, card: null }], request: 'q1' },
      context,
    );
    expect(decision.ok).toBe(true);
    if (!decision.ok) return;
    expect(decision.transfers.map((t) => [t.action, t.sender, t.receiver, t.amount, t.meta])).toEqual([
      ['RFD', alice.wallet, ledger.state.primaryWallet, 3000, { payout: 'p1', batch: 'b1' }],
      ['RFD', bob.wallet, ledger.state.primaryWallet, 800, { payout: 'p2', batch: 'b1' }],
    ]);
    // Deciding changed nothing: the caller's state is read only.
    expect(ledger.state.balances.get(`${alice.wallet}:${fed.id}`)).toBe(5000);
    ledger.apply(decision);
    expect(ledger.state.balances.get(`${alice.wallet}:${fed.id}`)).toBe(2000);
    expect(ledger.state.balances.get(`${bob.wallet}:${fed.id}`)).toBe(0);
    expect(ledger.checkInvariants()).toBeNull();
  });

  it('sees two payouts of one wallet together, and refuses the whole batch for the one that no longer fits', () => {
    const { ledger, fed, alice, bob, context } = funded();
    const payouts = [
      { id: 'p1', wallet: bob.wallet, amount: 500, card: null },
      { id: 'p2', wallet: alice.wallet, amount: 3000, card: null },
      { id: 'p3', wallet: alice.wallet, amount: 2001, card: null },
    ];
    const refused = decidePayoutBatch(ledger.state, { batch: 'b1', payouts, request: 'q1' }, context);
    expect(code(refused)).toBe('insufficient_funds');
    expect(refused.ok ? '' : refused.message).toMatch(/^payout p3: .*1 missing/);
    expect(ledger.state.balances.get(`${bob.wallet}:${fed.id}`)).toBe(800);
    expect(code(decidePayoutBatch(ledger.state, { batch: 'b1', payouts: payouts.slice(0, 2), request: 'q2' }, context))).toBe('ok');
  });

  it('refuses an empty batch, a place wallet and a bad amount', () => {
    const { ledger, a, alice, context } = funded();
    expect(code(decidePayoutBatch(ledger.state, { batch: 'b', payouts: [], request: 'q' }, context))).toBe('invalid_amount');
    expect(code(decidePayoutBatch(ledger.state, { batch: 'b', payouts: [{ id: 'p', wallet: a.wallet, amount: 1, card: null }], request: 'q' }, context))).toBe('wrong_wallet_kind');
    expect(code(decidePayoutBatch(ledger.state, { batch: 'b', payouts: [{ id: 'p', wallet: alice.wallet, amount: 0, card: null }], request: 'q' }, context))).toBe('invalid_amount');
  });
});

describe('bank deposits', () => {
  it('carries the operator’s comment in the BNK transfer’s meta, and none when blank', () => {
    const { ledger, fed, a, alice, context } = funded();
    expect(code(ledger.apply(decideQrSale(ledger.state, { wallet: alice.wallet, place: a.id, asset: fed.id, amount: 1200, request: 's1' }, context)))).toBe('ok');
    expect(code(decideBankDeposit(ledger.state, { place: a.id, asset: fed.id, amount: 1201, request: 'd0' }, context))).toBe('insufficient_funds');
    const deposit = ledger.apply(decideBankDeposit(ledger.state, { place: a.id, asset: fed.id, amount: 1000, request: 'd1', comment: ' remise n°12 ' }, context));
    expect(deposit.ok && deposit.transfers.map((t) => [t.action, t.receiver, t.meta])).toEqual([['BNK', ledger.state.primaryWallet, { comment: 'remise n°12' }]]);
    const blank = ledger.apply(decideBankDeposit(ledger.state, { place: a.id, asset: fed.id, amount: 200, request: 'd2', comment: '  ' }, context));
    expect(blank.ok && blank.transfers[0]?.meta).toBeNull();
    expect(ledger.state.balances.get(`${a.wallet}:${fed.id}`)).toBe(0);
    expect(ledger.checkInvariants()).toBeNull();
  });
});
