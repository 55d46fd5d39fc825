/** A real hub on 127.0.0.1 and Debian's Chromium, for the dashboard's browser tests. */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { Clock } from '../src/clock';
import type { HubConfig } from '../src/config';
import * as repo from '../src/storage/repo';
import { seedHub, type Seeded } from '../../../support/seed';
import { SpecTill } from '../../../support/spec-till';

export const SCREENSHOTS = fileURLToPath(new URL('../../../test-results/dashboard/', import.meta.url));

export interface DashboardWorld {
  world: Seeded;
  base: string;
  token: string;
  /** A spec-following till of place A (or B), connected over the real /sync. */
  connectTill(place?: 'A' | 'B'): Promise<SpecTill>;
  close(): Promise<void>;
}

/**
 * Runs a set-up or tear-down step and says on stderr when it took more than 5 s. Once on CI a
 * hook of these suites took 100 s and passed: the next time, the log names the step.
 */
export async function step<T>(label: string, work: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await work();
  } finally {
    const seconds = (performance.now() - start) / 1_000;
    if (seconds > 5) console.warn(`dashboard-support: ${label} took ${seconds.toFixed(1)} s`);
  }
}

export async function startDashboardHub(options: { databaseUrl?: string; config?: Partial<HubConfig>; clock?: Clock } = {}): Promise<DashboardWorld> {
  const world = await step('seeding the hub', () => seedHub(options));
  const token = world.hub.identity.operatorToken;
  if (token === null) throw new Error('a fresh hub prints its operator token');
  await world.hub.app.listen({ host: '127.0.0.1', port: 0 });
  const address = world.hub.app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const tills: SpecTill[] = [];
  return {
    world,
    base: `http://127.0.0.1:${port}`,
    token,
    async connectTill(place = 'A') {
      const till = new SpecTill(await world.till(place), `ws://127.0.0.1:${port}/sync`);
      await till.connect();
      tills.push(till);
      return till;
    },
    async close() {
      for (const till of tills) till.close();
      await step('closing the hub', () => world.close());
    },
  };
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Chromium headless with a fresh profile; never `playwright install`. */
export async function launchBrowser(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'fedow-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export async function login(page: Page, base: string, token: string): Promise<void> {
  await page.goto(`${base}/`);
  await page.fill('#token', token);
  await Promise.all([page.waitForURL(`${base}/dashboard`), page.click('button[type=submit]')]);
  await page.waitForSelector('#live');
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** The ledger's own sums, computed here from every transfer and balance row (not the dashboard's queries). */
export async function ledgerSums(world: Seeded): Promise<Map<string, { created: number; destroyed: number; userWallets: number; places: number; debt: number; balances: number }>> {
  const tx = world.hub.context.storage.read;
  const assets = new Map((await repo.listAssets(tx)).map((asset) => [asset.id, asset]));
  const sums = new Map([...assets.keys()].map((id) => [id, { created: 0, destroyed: 0, userWallets: 0, places: 0, debt: 0, balances: 0 }]));
  for (const transfer of await repo.listTransfersAfter(tx, 0, 100_000)) {
    const sum = sums.get(transfer.assetId)!;
    if (transfer.action === 'CRE' || transfer.action === 'SUB') sum.created += transfer.amount;
    if (transfer.action === 'BNK' || (transfer.action === 'RFD' && assets.get(transfer.assetId)?.category !== 'FED')) sum.destroyed += transfer.amount;
  }
  const balances = await repo.listBalancesAfter(tx, null, 100_000);
  const wallets = await repo.getWallets(tx, balances.map((row) => row.walletId));
  for (const row of balances) {
    const sum = sums.get(row.assetId)!;
    const kind = wallets.get(row.walletId)?.kind;
    sum.balances += row.value;
    if (kind === 'user' || kind === 'ephemeral') {
      if (row.value < 0) sum.debt += row.value;
      else sum.userWallets += row.value;
    } else sum.places += row.value;
  }
  return sums;
}
