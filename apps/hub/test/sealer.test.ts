import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { Hub } from '../src/app';
import { configFromEnv } from '../src/config';
import type { HubContext } from '../src/context';
import { sealerPlugin, sealNow } from '../src/sealer/plugin';
import { hashInline, sealNextBlock } from '../src/sealer/seal-block';
import { Sealer } from '../src/sealer/sealer';
import * as repo from '../src/storage/repo';
import { verifyChain } from '../src/verify/verify-chain';
import { seedLedger, tempHubs, writeOperatorTransfers } from './verify-fixture';

const hubs = tempHubs();
afterEach(() => hubs.closeAll());

async function sqliteHub(): Promise<Hub> {
  return hubs.open(`sqlite:${join(hubs.dir(), 'fedow.sqlite')}`);
}

function ingested(context: HubContext, applied: number): void {
  context.events.emit('ingested', { terminal: 'test', applied, rejected: 0, duplicates: 0, quarantined: 0, lastSeq: 0, latencyMs: 0 });
}

/** Resolves after `count` 'sealed' events, with their payloads. */
function sealedEvents(context: HubContext, count: number, timeoutMs = 5_000): Promise<{ height: number; transfers: number }[]> {
  const seen: { height: number; transfers: number }[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`saw ${seen.length} of ${count} sealed events`)), timeoutMs);
    const listener = (event: { height: number; transfers: number }) => {
      seen.push(event);
      if (seen.length < count) return;
      clearTimeout(timer);
      context.events.off('sealed', listener);
      resolve(seen);
    };
    context.events.on('sealed', listener);
  });
}

async function chainShape(hub: Hub) {
  const blocks = await repo.listBlocksAfter(hub.context.storage.read, -1, 10_000);
  const rows = await hub.context.storage.read.all<{ block: number | null; n: number }>(
    sql`select block_height as block, count(*) as n from transfers group by block_height order by block_height`,
  );
  const perBlock = new Map(rows.map((row) => [row.block === null ? null : Number(row.block), Number(row.n)]));
  return { heights: blocks.map((block) => block.height), perBlock, unsealed: perBlock.get(null) ?? 0 };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('sealer', () => {
  it('seals a full block as soon as ingest reports enough transfers, and leaves a short batch for the timer', async () => {
    const hub = await sqliteHub();
    const seeded = await seedLedger(hub, { cards: 3, salesPerCard: 0 });
    const sealer = new Sealer(hub.context, { transfersMax: 10, msMax: 3_600_000 }, (error) => {
      throw error;
    });
    sealer.start();
    try {
      await writeOperatorTransfers(hub, seeded.asset, seeded.placeWallet, seeded.debtor, 25);
      const pending = 1 + seeded.transfers + 25;
      const events = sealedEvents(hub.context, Math.floor(pending / 10));
      ingested(hub.context, 25);
      expect(await events).toEqual(Array.from({ length: Math.floor(pending / 10) }, (_, index) => ({ height: index + 1, transfers: 10 })));
      await sleep(50);
      const shape = await chainShape(hub);
      expect(shape.heights).toEqual([0, ...Array.from({ length: Math.floor(pending / 10) }, (_, index) => index + 1)]);
      expect(shape.unsealed).toBe(pending % 10);
      const flushed = await sealer.flush();
      expect(flushed).toEqual({ ok: true, blocks: 1, transfers: pending % 10 });
    } finally {
      await sealer.stop();
    }
    expect((await chainShape(hub)).unsealed).toBe(0);
    const verified = await verifyChain(hub.context);
    expect(verified.firstDiscrepancy).toBeNull();
    expect(verified.transfersChecked).toBe(1 + seeded.transfers + 25);
  });

  it('seals a short block once blockMsMax has passed, stamped with the hub clock', async () => {
    const at = new Date('2026-07-15T10:00:00.000Z');
    const hub = await hubs.open(`sqlite:${join(hubs.dir(), 'fedow.sqlite')}`, {}, { clock: { now: () => at } });
    const seeded = await seedLedger(hub, { cards: 2, salesPerCard: 1 });
    const sealer = new Sealer(hub.context, { transfersMax: 1_000, msMax: 40 }, (error) => {
      throw error;
    });
    const events = sealedEvents(hub.context, 1);
    const started = performance.now();
    sealer.start();
    try {
      expect(await events).toEqual([{ height: 1, transfers: 1 + seeded.transfers }]);
      expect(performance.now() - started).toBeGreaterThanOrEqual(35);
      const block = await repo.getBlock(hub.context.storage.read, 1);
      expect(block?.sealedAt).toBe(at.toISOString());
      // The timer re-arms: later transfers get their own block.
      const next = sealedEvents(hub.context, 1);
      await writeOperatorTransfers(hub, seeded.asset, seeded.placeWallet, seeded.debtor, 3);
      expect(await next).toEqual([{ height: 2, transfers: 3 }]);
    } finally {
      await sealer.stop();
    }
    expect((await verifyChain(hub.context)).ok).toBe(true);
  });

  it('ends a timed pass at its short block: transfers committed meanwhile wait for the next period, not a block each', async () => {
    const hub = await sqliteHub();
    const seeded = await seedLedger(hub, { cards: 2, salesPerCard: 1 });
    const sealer = new Sealer(hub.context, { transfersMax: 1_000, msMax: 2_500 }, (error) => {
      throw error;
    });
    // A steady stream of sales: one more transfer commits after each block.
    const writes: Promise<void>[] = [];
    const stream = () => void writes.push(writeOperatorTransfers(hub, seeded.asset, seeded.placeWallet, seeded.debtor, 1));
    hub.context.events.on('sealed', stream);
    const first = sealedEvents(hub.context, 1, 10_000);
    sealer.start();
    try {
      expect(await first).toEqual([{ height: 1, transfers: 1 + seeded.transfers }]);
      await Promise.all(writes);
      // Well within the period: a pass chasing the stream would have sealed a block per write by now.
      await sleep(400);
      const shape = await chainShape(hub);
      expect(shape.heights).toEqual([0, 1]);
      expect(shape.unsealed).toBe(1);
    } finally {
      hub.context.events.off('sealed', stream);
      await sealer.stop();
    }
    await Promise.all(writes);
    expect((await verifyChain(hub.context)).ok).toBe(true);
  });

  it('continues after a restart between blocks: contiguous heights, nothing sealed twice', async () => {
    const dir = hubs.dir();
    const url = `sqlite:${join(dir, 'fedow.sqlite')}`;
    const first = await hubs.open(url);
    const seeded = await seedLedger(first, { cards: 10, salesPerCard: 4 });
    for (let block = 0; block < 3; block++) expect(await sealNextBlock(first.context, 7, false)).toEqual({ height: block + 1, transfers: 7 });
    await first.close();

    const second = await hubs.open(url);
    const run = await sealNow(second.context, { transfersMax: 7 });
    expect(run.ok).toBe(true);
    const shape = await chainShape(second);
    const total = 1 + seeded.transfers;
    expect(shape.heights).toEqual(Array.from({ length: shape.heights.length }, (_, height) => height));
    expect(shape.unsealed).toBe(0);
    expect([...shape.perBlock.values()].reduce((sum, n) => sum + n, 0)).toBe(total);
    expect(shape.perBlock.get(1)).toBe(7);
    const verified = await verifyChain(second.context);
    expect(verified.firstDiscrepancy).toBeNull();
    expect(verified.transfersChecked).toBe(total);
    expect(verified.blocksChecked).toBe(shape.heights.length);
  });

  it('writes a block and its transfer hashes in one transaction: a failure leaves neither', async () => {
    const hub = await sqliteHub();
    await seedLedger(hub, { cards: 2, salesPerCard: 1 });
    // A transfer that claims to be sealed already: sealTransfers refuses to rewrite it.
    await hub.context.storage.transaction((tx) => tx.run(sql`update transfers set hash = ${'f'.repeat(64)} where seq = 3`));
    await expect(sealNextBlock(hub.context, 100, true)).rejects.toThrow(/sealed already/);
    const shape = await chainShape(hub);
    expect(shape.heights).toEqual([0]);
    const hashed = await hub.context.storage.read.all<{ n: number }>(sql`select count(*) as n from transfers where hash is not null or block_height is not null`);
    expect(Number(hashed[0]?.n)).toBe(1);
  });

  it('counts a block’s transfers over its seq range, and the unsealed ones after the latest block', async () => {
    const hub = await sqliteHub();
    await seedLedger(hub, { cards: 6, salesPerCard: 3 });
    for (let block = 0; block < 3; block++) await sealNextBlock(hub.context, 5, false);
    const shape = await chainShape(hub);
    expect(shape.unsealed).toBeGreaterThan(0);
    const read = hub.context.storage.read;
    const blocks = await repo.listBlocksAfter(read, -1, 100);
    const counts = await repo.countTransfersOfBlocks(read, blocks);
    expect([...counts].filter(([height]) => height > 0)).toEqual([...shape.perBlock].filter(([height]) => height !== null));
    expect(counts.get(0)).toBe(0);
    expect(await repo.countUnsealedTransfers(read)).toBe(shape.unsealed);
    // The sealer's idle check agrees: transfers wait until the last of them is sealed.
    expect(await repo.transfersFollowLatestBlock(read)).toBe(true);
    while (await sealNextBlock(hub.context, 5, true));
    expect(await repo.countUnsealedTransfers(read)).toBe(0);
    expect(await repo.transfersFollowLatestBlock(read)).toBe(false);
  });

  it('seals an in-memory database inside one transaction, its reads sharing the writer connection', async () => {
    const hub = await hubs.open('sqlite::memory:', { keyPath: null });
    expect(hub.context.storage.readSeesUncommitted).toBe(true);
    const seeded = await seedLedger(hub, { cards: 3, salesPerCard: 2 });
    let hashedInside = false;
    const sealed = await sealNextBlock(hub.context, 100, true, async (previous, transfers) => {
      // The hash runs while the sealer's write transaction is open: nothing else can commit.
      hashedInside = hub.context.storage.dialect === 'sqlite' && hub.context.storage.sqlite.inTransaction;
      return hashInline(previous, transfers);
    });
    expect(hashedInside).toBe(true);
    expect(sealed).toEqual({ height: 1, transfers: 1 + seeded.transfers });
    expect((await verifyChain(hub.context)).firstDiscrepancy).toBeNull();
  });

  it('hashes outside the transaction, and writes nothing when another sealer sealed that block meanwhile', async () => {
    const hub = await sqliteHub();
    await seedLedger(hub, { cards: 4, salesPerCard: 2 });
    // While this sealer hashes its block, a second one seals the same transfers.
    let writingWhileHashing: boolean | null = null;
    const racing = sealNextBlock(hub.context, 100, true, async (previous, transfers) => {
      writingWhileHashing = hub.context.storage.dialect === 'sqlite' && hub.context.storage.sqlite.inTransaction;
      expect(await sealNextBlock(hub.context, 100, true)).toMatchObject({ height: 1 });
      return hashInline(previous, transfers);
    });
    await expect(racing).rejects.toThrow(/block 1 was sealed by another sealer meanwhile/);
    expect(writingWhileHashing).toBe(false);
    const shape = await chainShape(hub);
    expect(shape.heights).toEqual([0, 1]);
    expect(shape.unsealed).toBe(0);
    expect((await verifyChain(hub.context)).firstDiscrepancy).toBeNull();
  });

  it('as a plugin: stops in preClose after the block in progress, and sealNow goes through it', async () => {
    const hub = await sqliteHub();
    const seeded = await seedLedger(hub, { cards: 5, salesPerCard: 1 });
    const app = Fastify({ logger: false });
    await app.register(sealerPlugin, { context: hub.context, config: configFromEnv({}, { databaseUrl: 'sqlite::memory:', log: false, blockTransfersMax: 5, blockMsMax: 3_600_000 }) });
    await app.ready();
    const run = await sealNow(hub.context);
    expect(run).toEqual({ ok: true, blocks: Math.ceil((1 + seeded.transfers) / 5), transfers: 1 + seeded.transfers });

    await writeOperatorTransfers(hub, seeded.asset, seeded.placeWallet, seeded.debtor, 500);
    const firstBlock = sealedEvents(hub.context, 1);
    ingested(hub.context, 500);
    await firstBlock;
    await app.close();
    const atClose = await chainShape(hub);
    expect(atClose.unsealed).toBeGreaterThan(0);
    ingested(hub.context, 500);
    await sleep(50);
    expect((await chainShape(hub)).heights).toEqual(atClose.heights);
    expect((await verifyChain(hub.context)).firstDiscrepancy).toBeNull();
  });

  it('rejects limits that would never seal', () => {
    const context = {} as HubContext; // never reached: the limits are checked first
    expect(() => new Sealer(context, { transfersMax: 0, msMax: 10 }, () => undefined)).toThrow(/blockTransfersMax/);
    expect(() => new Sealer(context, { transfersMax: 10, msMax: 0 }, () => undefined)).toThrow(/blockMsMax/);
  });
});

