import { describe, expect, it } from 'vitest';
import { commit, decideRepair, decideTopUp, decideWalletCorrection, type Decision } from '../src';
import { T0, world } from './world';

const code = (decision: Decision) => (decision.ok ? 'ok' : decision.code);

function funded() {
  const w = world();
  const context = w.ledger.context(T0);
  const alice = w.ledger.addUser('alice@example.org');
  w.ledger.apply(decideTopUp(w.ledger.state, { asset: w.local.id, amount: 500, wallet: alice.wallet, request: 'r1' }, context));
  return { ...w, context, alice, key: `${alice.wallet}:${w.local.id}` };
}

describe('corrections and repairs', () => {
  it('a credit comes from the primary wallet, a debit goes to it; both keep the invariants', () => {
    const { ledger, local, alice, context, key } = funded();
    const credit = decideWalletCorrection(ledger.state, { wallet: alice.wallet, asset: local.id, amount: 70, direction: 'credit', reason: 'till miscount', request: 'c1' }, context);
    expect(credit.ok && credit.transfers.map((t) => [t.action, t.sender, t.receiver, t.amount, t.meta])).toEqual([
      ['COR', ledger.state.primaryWallet, alice.wallet, 70, { reason: 'till miscount' }],
    ]);
    ledger.apply(credit);
    expect(ledger.state.balances.get(key)).toBe(570);
    ledger.apply(decideWalletCorrection(ledger.state, { wallet: alice.wallet, asset: local.id, amount: 100, direction: 'debit', reason: 'double top-up', request: 'c2' }, context));
    expect(ledger.state.balances.get(key)).toBe(470);
    expect(ledger.checkInvariants()).toBeNull();
  });

  it('refuses a debit into debt, a missing reason, and the primary wallet', () => {
    const { ledger, local, alice, context } = funded();
    const base = { wallet: alice.wallet, asset: local.id, amount: 10, direction: 'credit' as const, reason: 'x', request: 'c' };
    expect(code(decideWalletCorrection(ledger.state, { ...base, direction: 'debit', amount: 501 }, context))).toBe('insufficient_funds');
    expect(code(decideWalletCorrection(ledger.state, { ...base, reason: '  ' }, context))).toBe('reason_required');
    expect(code(decideWalletCorrection(ledger.state, { ...base, wallet: ledger.state.primaryWallet }, context))).toBe('wrong_wallet_kind');
    expect(code(decideWalletCorrection(ledger.state, { ...base, amount: 0 }, context))).toBe('invalid_amount');
  });

  it('a repair sets the stored balance to the replay, with no transfer, only against the balance it read', () => {
    const { ledger, local, alice, key } = funded();
    ledger.state.balances.set(key, 900); // a balance altered by hand
    expect(code(decideRepair(ledger.state, { wallet: alice.wallet, asset: local.id, stored: 800, replayed: 500, reason: 'repair' }))).toBe('balance_moved');
    expect(code(decideRepair(ledger.state, { wallet: alice.wallet, asset: local.id, stored: 900, replayed: 900, reason: 'repair' }))).toBe('invalid_amount');
    expect(code(decideRepair(ledger.state, { wallet: alice.wallet, asset: local.id, stored: 900, replayed: 500, reason: '' }))).toBe('reason_required');
    const repair = decideRepair(ledger.state, { wallet: alice.wallet, asset: local.id, stored: 900, replayed: 500, reason: 'repair: stored 900, replay 500' });
    expect(repair).toEqual({ ok: true, transfers: [], effects: [{ type: 'balance-restored', wallet: alice.wallet, asset: local.id, from: 900, to: 500 }] });
    if (repair.ok) commit(ledger.state, repair);
    expect(ledger.state.balances.get(key)).toBe(500);
    expect(ledger.checkInvariants()).toBeNull();
  });
});
