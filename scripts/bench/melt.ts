/**
 * The melt sweep over 100,000 inactive balances (SQLite file), beside a bare
 * batched UPDATE of the same rows, in pages of the same size, one transaction
 * each: the least any sweep could write. Goal: within 5× of it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { buildHub, type Hub } from '../../apps/hub/src/app';
import { configFromEnv } from '../../apps/hub/src/config';
import type { Clock } from '../../apps/hub/src/context';
import { setMeltPolicy } from '../../apps/hub/src/money/melt';
import { sweepMelts } from '../../apps/hub/src/money/melt-sweep';
import * as repo from '../../apps/hub/src/storage/repo';
import { report } from './report';

const BALANCES = Number(process.env.MELT_BENCH_BALANCES ?? 100_000);
const PAGE = 2_000;
const VALUE = 10_000;
const START = Date.parse('2025-01-01T00:00:00.000Z');
const DAY_MS = 86_400_000;

export async function benchMelt(): Promise<void> {
  console.log(`\n== melt sweep (SQLite file, ${BALANCES.toLocaleString('en-US')} inactive balances)`);
  const dir = mkdtempSync(join(tmpdir(), 'fedow-bench-melt-'));
  let now = START;
  const clock: Clock = { now: () => new Date(now) };
  // The sealer and the periodic sweep stay out of the measurement.
  const config = configFromEnv({}, { databaseUrl: `sqlite:${join(dir, 'fedow.sqlite')}`, log: false, blockTransfersMax: 1_000_000_000, blockMsMax: 3_600_000, meltSweepMs: 0 });
  const hub = await buildHub(config, { clock });
  try {
    const { asset, wallets } = await fill(hub, new Date(now).toISOString());
    await setMeltPolicy(hub.context, asset, { rule: 'rate', basisPoints: 200, afterDays: 30 });
    now += 45 * DAY_MS;
    const sweepStart = performance.now();
    const swept = await sweepMelts(hub.context, PAGE);
    const sweepMs = performance.now() - sweepStart;
    if (swept.melts !== BALANCES || swept.melted !== BALANCES * (VALUE * 0.02)) throw new Error(`bench: the sweep booked ${swept.melts} melts of ${swept.melted}`);
    const updateMs = await bareUpdate(hub, asset, wallets);
    report({
      name: `melt sweep (${BALANCES.toLocaleString('en-US')} balances, pages of ${PAGE})`,
      value: BALANCES / (sweepMs / 1_000),
      unit: 'balances/s',
      limit: BALANCES / (updateMs / 1_000),
      limitName: 'bare batched UPDATE of the same rows',
      better: 'higher',
      goal: '≥ 20 % (within 5×)',
    });
  } finally {
    await hub.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A place, a local asset and BALANCES card wallets holding VALUE each, last active at `at`. */
async function fill(hub: Hub, at: string): Promise<{ asset: string; wallets: string[] }> {
  const { context } = hub;
  const placeWallet = context.newId();
  const asset = context.newId();
  const wallets = Array.from({ length: BALANCES }, () => context.newId()).sort();
  await context.storage.transaction(async (tx) => {
    await repo.insertWallets(tx, [{ id: placeWallet, kind: 'place', name: 'Bench bar' }]);
    await repo.insertAsset(tx, { id: asset, name: 'Bench money', currencyCode: 'BEN', category: 'TLF', decimals: 2, originWalletId: placeWallet, createdAt: at });
  });
  for (let start = 0; start < wallets.length; start += 5_000) {
    const chunk = wallets.slice(start, start + 5_000);
    await context.storage.transaction(async (tx) => {
      await repo.insertWallets(tx, chunk.map((id) => ({ id, kind: 'ephemeral' as const })));
      await tx.db.insert(tx.t.balances).values(chunk.map((walletId) => ({ walletId, assetId: asset, value: VALUE, activeAt: at, melted: 0 })));
    });
  }
  return { asset, wallets };
}

/** The same rows, the same pages: one UPDATE per page taking the same 2 %, one transaction each. */
async function bareUpdate(hub: Hub, asset: string, wallets: readonly string[]): Promise<number> {
  const start = performance.now();
  for (let first = 0; first < wallets.length; first += PAGE) {
    const page = wallets.slice(first, first + PAGE);
    await hub.context.storage.transaction(async (tx) => {
      await tx.run(sql`update balances set value = value - 200, melted = melted + 200 where asset_id = ${asset} and wallet_id in (${sql.join(page.map((id) => sql`${id}`), sql`, `)})`);
    });
  }
  return performance.now() - start;
}

if (import.meta.url === `file://${process.argv[1]}`) await benchMelt();
