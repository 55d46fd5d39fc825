import { afterEach, describe, it } from 'vitest';
import type { Seeded } from '../../../support/seed';
import { DEAD_LETTER_WEBHOOKS, deadLetterAndReplay, failingThenHealthyEndpoint, seededWithWebhooks, SkippingClock } from './support/webhook-scenario';

let world: Seeded | null = null;
afterEach(async () => {
  await world?.close();
  world = null;
});

describe('outgoing webhooks on SQLite', () => {
  it('delivers every transfer once, in order, signed, through failures, a timeout and a slow answer; a dead endpoint holds up nobody', async () => {
    const seeded = await seededWithWebhooks();
    world = seeded;
    await failingThenHealthyEndpoint(seeded);
  }, 180_000);

  it('dead-letters a message after its retry window, goes on with the next, and replays it on demand', async () => {
    const clock = new SkippingClock();
    const seeded = await seededWithWebhooks(undefined, DEAD_LETTER_WEBHOOKS, clock);
    world = seeded;
    await deadLetterAndReplay(seeded, clock);
  }, 120_000);
});
