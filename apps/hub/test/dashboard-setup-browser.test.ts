/**
 * A festival set up from the dashboard, in Chromium at desktop, 1024×600 and phone
 * sizes: a place, its asset, a federation sharing them, a product — through the same
 * directory services as the CLI, so what the hub stores is checked, not the page.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as repo from '../src/storage/repo';
import { listFederations } from '../src/directory/federations';
import { launchBrowser, login, screenshot, startDashboardHub, type Browser, type DashboardWorld } from './dashboard-support';

let browser: Browser;
let hub: DashboardWorld;

const SIZES = [
  { name: 'desktop', width: 1280, height: 800, code: 'JSD' },
  { name: '1024x600', width: 1024, height: 600, code: 'JST' },
  { name: 'phone', width: 390, height: 844, code: 'JSP' },
] as const;

beforeAll(async () => {
  browser = await launchBrowser();
  hub = await startDashboardHub();
}, 120_000);

afterAll(async () => {
  await hub?.close();
  await browser?.close();
});

async function openPage(size: (typeof SIZES)[number]): Promise<Page> {
  const page = await browser.context.newPage();
  page.setDefaultTimeout(20_000);
  await page.setViewportSize({ width: size.width, height: size.height });
  await page.setExtraHTTPHeaders({ 'accept-language': 'fr-FR,fr;q=0.9' });
  await login(page, hub.base, hub.token);
  return page;
}

async function saved(page: Page): Promise<void> {
  // The page says "Enregistrement…" from the click until the hub answers; the answer is what counts.
  await page.waitForSelector('#setup-notice p:not(.pending)');
  const notice = await page.textContent('#setup-notice p');
  expect(notice).toBe('Enregistré');
}

/** A factory line (qr_url,number,tag_id) for card `n`, as card-csv.test.ts writes them. */
const LINE = (n: number) => `https://tibillet.coop/qr/0190a0b0-0000-7000-8000-${n.toString(16).padStart(12, '0')},${String(n).padStart(8, '0')},${(0x0b000000 + n).toString(16).toUpperCase().padStart(8, '0')}`;

describe('setup in the dashboard', () => {
  it.each(SIZES)('creates a place, its asset, a federation sharing them and a product ($name)', async (size) => {
    const page = await openPage(size);
    const read = hub.world.hub.context.storage.read;
    const placeName = `Scène ${size.name}`;
    try {
      await page.goto(`${hub.base}/dashboard#/setup`);
      await page.waitForSelector('#place-form');
      for (const selector of ['#asset-origin', '#federation-place', '#product-place', '#federation-of-place']) expect(await page.inputValue(selector)).toBe('');

      await page.fill('#place-name', placeName);
      await page.fill('#place-email', `scene-${size.name}@festival.example`);
      await page.click('#place-form-submit');
      await saved(page);
      const place = (await repo.listPlaces(read)).find((row) => row.name === placeName)!;
      expect(place).toBeDefined();
      await page.waitForSelector(`#setup-places tr[data-id="${place.id}"]`);

      // The same place again: the hub's refusal, in the page, and nothing stored.
      await page.fill('#place-name', placeName);
      await page.fill('#place-email', `scene-${size.name}@festival.example`);
      await page.click('#place-form-submit');
      await page.waitForSelector('#setup-notice p.bad');
      expect(await page.textContent('#setup-notice p.bad')).toContain('already exists');
      expect((await repo.listPlaces(read)).filter((row) => row.name === placeName)).toHaveLength(1);

      await page.fill('#asset-name', `Jeton ${size.name}`);
      await page.fill('#asset-code', size.code);
      await page.selectOption('#asset-origin', place.id);
      await page.click('#asset-form-submit');
      await saved(page);
      const asset = (await repo.listAssets(read)).find((row) => row.currencyCode === size.code)!;
      expect({ origin: asset.originWalletId, category: asset.category, decimals: asset.decimals }).toEqual({ origin: place.walletId, category: 'TLF', decimals: 2 });

      await page.fill('#federation-name', `Réseau ${size.name}`);
      await page.click('#federation-form-submit');
      await saved(page);
      const federation = (await listFederations(hub.world.hub.context)).find((row) => row.name === `Réseau ${size.name}`)!;
      await page.selectOption('#federation-of-place', federation.id);
      await page.selectOption('#federation-place', place.id);
      await page.click('#federation-place-form-submit');
      await saved(page);
      await page.selectOption('#federation-of-asset', federation.id);
      await page.selectOption('#federation-asset', asset.id);
      await page.click('#federation-asset-form-submit');
      await saved(page);
      expect((await listFederations(hub.world.hub.context)).find((row) => row.id === federation.id)).toMatchObject({ places: [place.id], assets: [asset.id] });
      expect(await page.textContent(`#setup-federations tr[data-id="${federation.id}"]`)).toContain(placeName);

      await page.selectOption('#product-place', place.id);
      await page.fill('#product-label', 'Bière');
      await page.fill('#product-price', '3,50');
      await page.selectOption('#product-asset', asset.id);
      await page.click('#product-form-submit');
      await saved(page);
      const [product] = await repo.listProducts(read, place.id);
      expect(product).toMatchObject({ label: 'Bière', price: 350, assetId: asset.id });
      await page.waitForSelector(`#setup-products tr[data-id="${product!.id}"]`);
      expect(await page.textContent(`#setup-products tr[data-id="${product!.id}"] td`)).toMatch(/^3,50\s/);

      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(size.width);
      await screenshot(page, `setup-${size.name}`);
    } finally {
      await page.evaluate(() => localStorage.clear());
      await page.close();
      await browser.context.clearCookies();
    }
  }, 120_000);

  it.each(SIZES)('imports a card batch with its progress, and refuses a broken file with the CLI’s line number ($name)', async (size) => {
    const page = await openPage(size);
    const read = hub.world.hub.context.storage.read;
    const offset = SIZES.indexOf(size) * 10_000;
    try {
      await page.goto(`${hub.base}/dashboard#/setup`);
      await page.waitForSelector('#import-form');
      expect(await page.inputValue('#import-place')).toBe('');
      await page.selectOption('#import-place', hub.world.placeA.id);

      const broken = ['qr_url,number,tag_id', LINE(offset + 1), 'not,a card', LINE(offset + 3)].join('\n');
      await page.setInputFiles('#import-file', { name: 'broken.csv', mimeType: 'text/csv', buffer: Buffer.from(broken) });
      await page.click('#import-submit');
      await page.waitForSelector('#import-error');
      expect(await page.getAttribute('#import-error', 'data-line')).toBe('3');
      expect(await page.textContent('#import-error')).toContain('line 3');
      expect((await repo.loadCardsByTag(read, [LINE(offset + 1).split(',')[2]!])).size).toBe(0);

      // More cards than one insert chunk: the import moves through several steps.
      const count = 1_200;
      const csv = Array.from({ length: count }, (_, index) => LINE(offset + index + 1)).join('\n');
      await page.fill('#import-generation', String(SIZES.indexOf(size) + 2));
      await page.setInputFiles('#import-file', { name: 'batch.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
      await page.click('#import-submit');
      await page.waitForSelector('#import-done', { timeout: 60_000 });
      expect(await page.getAttribute('#import-done', 'data-imported')).toBe(String(count));
      // The progress the page followed reached every card.
      const job = await page.evaluate(async () => (await fetch(`/dashboard/api/setup/cards/import/${document.getElementById('import-status')!.dataset.job}`)).json());
      expect({ done: job.done, total: job.total }).toEqual({ done: count, total: count });
      const tags = [1, count].map((n) => LINE(offset + n).split(',')[2]!);
      expect((await repo.loadCardsByTag(read, tags)).size).toBe(2);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(size.width);
      await screenshot(page, `card-import-${size.name}`);
    } finally {
      await page.evaluate(() => localStorage.clear());
      await page.close();
      await browser.context.clearCookies();
    }
  }, 120_000);
});
