
import type { HubContext } from '../context';
import * as repo from '../storage/repo';
import { cardFacts, type CardFacts } from './card-states';

/** Changes read in one go; a till further behind catches up in several rounds. */
const CHANGES_PAGE_MAX = 20_000;

export interface FeedSubscriber {
  /**
   * The card-change cursor this till will be at once the updates already
   * queued for it are sent. Compared with what was sent, not what was queued,
   * a till busy with its own pushes looked behind at every round and read its
   * own catch-up from the database: with 100 tills, 100 reads of the same rows.
   */
  readonly feedCursor: number;
  /** The till's last entry the hub has committed (and acked), now. */
  readonly ackedSeq: number;
  /**
   * Deliver the facts of cards that changed up to `cursor`. `appliedThrough` is
   * the till's acked seq read BEFORE the facts: every entry up to it is in them.
   */
  deliver(facts: readonly CardFacts[], cursor: number, appliedThrough: number): void;
  /** The till is behind the feed: it reads its own catch-up. */
  catchUp(): void;
}

/**
 * Turns committed card changes into updates for connected tills. Each round
 * reads the changes after the feed's cursor once, computes the cards' facts
 * once, and hands them to every till that is in step; a till that is behind
 * (it just connected, or was mid-snapshot) catches up by itself. Rounds never
 * overlap and run in cursor order, so no change is skipped or sent twice.
 */
export class CardFeed {
  private cursor = 0;
  private running: Promise<void> | null = null;
  private again = false;
  private readonly subscribers = new Set<FeedSubscriber>();

  constructor(private readonly context: HubContext) {}

  async start(): Promise<void> {
    this.cursor = await repo.latestCardChange(this.context.storage.read);
  }

  get position(): number {
    return this.cursor;
  }

  subscribe(subscriber: FeedSubscriber): () => void {
    this.subscribers.add(subscriber);
    return () => this.subscribers.delete(subscriber);
  }

  /** Something committed card changes: run a round now, or right after the current one. */
  notify(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.round()
      .catch((error: unknown) => {
        this.context.events.emit('internal-error', { where: 'card feed', error });
      })
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.notify();
        }
      });
  }

  /** Waits until no round is running (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async round(): Promise<void> {
    const from = this.cursor;
    const changes = await repo.listCardChangesAfter(this.context.storage.read, from, CHANGES_PAGE_MAX);
    if (changes.cursor === from) return;
    // Before the facts are read: an entry committed meanwhile may be in them, but
    // every entry up to a till's appliedThrough is (a till counts its entries above it).
    const acked = new Map([...this.subscribers].map((subscriber) => [subscriber, subscriber.ackedSeq] as const));
    const facts = await cardFacts(this.context.storage.read, changes.cardIds);
    this.cursor = changes.cursor;
    for (const subscriber of this.subscribers) {
      if (subscriber.feedCursor === from) subscriber.deliver(facts, changes.cursor, acked.get(subscriber) ?? 0);
      else if (subscriber.feedCursor < changes.cursor) subscriber.catchUp();
    }
    if (changes.cardIds.length >= CHANGES_PAGE_MAX) this.again = true;
  }
}

