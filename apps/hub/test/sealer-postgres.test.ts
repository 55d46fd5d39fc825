import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../src/app';
import { sealNow } from '../src/sealer/plugin';
import { Sealer } from '../src/sealer/sealer';
import * as repo from '../src/storage/repo';
import { verifyChain } from '../src/verify/verify-chain';
import { startPostgres, type TestPostgres } from '../../../support/postgres';
import { seedLedger, tempHubs, writeOperatorTransfers } from './verify-fixture';

const hubs = tempHubs();
let server: TestPostgres;
beforeAll(async () => {
  server = await startPostgres();
}, 120_000);
afterEach(() => hubs.closeAll());
afterAll(() => server?.stop());

async function unsealed(hub: Hub): Promise<number> {
  const [row] = await hub.context.storage.read.all<{ n: string }>(sql`select count(*) as n from transfers where block_height is null`);
  return Number(row?.n);
}

async function until(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('sealer on PostgreSQL', () => {
  it('two hub processes on one database: exactly one seals, the other takes over when it stops', async () => {
    const url = await server.createDatabase();
    const keyPath = join(hubs.dir(), 'hub.key');
    const a = await hubs.open(url, { keyPath });
    const b = await hubs.open(url, { keyPath });
    const seeded = await seedLedger(a, { cards: 20, salesPerCard: 2 });
    expect(await repo.transfersFollowLatestBlock(a.context.storage.read)).toBe(true);
    const sealedBy = { a: 0, b: 0 };
    a.context.events.on('sealed', ({ transfers }) => (sealedBy.a += transfers));
    b.context.events.on('sealed', ({ transfers }) => (sealedBy.b += transfers));
    const fail = (error: unknown) => {
      throw error;
    };
    const sealerA = new Sealer(a.context, { transfersMax: 10, msMax: 30 }, fail);
    const sealerB = new Sealer(b.context, { transfersMax: 10, msMax: 30 }, fail);
    sealerA.start();
    sealerB.start();
    try {
      await until(async () => (await unsealed(a)) === 0);
      // Several periods pass with both sealers trying: still only one of them seals.
      await writeOperatorTransfers(b, seeded.asset, seeded.placeWallet, seeded.debtor, 45);
      await until(async () => (await unsealed(a)) === 0);
      const total = 1 + seeded.transfers + 45;
      expect(sealedBy.a + sealedBy.b).toBe(total);
      expect(Math.min(sealedBy.a, sealedBy.b)).toBe(0);
      const [leader, follower, leaderSealer] = sealedBy.a > 0 ? [a, b, sealerA] : [b, a, sealerB];
      expect(await sealNow(follower.context)).toEqual({ ok: false, reason: 'another_sealer' });

      // The leader stops (its lock connection is released): the other one takes over.
      await leaderSealer.stop();
      const before = { ...sealedBy };
      await writeOperatorTransfers(leader, seeded.asset, seeded.placeWallet, seeded.debtor, 12);
      await until(async () => (await unsealed(a)) === 0);
      const followerKey = follower === a ? 'a' : 'b';
      expect(sealedBy[followerKey] - before[followerKey]).toBe(12);
    } finally {
      await sealerA.stop();
      await sealerB.stop();
    }
    const verified = await verifyChain(b.context);
    expect(verified.firstDiscrepancy).toBeNull();
    expect(verified.transfersChecked).toBe(1 + seeded.transfers + 45 + 12);
    expect(await repo.transfersFollowLatestBlock(b.context.storage.read)).toBe(false);
  }, 60_000);
});
