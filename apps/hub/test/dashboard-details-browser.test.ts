/**
 * The dashboard's details (issue 16, item 11) in Chromium at desktop, 1024×600 and
 * phone sizes: transfer lists in words with the till's name, a card search that
 * found nothing asked once, place selectors that start empty, pending pairing codes
 * and the hub's address, and a phone header that stays two lines high.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealNow } from '../src/sealer/plugin';
import { CASHIER } from '../../../support/seed';
import type { SpecTill } from '../../../support/spec-till';
import { launchBrowser, login, screenshot, startDashboardHub, type Browser, type DashboardWorld } from './dashboard-support';

let browser: Browser;
let hub: DashboardWorld;
let till: SpecTill;

const SIZES = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: '1024x600', width: 1024, height: 600 },
  { name: 'phone', width: 390, height: 844 },
] as const;

beforeAll(async () => {
  browser = await launchBrowser();
  hub = await startDashboardHub();
  till = await hub.connectTill('A');
  const card = hub.world.cards[0]!;
  const ack = await till.push([
    till.entry('REF', { card, primary: CASHIER, asset: hub.world.local, amount: 1000, meta: { payment: 'cash' } }),
    till.entry('SAL', { card, primary: CASHIER, asset: hub.world.local, amount: 350 }),
  ]);
  expect(ack.results.map((result) => result.status)).toEqual(['applied', 'applied']);
}, 120_000);

afterAll(async () => {
  await hub?.close();
  await browser?.close();
});

async function openPage(size: (typeof SIZES)[number], language: 'en' | 'fr'): Promise<Page> {
  const page = await browser.context.newPage();
  page.setDefaultTimeout(20_000);
  await page.setViewportSize({ width: size.width, height: size.height });
  await page.setExtraHTTPHeaders({ 'accept-language': language === 'fr' ? 'fr-FR,fr;q=0.9' : 'en-GB,en;q=0.9' });
  await login(page, hub.base, hub.token);
  return page;
}

async function closePage(page: Page): Promise<void> {
  await page.evaluate(() => localStorage.clear());
  await page.close();
  await browser.context.clearCookies();
}

const noWiderThanScreen = async (page: Page, width: number) => expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);

describe('dashboard details in Chromium', () => {
  it.each(SIZES)('lists a card’s transfers under headers, in words, with the till’s name ($name)', async (size) => {
    for (const [language, words] of [
      ['en', { topup: 'Top-up', sale: 'Sale', header: 'Operation' }],
      ['fr', { topup: 'Recharge', sale: 'Vente', header: 'Opération' }],
    ] as const) {
      const page = await openPage(size, language);
      try {
        await page.goto(`${hub.base}/dashboard#/cards?q=${hub.world.cards[0]}`);
        await page.waitForSelector('#card-transfers tr[data-action="SAL"]');
        if (size.name !== 'phone') expect(await page.locator('#card-transfers thead th').allTextContents()).toContain(words.header);
        expect(await page.textContent('#card-transfers tr[data-action="SAL"] [data-field="action"]')).toBe(words.sale);
        expect(await page.textContent('#card-transfers tr[data-action="REF"] [data-field="action"]')).toBe(words.topup);
        expect(await page.textContent('#card-transfers tr[data-action="SAL"] [data-field="till"]')).toBe('Till 1');
        // The primary-place selector starts on no place.
        expect(await page.inputValue('#primary-place')).toBe('');
        await noWiderThanScreen(page, size.width);
        await screenshot(page, `card-transfers-${language}-${size.name}`);
      } finally {
        await closePage(page);
      }
    }
  }, 120_000);

  it.each(SIZES)('asks the hub once for a card that does not exist, until the operator searches again ($name)', async (size) => {
    const page = await openPage(size, 'en');
    try {
      const asked: string[] = [];
      page.on('request', (request) => {
        if (request.url().includes('/dashboard/api/card?q=')) asked.push(request.url());
      });
      await page.goto(`${hub.base}/dashboard#/cards?q=DEADBEEF`);
      await page.waitForSelector('#card-not-found');
      expect(asked).toHaveLength(1);

      // Another card changes: the page hears it, and does not ask again for the missing one.
      const heard = page.evaluate(
        () =>
          new Promise<void>((resolve) => {
            const source = new EventSource('/dashboard/api/events');
            source.addEventListener('changed', (event) => {
              if ((JSON.parse((event as MessageEvent<string>).data) as { topics: string[] }).topics.includes('cards')) {
                source.close();
                resolve();
              }
            });
            source.addEventListener('open', () => document.body.setAttribute('data-probe', 'open'));
          }),
      );
      await page.waitForSelector('body[data-probe="open"]');
      const ack = await till.push([till.entry('REF', { card: hub.world.cards[1]!, primary: CASHIER, asset: hub.world.local, amount: 100, meta: { payment: 'cash' } })]);
      expect(ack.results[0]?.status).toBe('applied');
      await heard;
      // What is checked is an absence: give the page's own listener the same event time to act.
      await page.waitForTimeout(1_500);
      expect(asked).toHaveLength(1);
      expect(await page.isVisible('#card-not-found')).toBe(true);

      // The operator searches again: that is asked.
      await page.click('form.search button[type="submit"]');
      await expect.poll(() => asked.length, { timeout: 20_000 }).toBe(2);
    } finally {
      await closePage(page);
    }
  }, 90_000);

  it.each(SIZES)('starts the pairing form on no place, lists pending codes, and warns when the hub is on loopback only ($name)', async (size) => {
    const page = await openPage(size, 'fr');
    try {
      await page.goto(`${hub.base}/dashboard#/pairing`);
      await page.waitForSelector('#hub-loopback');
      expect(await page.inputValue('#pairing-place')).toBe('');
      // The test hub listens on 127.0.0.1: no till on the network can reach it, and the page says so.
      expect(await page.textContent('#hub-loopback')).toContain('HOST=0.0.0.0');
      expect(await page.$('[data-address^="http://127."]')).toBeNull();

      const name = `Caisse ${size.name}`;
      await page.fill('#pairing-name', name);
      await page.click('#pairing-create');
      // Required: nothing is created without a place.
      expect(await page.$('#pairing-code')).toBeNull();
      await page.selectOption('#pairing-place', hub.world.placeB.id);
      await page.click('#pairing-create');
      await page.waitForSelector('#pairing-code');
      // Opened at 127.0.0.1, on a hub without a LAN address: the hint does not send the till to 127.0.0.1.
      expect(await page.textContent('#pairing-hint')).not.toContain('127.0.0.1');
      await page.waitForSelector(`#pending-codes tr:has-text("${name}")`);
      expect(await page.textContent(`#pending-codes tr:has-text("${name}") td[data-label="Lieu"]`)).toBe('Bar B');
      await noWiderThanScreen(page, size.width);
      await screenshot(page, `pairing-${size.name}`);
    } finally {
      await closePage(page);
    }
  }, 90_000);

  it.each(SIZES)('writes entry states and block headers in French, not in English ($name)', async (size) => {
    const page = await openPage(size, 'fr');
    try {
      await page.goto(`${hub.base}/dashboard#/entries?terminal=${till.till.id}`);
      await page.waitForSelector('#entries tr[data-status="applied"]');
      expect(await page.textContent('#entries tr[data-status="applied"] .badge')).toBe('appliquée');
      expect((await sealNow(hub.world.hub.context)).ok).toBe(true);
      await page.goto(`${hub.base}/dashboard#/chain`);
      await page.waitForSelector('td.hash');
      const headers = await page.locator('table th[scope="col"]').allTextContents();
      expect(headers).toContain('Empreinte');
      expect(headers).not.toContain('hash');
      const labels = await page.locator('td[data-label]').evaluateAll((cells) => cells.map((cell) => cell.getAttribute('data-label')));
      expect(labels).not.toContain('hash');
      expect(labels).not.toContain('action');
    } finally {
      await closePage(page);
    }
  }, 60_000);

  it('keeps the phone header to a title line and one line of sections', async () => {
    const page = await openPage(SIZES[2], 'fr');
    try {
      await page.waitForSelector('nav a[data-route="tills"]');
      const tops = await page.locator('nav a').evaluateAll((links) => links.map((link) => Math.round(link.getBoundingClientRect().top)));
      expect(new Set(tops).size).toBe(1);
      const header = await page.locator('header').boundingBox();
      expect(header!.height).toBeLessThan(110);
      // Every section stays reachable: the line scrolls sideways, the page does not.
      await page.locator('nav a[data-route="tokens"]').scrollIntoViewIfNeeded();
      await page.click('nav a[data-route="tokens"]');
      await page.waitForURL(/#\/tokens$/);
      await noWiderThanScreen(page, 390);
      await screenshot(page, 'phone-header');
    } finally {
      await closePage(page);
    }
  }, 60_000);
});
