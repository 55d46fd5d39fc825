import { afterEach, describe, expect, it } from 'vitest';
import { CardFeed, type FeedSubscriber } from '../src/sync/card-feed';
import { deltaCards, forPlace, type CardFacts, type PlaceView } from '../src/sync/card-states';
import * as repo from '../src/storage/repo';
import { seedHub, type Seeded } from './support/seed';

let seeded: Seeded | undefined;
afterEach(async () => {
  await seeded?.close();
  seeded = undefined;
});

/**
 * A subscriber that behaves like a session busy with its own pushes: a
 * delivery only queues its update, which goes out when `flush` is called.
 */
class BusyTill implements FeedSubscriber {
  sent = 0;
  queued = 0;
  deliveries = 0;
  catchUps = 0;
  constructor(start: number) {
    this.sent = start;
    this.queued = start;
  }
  get feedCursor(): number {
    return Math.max(this.sent, this.queued);
  }
  deliver(_facts: readonly CardFacts[], cursor: number): void {
    this.deliveries++;
    this.queued = cursor;
  }
  catchUp(): void {
    this.catchUps++;
  }
  flush(): void {
    this.sent = this.queued;
  }
}

describe('the card feed', () => {
  it('delivers each round to a till whose earlier update is still queued, rather than making it read a catch-up', async () => {
    seeded = await seedHub({ cards: 4 });
    const { context } = seeded.hub;
    const feed = new CardFeed(context);
    await feed.start();
    const till = new BusyTill(feed.position);
    feed.subscribe(till);
    const [cardA, cardB] = [...(await repo.loadCardsByTag(context.storage.read, seeded.cards.slice(0, 2))).values()];
    for (const card of [cardA!, cardB!, cardA!]) {
      await context.storage.transaction((tx) => repo.appendCardChanges(tx, [card.id], new Date().toISOString()));
      feed.notify();
      await feed.idle();
    }
    expect({ deliveries: till.deliveries, catchUps: till.catchUps }).toEqual({ deliveries: 3, catchUps: 0 });
    till.flush();
    expect(till.feedCursor).toBe(feed.position);
  });

  it('makes a till that is really behind catch up by itself', async () => {
    seeded = await seedHub({ cards: 2 });
    const { context } = seeded.hub;
    const feed = new CardFeed(context);
    await feed.start();
    const behind = new BusyTill(feed.position - 1);
    feed.subscribe(behind);
    const [card] = [...(await repo.loadCardsByTag(context.storage.read, seeded.cards.slice(0, 1))).values()];
    await context.storage.transaction((tx) => repo.appendCardChanges(tx, [card!.id], new Date().toISOString()));
    feed.notify();
    await feed.idle();
    expect({ deliveries: behind.deliveries, catchUps: behind.catchUps }).toEqual({ deliveries: 0, catchUps: 1 });
  });
});

describe('delta cards shared by the tills of a place', () => {
  const facts: CardFacts[] = [
    { id: 'c1', uid: 'AA01', wallet: 'w1', balances: new Map([['local', 500], ['gift', 200]]), memberships: new Map(), lost: false, primaryFor: [] },
    { id: 'c2', uid: 'AA02', wallet: 'w2', balances: new Map([['gift', -100]]), memberships: new Map(), lost: false, primaryFor: [] },
    { id: 'c3', uid: 'AA03', wallet: 'w3', balances: new Map(), memberships: new Map([['member', '2027-01-01']]), lost: true, primaryFor: ['p1'] },
  ];
  const view = (place: string, accepted: string[]): PlaceView => ({ place, placeWallet: `${place}-wallet`, accepted: new Set(accepted), assets: [], policy: {} as PlaceView['policy'], primaries: [], catalogue: [] });

  it('is the JSON of forPlace for each card, once per place and accepted assets', () => {
    const first = view('p1', ['local', 'member']);
    const text = deltaCards(facts, first);
    expect(JSON.parse(text.json)).toEqual(facts.map((fact) => forPlace(fact, first, true)));
    expect(text.count).toBe(3);
    // Another till of the same place, its view built separately: the same text object.
    expect(deltaCards(facts, view('p1', ['member', 'local']))).toBe(text);
    const other = view('p2', ['gift']);
    const otherText = deltaCards(facts, other);
    expect(otherText).not.toBe(text);
    expect(JSON.parse(otherText.json)).toEqual(facts.map((fact) => forPlace(fact, other, true)));
  });
});
