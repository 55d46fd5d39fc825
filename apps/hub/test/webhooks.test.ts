import { afterEach, describe, it } from 'vitest';
import type { Seeded } from './support/seed';
import { deadLetterAndReplay, failingThenHealthyEndpoint, FAST_WEBHOOKS, seededWithWebhooks } from './support/webhook-scenario';

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
    const seeded = await seededWithWebhooks(undefined, { ...FAST_WEBHOOKS, retry: { firstDelayMs: 20, delayMsMax: 100, retryForMs: 400 } });
    world = seeded;
    await deadLetterAndReplay(seeded);
  }, 120_000);
});
