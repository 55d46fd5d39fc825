import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, it } from 'vitest';
import { buildHub, type Hub } from '../src/app';
import { configFromEnv } from '../src/config';
import { startPostgres, type TestPostgres } from '../../../support/postgres';
import type { Seeded } from '../../../support/seed';
import { DEAD_LETTER_WEBHOOKS, deadLetterAndReplay, failingThenHealthyEndpoint, FAST_WEBHOOKS, seededWithWebhooks, SkippingClock } from './support/webhook-scenario';

let server: TestPostgres;
let world: Seeded | null = null;
let second: Hub | null = null;
beforeAll(async () => {
  server = await startPostgres();
}, 120_000);
afterEach(async () => {
  await second?.close();
  second = null;
  await world?.close();
  world = null;
});
afterAll(() => server?.stop());

describe('outgoing webhooks on PostgreSQL', () => {
  it('two hub processes on one database: one deliverer, every transfer once and in commit order, through failures and a dead endpoint', async () => {
    const url = await server.createDatabase();
    const seeded = await seededWithWebhooks(url);
    world = seeded;
    // A second hub on the same database, with its own deliverer racing for the lock.
    second = await buildHub(configFromEnv({}, { databaseUrl: url, keyPath: join(seeded.dir, 'hub.key'), log: false, webhooks: FAST_WEBHOOKS }));
    await failingThenHealthyEndpoint(seeded);
  }, 240_000);

  it('dead-letters after the retry window and replays', async () => {
    const clock = new SkippingClock();
    const seeded = await seededWithWebhooks(await server.createDatabase(), DEAD_LETTER_WEBHOOKS, clock);
    world = seeded;
    await deadLetterAndReplay(seeded, clock);
  }, 120_000);
});
