import { describe, expect, it } from 'vitest';
import { cardBlock, cardBlockOf, decideLost, findCard } from '../src';
import { ALICE, T0, world } from './world';

describe('the block rule of a card', () => {
  it('lost wins over debt; any balance below zero is debt; none and zero balances block nothing', () => {
    expect(cardBlockOf(true, [-1, 5])).toBe('lost');
    expect(cardBlockOf(true, [])).toBe('lost');
    expect(cardBlockOf(false, [3, -1])).toBe('debt');
    expect(cardBlockOf(false, [0, 7])).toBeNull();
    expect(cardBlockOf(false, new Map<string, number>().values())).toBeNull();
  });

  it("is the rule the ledger's state applies to its cards", () => {
    const { ledger } = world();
    const card = () => findCard(ledger.state, ALICE)!;
    expect(cardBlock(ledger.state, card())).toBeNull();
    ledger.apply(decideLost(ledger.state, { card: ALICE }, ledger.context(T0)));
    expect(cardBlock(ledger.state, card())).toBe('lost');
    expect(cardBlockOf(card().lostAt !== null, [])).toBe(cardBlock(ledger.state, card()));
  });
});
