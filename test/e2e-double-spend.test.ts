/**
 * Two tills, each offline and each inside its own caps, sell on the same card
 * beyond its balance. When they reconnect the hub applies both offline sales
 * (the customers have their drinks), records the debt as a negative balance and
 * blocks the card; both tills learn it from their card updates, and a further
 * online sale is declined by the till's own authoriser.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatorReader } from '@fedow/nfc';
import type { TillAgent } from '@fedow/terminal';
import { CASHIER, CASHIER_B, approved, journalEntries, startWorld, waitFor, type E2eWorld } from '../support/e2e';

describe('two tills selling offline on the same card', () => {
  let world: E2eWorld;
  let barA: TillAgent;
  let barB: TillAgent;
  const readerA = new SimulatorReader({ name: 'Bar A reader' });
  const readerB = new SimulatorReader({ name: 'Bar B reader' });

  beforeAll(async () => {
    world = await startWorld();
    // Two places of one federation: Bar B accepts Bar A's local currency.
    barA = await world.pairAgent({ place: 'A', name: 'Bar A 1', reader: readerA });
    barB = await world.pairAgent({ place: 'B', name: 'Bar B 1', reader: readerB });
  });

  afterAll(async () => {
    await world?.close();
  });

  it('ends in a debt the hub blocks the card for, and both tills know it', async () => {
    const { local } = world.seeded;
    const card = world.seeded.cards[0]!;
    readerA.tap(CASHIER);
    readerB.tap(CASHIER_B);
    approved(await barA.topUp({ amount: 6_000, payment: 'cash', asset: local }, card));
    const funded = (agent: TillAgent) => agent.cache.lookup(card)?.state.balances[local] === 6_000;
    await waitFor(() => funded(barA) && funded(barB) && barA.snapshot().sync.pendingCount === 0, 10_000, 'both tills to see the funded card');

    await world.stop();
    await waitFor(() => barA.snapshot().sync.status !== 'online' && barB.snapshot().sync.status !== 'online', 10_000, 'both tills offline');
    // Each till alone stays inside the card's balance and the default caps (5,000 per sale).
    const saleA = approved(await barA.sale({ amount: 4_500 }, card));
    const saleB = approved(await barB.sale({ amount: 4_000 }, card));
    expect([saleA.auth, saleB.auth]).toEqual(['offline', 'offline']);
    expect(saleA.balances.find((view) => view.asset === local)?.available).toBe(1_500);
    expect(saleB.balances.find((view) => view.asset === local)?.available).toBe(2_000);

    await world.start();
    const drained = (agent: TillAgent) => agent.snapshot().sync.status === 'online' && agent.snapshot().sync.pendingCount === 0;
    await waitFor(() => drained(barA) && drained(barB), 15_000, 'both tills drained');

    // The hub applied both sales: 6,000 − 4,500 − 4,000.
    const view = await world.card(card);
    expect(view.balances[local]).toBe(-2_500);
    expect(view).toMatchObject({ blocked: true, reason: 'debt' });
    for (const agent of [barA, barB]) {
      const entries = await world.entries(agent.snapshot().paired!.terminal);
      expect(entries.map(({ seq, id, hash }) => ({ seq, id, hash }))).toEqual(journalEntries(agent));
      expect(entries.every((entry) => entry.status === 'applied')).toBe(true);
    }

    const blocked = (agent: TillAgent) => {
      const state = agent.cache.lookup(card)?.state;
      return state?.blocked === true && state.reason === 'debt' && state.balances[local] === -2_500;
    };
    await waitFor(() => blocked(barA) && blocked(barB), 10_000, 'both tills to learn the card is blocked for debt');
    for (const agent of [barA, barB]) {
      expect(await agent.checkCard(card)).toMatchObject({ standing: 'blocked', blocked: true });
    }

    // Online now, and the till itself refuses: nothing is journaled or sent.
    const headA = barA.journal.head()!.seq;
    expect(barA.snapshot().sync.status).toBe('online');
    expect(await barA.sale({ amount: 100 }, card)).toMatchObject({ approve: false, code: 'card_blocked', reason: 'Card blocked: top it up first' });
    expect(await barB.sale({ amount: 100 }, card)).toMatchObject({ approve: false, code: 'card_blocked' });
    expect(barA.journal.head()!.seq).toBe(headA);

    const verified = await world.verify();
    expect(verified.firstDiscrepancy).toBeNull();
    expect(verified.ok).toBe(true);
  }, 60_000);
});
