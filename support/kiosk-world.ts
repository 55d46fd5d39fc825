/**
 * A whole till for the browser tests and the kiosk benchmark, nothing mocked: a real hub (seeded SQLite,
 * listening on 127.0.0.1), a real terminal agent with a card reader (the simulator
 * or PC/SC through a private pcscd), the headless service serving the bundled UI
 * and the bridge, and Debian's Chromium driven by playwright-core.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { CardReader } from '@fedow/nfc';
import type { OfflinePolicy } from '@fedow/protocol';
import { openAgent, type TillAgent } from '@fedow/terminal';
import { bundleUi, startHeadlessServer, type HeadlessServer, type UiAssets } from '@fedow/kiosk';
import { buildHub, configFromEnv, createAsset, createPairingCode, createProduct, repo, showCard, type Hub } from '@fedow/hub';
import { CASHIER, seedHub, type Seeded } from './seed';
import { FAST_SYNC } from './sync-tuning';
import { waitFor as waitForCondition } from './wait';

export { CASHIER };
export const SCREENSHOTS = join(import.meta.dirname, '..', 'test-results', 'kiosk');
export const VIEWPORT = { width: 1280, height: 800 };

export interface Products {
  beer: string;
  water: string;
  crisps: string;
}

/** Place A's membership (SUB) and door badge (BDG) assets, created beside the seed's. */
export interface ExtraAssets {
  membership: string;
  badge: string;
}

export interface HubWorld {
  readonly seeded: Seeded;
  readonly hub: Hub;
  readonly url: string;
  readonly products: Products;
  readonly assets: ExtraAssets;
  stop(): Promise<void>;
  start(): Promise<void>;
  pairingCode(name: string): Promise<string>;
  balance(uid: string, asset: string): Promise<number>;
  close(): Promise<void>;
}

/**
 * Hub with the seed's place A, three products (Bière 3.50 and Eau 1.50 in
 * Boissons, Chips 2.00 in Snacks, all in the local currency MLA) and a membership
 * and a badge asset.
 */
export async function startHubWorld(options: { policy?: OfflinePolicy } = {}): Promise<HubWorld> {
  const seeded = await seedHub({ ...(options.policy ? { policy: options.policy } : {}), cards: 10 });
  // A festival bar: fresh cards (the hub knows them, the tills do not until they hold
  // money) are enrolled at their first top-up, so the hub lets tills top them up.
  await seeded.hub.context.storage.transaction((tx) => repo.updatePlace(tx, seeded.placeA.id, { enrollUnknownCards: true }));
  const config = configFromEnv({}, { databaseUrl: `sqlite:${join(seeded.dir, 'fedow.sqlite')}`, keyPath: join(seeded.dir, 'hub.key'), log: false });
  let hub = seeded.hub;
  let running = true;
  const context = () => hub.context;
  const product = async (label: string, price: number, category: string, position: number): Promise<string> =>
    (await createProduct(context(), { place: seeded.placeA.id, label, price, asset: seeded.local, category, position })).id;
  const products = { beer: await product('Bière', 350, 'Boissons', 1), water: await product('Eau', 150, 'Boissons', 2), crisps: await product('Chips', 200, 'Snacks', 3) };
  const asset = async (name: string, currencyCode: string, category: 'SUB' | 'BDG'): Promise<string> =>
    (await createAsset(context(), { name, currencyCode, category, placeOrigin: seeded.placeA.id })).id;
  const assets = { membership: await asset('Adhésion 2026', 'ADH', 'SUB'), badge: await asset('Entrée concert', 'ENT', 'BDG') };
  await hub.app.listen({ host: '127.0.0.1', port: 0 });
  const address = hub.app.server.address();
  if (typeof address !== 'object' || address === null) throw new Error('hub not listening on TCP');
  const port = address.port;
  return {
    seeded,
    get hub() {
      return hub;
    },
    url: `http://127.0.0.1:${port}`,
    products,
    assets,
    async stop() {
      if (!running) return;
      running = false;
      await hub.close();
    },
    async start() {
      if (running) return;
      hub = await buildHub(config);
      await hub.app.listen({ host: '127.0.0.1', port });
      running = true;
    },
    async pairingCode(name) {
      return (await createPairingCode(context(), { place: seeded.placeA.id, name })).code;
    },
    async balance(uid, asset) {
      return (await showCard(context(), uid)).balances[asset] ?? 0;
    },
    async close() {
      if (running) await hub.close();
      running = false;
      rmSync(seeded.dir, { recursive: true, force: true });
    },
  };
}

let uiAssets: Promise<UiAssets> | null = null;

export interface Till {
  readonly agent: TillAgent;
  readonly server: HeadlessServer;
  readonly page: Page;
  close(): Promise<void>;
}

/** An agent with `reader`, its headless service, and a Chromium page showing it (not yet paired). */
export async function startTill(browser: Browser, reader: CardReader, language: 'en' | 'fr' = 'en'): Promise<Till> {
  const dataDir = mkdtempSync(join(tmpdir(), 'fedow-kiosk-till-'));
  const agent = openAgent({ dataDir, reader, syncTuning: FAST_SYNC, language });
  agent.start();
  uiAssets ??= bundleUi();
  const server = await startHeadlessServer({ agent, ui: await uiAssets, port: 0 });
  const context = await browser.newContext({ viewport: VIEWPORT });
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`[kiosk page] ${error.message}`));
  await page.goto(server.url);
  return {
    agent,
    server,
    page,
    async close() {
      await context.close();
      await server.close();
      await agent.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Debian's Chromium, headless, with nothing reaching for the network. playwright
 * gives each launch a fresh temporary profile itself (it refuses --user-data-dir).
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
}

/** Pairs through the pairing screen, as an installer would, and waits for the locked screen. */
export async function pairThroughUi(page: Page, hub: HubWorld, name: string): Promise<void> {
  await page.locator('#pair-hub').fill(hub.url);
  await page.locator('#pair-code').fill(await hub.pairingCode(name));
  await page.locator('#pair-name').fill(name);
  await page.locator('#pair-name').press('Enter');
  // Pairing waits for the hub's answer and the first snapshot: on a busy machine, that is more than a few seconds.
  await page.locator('#screen-locked').waitFor({ timeout: 30_000 });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** Every 20 ms: the predicates here ask the browser, and each question costs a round trip. */
export function waitFor(predicate: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  return waitForCondition(predicate, timeoutMs, what, 20);
}

/** Online, with the hub's first snapshot stored (primaries and catalogue). */
export async function waitOnline(agent: TillAgent): Promise<void> {
  await waitFor(() => agent.snapshot().sync.status === 'online' && agent.cache.primaries().has(CASHIER) && agent.catalogue().length > 0, 10_000, 'the till online with its first snapshot');
}
