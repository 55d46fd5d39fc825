import { describe, expect, it } from 'vitest';
import type { Decision } from '../src';
import { ALICE, BOB, CASHIER_A, CASHIER_B, STRANGER, T0, world } from './world';

function code(decision: Decision | 'duplicate') {
  return decision === 'duplicate' ? 'duplicate' : decision.ok ? 'ok' : decision.code;
}

describe('REF (till top-up)', () => {
  it('creates and refills in one decision: CRE then REF', () => {
    const w = world();
    const decision = w.at(w.a, w.entry('REF', { amount: 2000, meta: { payment: 'cash' } }));
    expect(code(decision)).toBe('ok');
    expect(decision !== 'duplicate' && decision.ok && decision.transfers.map((transfer) => transfer.action)).toEqual(['CRE', 'REF']);
    expect(w.balance(ALICE, w.local)).toBe(2000);
    expect(w.placeBalance(w.a, w.local)).toBe(0);
    expect(w.ledger.checkInvariants()).toBeNull();
  });

  it('creates the ephemeral wallet of a card on first need', () => {
    const w = world();
    const before = w.ledger.state.wallets.size;
    w.at(w.a, w.entry('REF', { amount: 100 }));
    expect(w.ledger.state.wallets.size).toBe(before + 1);
    w.at(w.a, w.entry('REF', { amount: 100 }));
    expect(w.ledger.state.wallets.size).toBe(before + 1);
    expect(w.balance(ALICE, w.local)).toBe(200);
  });

  it('refuses an asset the place did not issue', () => {
    const w = world();
    expect(code(w.at(w.b, w.entry('REF', { amount: 100, primary: CASHIER_B })))).toBe('not_asset_origin');
  });

  it('refuses FED without a payment reference', () => {
    const w = world();
    expect(code(w.at(w.a, w.entry('REF', { amount: 100, asset: w.fed.id })))).toBe('payment_reference_required');
  });

  it('refuses a cashier card of another place', () => {
    const w = world();
    expect(code(w.at(w.a, w.entry('REF', { amount: 100, primary: CASHIER_B })))).toBe('invalid_primary_card');
  });

  it('refuses an unknown card unless the place enrolls unknown cards', () => {
    const w = world();
    expect(code(w.at(w.a, w.entry('REF', { amount: 100, card: STRANGER })))).toBe('unknown_card');
    w.ledger.state.places.set(w.a.id, { ...w.a, enrollUnknownCards: true });
    expect(code(w.at(w.a, w.entry('REF', { amount: 100, card: STRANGER })))).toBe('ok');
    expect(w.balance(STRANGER, w.local)).toBe(100);
  });

  it('refuses zero, badge and membership assets', () => {
    const w = world();
    expect(code(w.at(w.a, w.entry('REF', { amount: 0 })))).toBe('invalid_amount');
    expect(code(w.at(w.a, w.entry('REF', { amount: 10, asset: w.badge.id })))).toBe('wrong_asset_category');
    expect(code(w.at(w.a, w.entry('REF', { amount: 10, asset: w.membership.id })))).toBe('wrong_asset_category');
  });
});

describe('SAL (sale)', () => {
  it('moves money from the card to the place', () => {
    const w = world();
    w.at(w.a, w.entry('REF', { amount: 1000 }));
    expect(code(w.at(w.a, w.entry('SAL', { amount: 350 })))).toBe('ok');
    expect(w.balance(ALICE, w.local)).toBe(650);
    expect(w.placeBalance(w.a, w.local)).toBe(350);
  });

  it('sells a federated asset at another place of the federation', () => {
    const w = world();
    w.at(w.a, w.entry('REF', { amount: 1000 }));
    expect(code(w.at(w.b, w.entry('SAL', { amount: 400, primary: CASHIER_B })))).toBe('ok');
    expect(w.placeBalance(w.b, w.local)).toBe(400);
  });

  it('refuses an asset the place does not accept', () => {
    const w = world();
    w.at(w.a, w.entry('REF', { amount: 1000 }));
    w.ledger.addCard('CA5C0001', { primaryFor: [w.c.id] });
    expect(code(w.at(w.c, w.entry('SAL', { amount: 100, primary: 'CA5C0001' })))).toBe('asset_not_accepted');
    expect(code(w.at(w.b, w.entry('SAL', { amount: 100, primary: CASHIER_B, asset: w.gift.id })))).toBe('asset_not_accepted');
  });

  it('refuses a short balance when the till was online', () => {
    const w = world();
    w.at(w.a, w.entry('REF', { amount: 300 }));
    const decision = w.at(w.a, w.entry('SAL', { amount: 350 }));
    expect(code(decision)).toBe('insufficient_funds');
    expect(decision !== 'duplicate' && !decision.ok && decision.message).toContain('50 missing');
    expect(w.balance(ALICE, w.local)).toBe(300);
  });

  it('applies an offline-authorised overdraw as debt and blocks the card', () => {
    const w = world();
    w.at(w.a, w.entry('REF', { amount: 300 }));
    const decision = w.at(w.a, w.entry('SAL', { amount: 350, auth: 'offline' }));
    expect(code(decision)).toBe('ok');
    expect(decision !== 'duplicate' && decision.ok && decision.effects.some((effect) => effect.type === 'debt')).toBe(true);
    expect(w.balance(ALICE, w.local)).toBe(-50);
    expect(code(w.at(w.a, w.entry('SAL', { amount: 10 })))).toBe('card_blocked');
    expect(w.ledger.checkInvariants()).toBeNull();
    // A top-up that clears the debt unblocks the card.
    w.at(w.a, w.entry('REF', { amount: 100 }));
    expect(code(w.at(w.a, w.entry('SAL', { amount: 10 })))).toBe('ok');
  });

  it('refuses an offline overdraw beyond the offline cap', () => {
    const w = world();
    expect(code(w.at(w.a, w.entry('SAL', { amount: 5001, auth: 'offline' })))).toBe('offline_policy_exceeded');
  });

  it('refuses unknown and lost cards, and zero amounts', () => {
    const w = world();
    expect(code(w.at(w.a, w.entry('SAL', { amount: 1, card: STRANGER })))).toBe('unknown_card');
    w.ledger.apply({ ok: true, transfers: [], effects: [{ type: 'card-lost', card: [...w.ledger.state.cards.values()].find((card) => card.firstTagId === ALICE)!.id, at: T0 }] });
    expect(code(w.at(w.a, w.entry('SAL', { amount: 1 })))).toBe('card_lost');
    expect(code(w.at(w.a, w.entry('SAL', { amount: 0, card: BOB })))).toBe('invalid_amount');
  });

  it('finds a 7-byte card imported by its first 4 bytes', () => {
    const w = world();
    w.ledger.addCard('04C0FFEE');
    w.at(w.a, w.entry('REF', { amount: 100, card: '04C0FFEE' }));
    expect(code(w.at(w.a, w.entry('SAL', { amount: 50, card: '04C0FFEE112233' })))).toBe('ok');
  });

  it('refuses archived assets', () => {
    const w = world();
    w.at(w.a, w.entry('REF', { amount: 100 }));
    w.ledger.state.assets.set(w.local.id, { ...w.local, archived: true });
    expect(code(w.at(w.a, w.entry('SAL', { amount: 50 })))).toBe('asset_archived');
  });
});

describe('SUB (membership)', () => {
  it('credits the membership token without debiting the place and sets validity', () => {
    const w = world();
    expect(code(w.at(w.a, w.entry('SUB', { amount: 1500, asset: w.membership.id })))).toBe('ok');
    expect(w.balance(ALICE, w.membership)).toBe(1500);
    expect(w.placeBalance(w.a, w.membership)).toBe(0);
    const membership = [...w.ledger.state.memberships.values()][0]!;
    expect(membership.validUntil).toBe('2026-08-13T20:00:00.000Z');
    // A renewal extends from the current end.
    w.at(w.a, w.entry('SUB', { amount: 1500, asset: w.membership.id }));
    expect([...w.ledger.state.memberships.values()][0]!.validUntil).toBe('2026-09-12T20:00:00.000Z');
    expect(w.ledger.checkInvariants()).toBeNull();
  });

  it('is sold by a federated place, not by a stranger, and only for SUB assets', () => {
    const w = world();
    expect(code(w.at(w.b, w.entry('SUB', { amount: 1500, asset: w.membership.id, primary: CASHIER_B })))).toBe('ok');
    expect(code(w.at(w.a, w.entry('SUB', { amount: 1500, asset: w.local.id })))).toBe('wrong_asset_category');
  });
});

describe('BDG (badge)', () => {
  it('records a passage with amount 0 and no balance change', () => {
    const w = world();
    const decision = w.at(w.a, w.entry('BDG', { asset: w.badge.id }));
    expect(code(decision)).toBe('ok');
    expect(decision !== 'duplicate' && decision.ok && decision.transfers[0]!.action).toBe('BDG');
    expect(w.balance(ALICE, w.badge)).toBe(0);
  });

  it('refuses a non-zero amount and a non-badge asset', () => {
    const w = world();
    expect(code(w.at(w.a, w.entry('BDG', { asset: w.badge.id, amount: 1 })))).toBe('invalid_amount');
    expect(code(w.at(w.a, w.entry('BDG', { asset: w.local.id })))).toBe('wrong_asset_category');
  });
});

describe('RFD (refund)', () => {
  it('destroys a refunded local asset at its origin', () => {
    const w = world();
    w.at(w.a, w.entry('REF', { amount: 1000 }));
    expect(code(w.at(w.a, w.entry('RFD', { amount: 400 })))).toBe('ok');
    expect(w.balance(ALICE, w.local)).toBe(600);
    expect(w.placeBalance(w.a, w.local)).toBe(0);
    expect(w.ledger.checkInvariants()).toBeNull();
  });

  it('refuses more than the balance, another place\'s asset, and offline refunds', () => {
    const w = world();
    w.at(w.a, w.entry('REF', { amount: 1000 }));
    expect(code(w.at(w.a, w.entry('RFD', { amount: 1001 })))).toBe('insufficient_funds');
    expect(code(w.at(w.b, w.entry('RFD', { amount: 10, primary: CASHIER_B })))).toBe('not_asset_origin');
    expect(code(w.at(w.a, w.entry('RFD', { amount: 10, auth: 'offline' })))).toBe('offline_not_allowed');
  });

  it('refuses to refund a card in debt, even an asset it holds', () => {
    const w = world();
    w.at(w.a, w.entry('REF', { amount: 500, asset: w.gift.id }));
    w.at(w.a, w.entry('SAL', { amount: 100, auth: 'offline' }));
    expect(w.balance(ALICE, w.local)).toBe(-100);
    expect(code(w.at(w.a, w.entry('RFD', { amount: 200, asset: w.gift.id })))).toBe('card_blocked');
    expect(w.balance(ALICE, w.gift)).toBe(500);
  });
});

describe('VID (void)', () => {
  it('refunds every refundable asset, then detaches the card', () => {
    const w = world();
    w.at(w.a, w.entry('REF', { amount: 1000 }));
    w.at(w.a, w.entry('REF', { amount: 500, asset: w.gift.id }));
    const decision = w.at(w.a, w.entry('VID', {}));
    expect(code(decision)).toBe('ok');
    expect(decision !== 'duplicate' && decision.ok && decision.transfers.map((transfer) => [transfer.action, transfer.amount]).sort()).toEqual([
      ['RFD', 1000],
      ['RFD', 500],
    ]);
    const card = [...w.ledger.state.cards.values()].find((candidate) => candidate.firstTagId === ALICE)!;
    expect(card.ephemeralWallet).toBeNull();
    expect(w.ledger.checkInvariants()).toBeNull();
  });

  it('refuses to void a card in debt or while offline', () => {
    const w = world();
    w.at(w.a, w.entry('SAL', { amount: 100, auth: 'offline' }));
    expect(code(w.at(w.a, w.entry('VID', {})))).toBe('card_blocked');
    expect(code(w.at(w.a, w.entry('VID', { card: BOB, auth: 'offline' })))).toBe('offline_not_allowed');
  });
});

describe('entries', () => {
  it('applies an entry id once: a replay is a duplicate', () => {
    const w = world();
    const body = w.entry('REF', { amount: 100 });
    expect(code(w.at(w.a, body))).toBe('ok');
    expect(code(w.at(w.a, body))).toBe('duplicate');
    expect(w.balance(ALICE, w.local)).toBe(100);
  });

  it('stores a rejected entry with its reason', () => {
    const w = world();
    const body = w.entry('SAL', { amount: 100 });
    w.at(w.a, body);
    expect(w.ledger.entries.get(body.id)).toMatchObject({ status: 'rejected', reason: 'insufficient_funds' });
  });

  it('refuses a primary card that was declared lost', () => {
    const w = world();
    const cashier = [...w.ledger.state.cards.values()].find((card) => card.firstTagId === CASHIER_A)!;
    w.ledger.apply({ ok: true, transfers: [], effects: [{ type: 'card-lost', card: cashier.id, at: T0 }] });
    expect(code(w.at(w.a, w.entry('REF', { amount: 100 })))).toBe('invalid_primary_card');
  });
});

describe('full UIDs', () => {
  it('stores the full UID a reader gives for a card known by its first 4 bytes, and refuses one that contradicts it', () => {
    const w = world();
    const full = `${ALICE}5D6E80`;
    const first = w.at(w.a, w.entry('REF', { amount: 500, card: full }));
    expect(code(first)).toBe('ok');
    expect(first !== 'duplicate' && first.ok && first.effects[0]).toMatchObject({ type: 'card-uid', uid: full });
    const card = [...w.ledger.state.cards.values()].find((candidate) => candidate.firstTagId === ALICE)!;
    expect(card.uid).toBe(full);
    // The same card read by its 4 bytes, or by the same full UID, is still that card.
    expect(code(w.at(w.a, w.entry('SAL', { amount: 100 })))).toBe('ok');
    expect(code(w.at(w.a, w.entry('SAL', { amount: 100, card: full })))).toBe('ok');
    // Another full UID with the same first 4 bytes: possibly a clone.
    expect(code(w.at(w.a, w.entry('SAL', { amount: 100, card: `${ALICE}000001` })))).toBe('uid_mismatch');
    expect(w.balance(ALICE, w.local)).toBe(300);
    expect(w.ledger.checkInvariants()).toBeNull();
  });
});
