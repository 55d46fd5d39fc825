import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { DIALECTS, freshDatabase } from '../../../test/support/dialects';
import { CardFeed, type FeedSubscriber } from '../src/sync/card-feed';
import { deltaCards, forPlace, placeView, snapshotCardIds, type CardFacts, type PlaceView } from '../src/sync/card-states';
import * as repo from '../src/storage/repo';
import { seedHub, type Seeded } from '../../../support/seed';

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
  readonly ackedSeq = 0;
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

describe.each(DIALECTS)('a full snapshot on %s', (dialect) => {
  const database = freshDatabase(dialect);

  it('names every card in debt, even in an asset the place does not accept, whether it spends from its own wallet or its user’s', async () => {
    const databaseUrl = await database();
    seeded = await seedHub(databaseUrl ? { cards: 2, databaseUrl } : { cards: 2 });
    const { storage } = seeded.hub.context;
    const own = { card: randomUUID(), wallet: randomUUID() };
    const user = { id: randomUUID(), card: randomUUID(), wallet: randomUUID() };
    await storage.transaction(async (tx) => {
      await repo.insertWallets(tx, [{ id: own.wallet, kind: 'ephemeral' }, { id: user.wallet, kind: 'user' }]);
      await repo.insertUser(tx, { id: user.id, email: 'debtor@example.org', walletId: user.wallet, createdAt: new Date().toISOString() });
      await repo.insertCards(tx, [
        { id: own.card, firstTagId: 'DEB70001', ephemeralWalletId: own.wallet },
        { id: user.card, firstTagId: 'DEB70002', userId: user.id },
      ]);
      // The gift asset is place A's own: place B does not accept it.
      await repo.applyBalanceDeltas(tx, [
        { walletId: own.wallet, assetId: seeded!.gift, delta: -150 },
        { walletId: user.wallet, assetId: seeded!.gift, delta: -80 },
      ]);
    });
    const view = await placeView(storage.read, seeded.placeB.id, null);
    expect(view.accepted.has(seeded.gift)).toBe(false);
    const ids = await snapshotCardIds(storage.read, view);
    expect(ids).toEqual(expect.arrayContaining([own.card, user.card]));
  });
});

describe('delta cards shared by the tills of a place', () => {
  const facts: CardFacts[] = [
    { id: 'c1', uid: 'AA01', wallet: 'w1', balances: new Map([['local', 500], ['gift', 200]]), activity: new Map(), memberships: new Map(), lost: false, primaryFor: [] },
    { id: 'c2', uid: 'AA02', wallet: 'w2', balances: new Map([['gift', -100]]), activity: new Map(), memberships: new Map(), lost: false, primaryFor: [] },
    { id: 'c3', uid: 'AA03', wallet: 'w3', balances: new Map(), activity: new Map(), memberships: new Map([['member', '2027-01-01']]), lost: true, primaryFor: ['p1'] },
  ];
  const view = (place: string, accepted: string[]): PlaceView => ({ place, placeWallet: `${place}-wallet`, accepted: new Set(accepted), melting: new Set(), assets: [], policy: {} as PlaceView['policy'], primaries: [], catalogue: [] });

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
