import { describe, expect, it } from 'vitest';
import { decideOpeningBalance, type Decision } from '../src';
import { T0, world } from './world';

const code = (decision: Decision) => (decision.ok ? 'ok' : decision.code);
const from = { system: 'fedow', wallet: 'w', asset: 'a' };

describe('opening balances (fedow import-fedow)', () => {
  it('books CRE at the origin then REF to the wallet; conservation and the replay hold', () => {
    const { ledger, local, a } = world();
    const context = ledger.context(T0);
    const alice = ledger.addUser('alice@example.org');
    const decision = decideOpeningBalance(ledger.state, { wallet: alice.wallet, asset: local.id, amount: 1234, from, request: 'o1' }, context);
    expect(decision.ok && decision.transfers.map((t) => [t.action, t.sender, t.receiver, t.amount, t.entry, t.meta])).toEqual([
      ['CRE', a.wallet, a.wallet, 1234, 'o1', { opening: from }],
      ['REF', a.wallet, alice.wallet, 1234, 'o1', { opening: from }],
    ]);
    ledger.apply(decision);
    expect(ledger.state.balances.get(`${alice.wallet}:${local.id}`)).toBe(1234);
    expect(ledger.state.balances.get(`${a.wallet}:${local.id}`) ?? 0).toBe(0);
    expect(ledger.checkInvariants()).toBeNull();
  });

  it('a balance held by the origin itself (a place paid in its own currency) is one CRE; a place holding FED gets it from the primary wallet', () => {
    const { ledger, local, fed, a, b } = world();
    const context = ledger.context(T0);
    const own = decideOpeningBalance(ledger.state, { wallet: a.wallet, asset: local.id, amount: 500, from, request: 'o1' }, context);
    expect(own.ok && own.transfers.map((t) => [t.action, t.receiver])).toEqual([['CRE', a.wallet]]);
    ledger.apply(own);
    const fedAtPlace = decideOpeningBalance(ledger.state, { wallet: b.wallet, asset: fed.id, amount: 700, from, request: 'o2' }, context);
    expect(fedAtPlace.ok && fedAtPlace.transfers.map((t) => [t.action, t.sender, t.receiver])).toEqual([
      ['CRE', ledger.state.primaryWallet, ledger.state.primaryWallet],
      ['REF', ledger.state.primaryWallet, b.wallet],
    ]);
    ledger.apply(fedAtPlace);
    expect(ledger.state.balances.get(`${a.wallet}:${local.id}`)).toBe(500);
    expect(ledger.state.balances.get(`${b.wallet}:${fed.id}`)).toBe(700);
    expect(ledger.checkInvariants()).toBeNull();
  });

  it('never credits a balance twice, nor an unknown wallet or asset, nor an amount that is not a positive integer', () => {
    const { ledger, local } = world();
    const context = ledger.context(T0);
    const alice = ledger.addUser('alice@example.org');
    const base = { wallet: alice.wallet, asset: local.id, amount: 100, from, request: 'o1' };
    ledger.apply(decideOpeningBalance(ledger.state, base, context));
    expect(code(decideOpeningBalance(ledger.state, { ...base, request: 'o2' }, context))).toBe('balance_moved');
    expect(code(decideOpeningBalance(ledger.state, { ...base, wallet: 'nobody' }, context))).toBe('unknown_wallet');
    expect(code(decideOpeningBalance(ledger.state, { ...base, asset: 'nothing' }, context))).toBe('unknown_asset');
    for (const amount of [0, -5, 1.5]) expect(code(decideOpeningBalance(ledger.state, { ...base, amount }, context))).toBe('invalid_amount');
    expect(ledger.state.balances.get(`${alice.wallet}:${local.id}`)).toBe(100);
  });
});
