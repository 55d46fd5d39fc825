import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { factoryCsv, removeTestDirs, seedPlace, startTestHub, type TestHub } from '../apps/hub/test/admin-support';
import { verifyChain } from '../apps/hub/src/verify/verify-chain';
import { DIALECTS, freshDatabase } from './support/dialects';
import { fuzzAdminApi } from './fuzz/admin-fuzz';

/**
 * Every admin operation, fuzzed from its OpenAPI description (issue 15, part 2).
 * `npm run fuzz -- --cases 100000` runs the long campaign; these few thousand
 * cases run with the tests. A failure prints fast-check's seed and case.
 */
const CASES = { sqlite: 2_000, postgres: 400 } as const;

afterAll(removeTestDirs);

describe.each(DIALECTS)('admin API fuzzing on %s', (dialect) => {
  const database = freshDatabase(dialect);
  let hub: TestHub | undefined;
  afterEach(async () => {
    await hub?.close();
    hub = undefined;
  });

  it('answers every generated and mutated request below 500, typed, and a refusal changes nothing', async () => {
    hub = await startTestHub(await database());
    const tags = await seedWorld(hub);
    const report = await fuzzAdminApi(hub, { cases: CASES[dialect], seed: 15_002, tags });
    expect(report.cases).toBe(CASES[dialect]);
    // The generator must get past validation: a fuzzer that only ever hears 400 tests the parser alone.
    const accepted = Object.entries(report.statuses).filter(([status]) => Number(status) < 300).reduce((sum, [, count]) => sum + count, 0);
    expect(accepted).toBeGreaterThan(CASES[dialect] / 20);
    expect((await verifyChain(hub.context)).firstDiscrepancy).toBeNull();
  }, 600_000);
});

/** Places, assets, cards with money, users: enough for generated requests to reach the ledger's rules. */
async function seedWorld(hub: TestHub): Promise<string[]> {
  const { place, asset } = await seedPlace(hub, 'Bar du Port');
  await seedPlace(hub, 'Café Nord');
  const csv = factoryCsv(8, 0x04a00000);
  const imported = await hub.call('POST', `/api/v1/cards/import?place=${place.id}&generation=1`, csv, { 'content-type': 'text/csv' });
  if (imported.status >= 300) throw new Error(`card import: ${JSON.stringify(imported.json)}`);
  const tags = Array.from({ length: 8 }, (_, index) => (0x04a00000 + index).toString(16).toUpperCase().padStart(8, '0'));
  for (const [index, tag] of tags.entries()) {
    const topup = await hub.call('POST', '/api/v1/topups', { card: tag, asset: asset.id, amount: 5_000 }, { 'idempotency-key': `seed-${index}` });
    if (topup.status !== 201) throw new Error(`top-up: ${JSON.stringify(topup.json)}`);
  }
  for (const email of ['alice@example.org', 'bob@example.org']) await hub.call('POST', '/api/v1/users', { email });
  return tags;
}
