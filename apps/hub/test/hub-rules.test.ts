/** Rules the hub enforces itself, whatever a till decided (DECISIONS.md), on both dialects. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS, freshDatabase } from '../../../test/support/dialects';
import { alertList } from '../src/dashboard/alerts';
import * as repo from '../src/storage/repo';
import { verifyChain } from '../src/verify/verify-chain';
import { CASHIER, seedHub, type Seeded, listenForTills } from '../../../support/seed';
import { SpecTill } from '../../../support/spec-till';

describe.each(DIALECTS)('hub rules on %s', (dialect) => {
  const databaseUrl = freshDatabase(dialect);
  let world: Seeded;
  let url: string;

  beforeEach(async () => {
    world = await seedHub({ databaseUrl: await databaseUrl() });
    url = await listenForTills(world);
  });

  afterEach(async () => {
    const verdict = await verifyChain(world.hub.context);
    await world.close();
    expect(verdict.firstDiscrepancy).toBeNull();
  });

  async function balances(uid: string): Promise<Record<string, number>> {
    const read = world.hub.context.storage.read;
    const card = (await repo.loadCardsByTag(read, [uid])).get(uid);
    if (!card?.ephemeralWalletId) return {};
    return Object.fromEntries((await repo.loadWalletBalances(read, [card.ephemeralWalletId])).map((row) => [row.assetId, row.value]));
  }

  it('refuses a refund of a card in debt, even of an asset it holds, whatever the till decided', async () => {
    const till = new SpecTill(await world.till(), url);
    await till.connect();
    const card = world.cards[3]!;
    const ack = await till.push([
      till.entry('REF', { card, primary: CASHIER, asset: world.gift, amount: 500 }),
      till.entry('SAL', { card, primary: CASHIER, asset: world.local, amount: 100, auth: 'offline' }),
      till.entry('RFD', { card, primary: CASHIER, asset: world.gift, amount: 200 }),
    ]);
    expect(ack.results.map((result) => [result.status, result.reason ?? null])).toEqual([
      ['applied', null],
      ['applied', null],
      ['rejected', 'card_blocked'],
    ]);
    expect(await balances(card)).toEqual({ [world.gift]: 500, [world.local]: -100 });
    till.close();
  });

  it('stores the full UID a till read for a card imported by its first 4 bytes, and refuses a contradicting one as a possible clone', async () => {
    const till = new SpecTill(await world.till(), url);
    await till.connect();
    const tag = world.cards[4]!;
    const full = `${tag}11223344AA`.slice(0, 14);
    const clone = `${tag}99887766`.slice(0, 14);
    const ack = await till.push([
      till.entry('REF', { card: full, primary: CASHIER, asset: world.local, amount: 800 }),
      till.entry('SAL', { card: clone, primary: CASHIER, asset: world.local, amount: 100 }),
      till.entry('SAL', { card: tag, primary: CASHIER, asset: world.local, amount: 100 }),
    ]);
    expect(ack.results.map((result) => [result.status, result.reason ?? null])).toEqual([
      ['applied', null],
      ['rejected', 'uid_mismatch'],
      ['applied', null],
    ]);
    const stored = (await repo.loadCardsByTag(world.hub.context.storage.read, [tag])).get(tag);
    expect(stored?.uid).toBe(full);
    expect(await balances(tag)).toEqual({ [world.local]: 700 });
    const alerts = await alertList(world.hub.context);
    expect(alerts.find((alert) => alert.reason === 'uid_mismatch')).toMatchObject({ kind: 'rejected', card: clone });
    till.close();
  });
});
