/**
 * Issue 16.1: a till holds its federation's card set, so "unknown card" means
 * unknown to the hub. A real hub, a real agent: a card imported and never used
 * is a card with nothing on it ("4.50 MLA missing", in the place's currency); a
 * top-up of a card the hub does not know, at a place that enrolls none, is
 * refused before the cash is taken (nothing journaled); a batch imported later
 * reaches the till through the feed. `fedow verify` passes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatorReader } from '@fedow/nfc';
import type { TillAgent } from '@fedow/terminal';
import { importCards } from '../apps/hub/src/directory/cards';
import { CASHIER, approved, startWorld, waitFor, type E2eWorld } from '../support/e2e';

describe('the card set at a till', () => {
  let world: E2eWorld;
  let agent: TillAgent;
  const known = async (uid: string) => (await agent.checkCard(uid))?.known === true;

  beforeAll(async () => {
    world = await startWorld({ cards: 5 });
    agent = await world.pairAgent({ place: 'A', name: 'Bar A set', reader: new SimulatorReader() });
    await waitFor(() => known(world.seeded.cards[0]!), 10_000, 'the card set at the till');
    expect(agent.unlock(CASHIER).ok).toBe(true);
  }, 60_000);

  afterAll(async () => {
    await agent?.close();
    await world?.close();
  });

  it('a never-used imported card is a card with no balance, not an unknown one', async () => {
    const card = world.seeded.cards[1]!;
    expect(agent.cache.lookup(card)).toBeUndefined();
    const check = await agent.checkCard(card);
    expect(check).toMatchObject({ known: true, standing: 'anonymous' });
    const sale = await agent.sale({ amount: 450 }, card);
    expect(sale).toMatchObject({ approve: false, code: 'insufficient_funds', missing: 450, asset: world.seeded.local, reason: '4.50 MLA missing' });
    expect((await agent.checkCard('0BADCAFE'))?.known).toBe(false);
  });

  it('refuses before the cash a top-up the hub would refuse, and tops up a known card the hub then credits', async () => {
    const head = agent.journal.head()?.seq ?? 0;
    const unknown = await agent.topUp({ amount: 1000, payment: 'cash', asset: world.seeded.local }, '0BADCAFE');
    expect(unknown).toMatchObject({ approve: false, code: 'unknown_card' });
    expect(agent.journal.head()?.seq ?? 0).toBe(head);

    const card = world.seeded.cards[2]!;
    approved(await agent.topUp({ amount: 1000, payment: 'cash', asset: world.seeded.local }, card));
    await waitFor(async () => (await world.balance(card, world.seeded.local)) === 1000, 10_000, 'the hub to credit the top-up');
    expect((await world.entries(agent.snapshot().paired!.terminal)).every((entry) => entry.status === 'applied')).toBe(true);
  });

  it('a batch imported later reaches the till', async () => {
    expect(await known('0AB1C2D3')).toBe(false);
    await importCards(world.hub.context, 'https://cards.example/qr/1c0ffee0-0000-4000-8000-000000000001,1001,0AB1C2D3\n', { place: world.seeded.placeA.id, generation: 2, primary: false });
    await waitFor(() => known('0AB1C2D3'), 10_000, 'the new batch at the till');
    expect(await agent.sale({ amount: 200 }, '0AB1C2D3')).toMatchObject({ approve: false, code: 'insufficient_funds', reason: '2.00 MLA missing' });
    expect((await world.verify()).firstDiscrepancy).toBeNull();
  });
});
