/**
 * Reports in Chromium: the money page's sales of the day, the turnover table along
 * each dimension, its CSV, and a place's printable close of day — at desktop,
 * 1024×600 and phone sizes, in English and French.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CASHIER, CASHIER_B } from '../../../support/seed';
import { launchBrowser, login, screenshot, startDashboardHub, type Browser, type DashboardWorld } from './dashboard-support';

let browser: Browser;
let hub: DashboardWorld;

const SIZES = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: '1024x600', width: 1024, height: 600 },
  { name: 'phone', width: 390, height: 844 },
] as const;

const today = () => new Date().toISOString().slice(0, 10);

beforeAll(async () => {
  browser = await launchBrowser();
  hub = await startDashboardHub();
  const [one, two] = hub.world.cards;
  const { local } = hub.world;
  const tillA = await hub.connectTill('A');
  const tillB = await hub.connectTill('B');
  // A cashier shift around it: 50.00 € float + 20.00 € cash = 70.00 € expected, 69.00 € counted.
  const shift = tillA.entry('SHO', { card: CASHIER, primary: CASHIER, amount: 5000 });
  const a = await tillA.push([
    shift,
    tillA.entry('REF', { card: one!, primary: CASHIER, asset: local, amount: 2000, meta: { payment: 'cash' } }),
    tillA.entry('REF', { card: two!, primary: CASHIER, asset: local, amount: 1500, meta: { payment: 'card' } }),
    tillA.entry('SAL', { card: one!, primary: CASHIER, asset: local, amount: 450 }),
    tillA.entry('SAL', { card: two!, primary: CASHIER, asset: local, amount: 300 }),
    tillA.entry('SHC', { card: CASHIER, primary: CASHIER, amount: 6900, meta: { shift: shift.body.id } }),
  ]);
  expect(a.results.every((result) => result.status === 'applied')).toBe(true);
  const b = await tillB.push([tillB.entry('SAL', { card: one!, primary: CASHIER_B, asset: local, amount: 250 })]);
  expect(b.results.every((result) => result.status === 'applied')).toBe(true);
}, 120_000);

afterAll(async () => {
  await hub?.close();
  await browser?.close();
});

async function openPage(size: (typeof SIZES)[number], language: 'en' | 'fr' = 'en'): Promise<Page> {
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
  // The next size logs in afresh (the profile is shared).
  await browser.context.clearCookies();
}

const amountOf = (page: Page, selector: string) => page.getAttribute(selector, 'data-value').then(Number);

describe('reports in Chromium', () => {
  it.each(SIZES)('shows sales, the turnover table and its CSV at $name size', async (size) => {
    const page = await openPage(size);
    try {
      const { placeA, placeB, local } = hub.world;
      await page.goto(`${hub.base}/dashboard#/money`);
      await page.waitForSelector(`#sales-today tr[data-key="${placeA.id}"]`);
      expect(await amountOf(page, `#sales-today tr[data-key="${placeA.id}"] td[data-field="amount"]`)).toBe(750);
      expect(await amountOf(page, `#sales-today tr[data-key="${placeB.id}"] td[data-field="amount"]`)).toBe(250);
      expect(await page.textContent(`#sales-today tr[data-key="${placeA.id}"] th`)).toBe('Bar A');

      await page.click('nav a[data-route="reports"]');
      await page.waitForSelector('#turnover');
      // The place selector starts empty: every place.
      expect(await page.inputValue('#report-place')).toBe('');
      expect(await amountOf(page, `#turnover tr[data-key="${placeA.id}"][data-kind="topup"] td[data-field="amount"]`)).toBe(3500);

      await page.selectOption('#report-place', placeA.id);
      await page.selectOption('#report-by', 'method');
      await page.click('#report-submit');
      await page.waitForSelector('#turnover tr[data-key="cash"]');
      expect(await amountOf(page, '#turnover tr[data-key="cash"][data-kind="topup"] td[data-field="amount"]')).toBe(2000);
      expect(await amountOf(page, '#turnover tr[data-key="card"][data-kind="topup"] td[data-field="amount"]')).toBe(1500);
      expect(await amountOf(page, '#turnover tr[data-key="balance"][data-kind="sale"] td[data-field="amount"]')).toBe(750);
      expect(await page.textContent('#turnover tr[data-key="balance"] th')).toBe('card balance');
      expect(await page.$(`#turnover tr[data-asset="${local}"]`)).not.toBeNull();

      const csv = await page.evaluate(async () => (await fetch(document.querySelector<HTMLAnchorElement>('#report-csv')!.href)).text());
      expect(csv.split('\r\n')[0]).toBe('day,place,till,cashier_card,kind,asset,currency_code,method,count,amount');
      expect(csv).toContain(`${today()},Bar A,Till 1,${CASHIER},topup,Monnaie A,MLA,cash,1,20.00`);
      expect(csv).not.toContain('Bar B');

      // Nothing wider than the screen, the form included.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(size.width);
      expect(await page.isVisible('#report-submit')).toBe(true);
      await screenshot(page, `reports-${size.name}`);
    } finally {
      await closePage(page);
    }
  }, 90_000);

  it.each(SIZES)('prints a place’s close of day, in French, at $name size', async (size) => {
    const page = await openPage(size, 'fr');
    try {
      const { placeA } = hub.world;
      await page.goto(`${hub.base}/dashboard#/close-of-day`);
      await page.waitForSelector('#close-pick');
      expect(await page.inputValue('#close-place')).toBe('');
      expect(await page.isDisabled('#close-print')).toBe(true);
      await page.selectOption('#close-place', placeA.id);
      await page.waitForSelector('#close-title');
      expect(await page.textContent('#close-title')).toBe(`Clôture de journée — Bar A — ${today()}`);
      expect(await page.textContent('#close-methods tr[data-key="cash"] td:nth-of-type(1)')).toBe('Recharges');
      expect(await page.textContent('#close-methods tr[data-key="cash"] th')).toBe('espèces');
      expect(await page.textContent('#close-methods tr[data-key="card"] th')).toBe('carte bancaire');
      expect(await page.textContent('#close-methods tr[data-key="cash"] td[data-field="amount"]')).toMatch(/^20,00\sMLA$/);
      expect(await page.textContent(`#close-cashiers tr[data-key="${CASHIER}"][data-kind="sale"] td[data-field="amount"]`)).toMatch(/^7,50\sMLA$/);
      expect(await page.$(`#close-cashiers tr[data-key="${CASHIER_B}"]`)).toBeNull();
      expect(await page.textContent('#close-tills tbody th')).toBe('Till 1');
      expect(await page.getAttribute('#close-shifts tbody tr', 'data-alert')).toBe('false');
      expect(await page.textContent('#close-shifts td[data-field="expected"]')).toMatch(/^70,00\s€$/);
      expect(await page.textContent('#close-shifts td[data-field="counted"]')).toMatch(/^69,00\s€$/);
      expect(await page.textContent('#close-shifts td[data-field="difference"]')).toMatch(/^-1,00\s€$/);

      await page.emulateMedia({ media: 'print' });
      expect(await page.isVisible('header')).toBe(false);
      expect(await page.isVisible('#close-print')).toBe(false);
      expect(await page.isVisible('#close-totals')).toBe(true);
      await screenshot(page, `close-of-day-${size.name}`);
      await page.emulateMedia({ media: 'screen' });
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(size.width);
    } finally {
      await closePage(page);
    }
  }, 90_000);
});
