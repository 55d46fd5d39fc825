import { afterEach, describe, expect, it } from 'vitest';
import { seedHub, type Seeded } from '../support/seed';
import { DIALECTS, freshDatabase } from './support/dialects';
import { SyncFuzzer } from './fuzz/sync-fuzz';

/**
 * `/sync` fuzzed over a real WebSocket (issue 15, part 2): signed entries with
 * fields drawn anywhere and chains broken on purpose, and messages broken below
 * the signature. `npm run fuzz` runs the long campaign.
 */
const CASES = { sqlite: 1_000, postgres: 200 } as const;

describe.each(DIALECTS)('/sync fuzzing on %s', (dialect) => {
  const database = freshDatabase(dialect);
  let world: Seeded | undefined;
  let fuzzer: SyncFuzzer | undefined;
  afterEach(async () => {
    fuzzer?.stop();
    await world?.close();
  });

  it('never fails on its own (1011), never stores a broken message, and its ledger verifies', async () => {
    world = await seedHub({ databaseUrl: await database() });
    await world.hub.app.listen({ host: '127.0.0.1', port: 0 });
    const address = world.hub.app.server.address();
    fuzzer = new SyncFuzzer(world, `ws://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/sync`);
    await fuzzer.start();
    const report = await fuzzer.run({ cases: CASES[dialect], seed: 15_021 });
    console.log(JSON.stringify(report.outcomes));
    expect(report.cases).toBe(CASES[dialect]);
    // The cases must reach the ledger's rules, not only the parser: some pushes applied, some refused by a rule.
    expect(report.outcomes['push: ack'] ?? 0).toBeGreaterThan(CASES[dialect] / 10);
    // ...and no one refusal may swallow the campaign: once a till voided its own
    // cashier card, every later entry of its place was refused as invalid_primary_card.
    const results = Object.entries(report.outcomes).filter(([outcome]) => outcome.startsWith('entry ')).map(([, count]) => count);
    const entries = results.reduce((sum, count) => sum + count, 0);
    expect(Math.max(...results)).toBeLessThan(entries / 3);
    expect(report.outcomes['entry applied'] ?? 0).toBeGreaterThan(entries / 10);
  }, 600_000);
});
