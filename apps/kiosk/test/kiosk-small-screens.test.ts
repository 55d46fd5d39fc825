/**
 * Issue 16.2 (the top-up and close screens' words, below) and 16.3: the sale screen on the small displays tills use — the official
 * Raspberry Pi 7" (800×480) and 10" panels (1024×600) — in real Chromium, in both
 * languages: the keypad, Charge and every tab are on screen without scrolling, and
 * the status bar stays on one line.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { SimulatorReader } from '@fedow/nfc';
import { CASHIER, launchChromium, pairThroughUi, screenshot, startHubWorld, startTill, waitOnline, type HubWorld, type Till } from '../../../support/kiosk-world';

let browser: Browser;
let hub: HubWorld;
const tills: Till[] = [];

beforeAll(async () => {
  [browser, hub] = await Promise.all([launchChromium(), startHubWorld()]);
}, 60_000);
afterAll(async () => {
  for (const till of tills) await till.close();
  await browser?.close();
  await hub?.close();
});

const SIZES = [
  { width: 800, height: 480 },
  { width: 1024, height: 600 },
];

/** The parts of the page a cashier must reach, and whether each is wholly inside the viewport. */
async function layout(page: Page) {
  return page.evaluate(() => {
    const inside = (element: Element) => {
      const box = element.getBoundingClientRect();
      return box.width > 0 && box.top >= 0 && box.left >= 0 && box.bottom <= window.innerHeight + 0.5 && box.right <= window.innerWidth + 0.5;
    };
    const all = (selector: string) => [...document.querySelectorAll(selector)];
    const main = document.querySelector('#main-region')!;
    const status = document.querySelector('.status')!;
    const tops = [...status.children].map((child) => Math.round(child.getBoundingClientRect().top + child.getBoundingClientRect().height / 2));
    // Lines of text inside each item: an item that wraps inside itself is a wrap too.
    const linesIn = (element: Element) => {
      const range = document.createRange();
      range.selectNodeContents(element);
      return new Set([...range.getClientRects()].filter((rect) => rect.height > 0).map((rect) => Math.round(rect.bottom / 6))).size;
    };
    return {
      outside: [...all('.tab'), ...all('.keypad .key'), ...all('#charge'), ...all('#total'), ...all('.product')].filter((element) => !inside(element)).map((element) => element.id || element.textContent?.trim()),
      tabs: all('.tab').length,
      truncatedTabs: all('.tab').filter((tab) => tab.scrollWidth > tab.clientWidth + 1).map((tab) => tab.textContent),
      keys: all('.keypad .key').length,
      mainScrolls: main.scrollHeight > main.clientHeight + 1,
      pageScrolls: document.documentElement.scrollHeight > window.innerHeight + 1,
      statusRows: new Set(tops.map((top) => Math.round(top / 8))).size,
      statusOverflows: status.scrollWidth > status.clientWidth + 1,
      statusLinesPerItem: Math.max(...[...status.children].map(linesIn)),
    };
  });
}

describe('the sale screen on small displays', () => {
  for (const language of ['en', 'fr'] as const) {
    it(`fits 800×480 and 1024×600 without scrolling (${language})`, async () => {
      const simulator = new SimulatorReader({ name: 'ACS ACR122U (simulated)' });
      const till = await startTill(browser, simulator, language);
      tills.push(till);
      const page = till.page;
      await pairThroughUi(page, hub, `Small ${language}`);
      await waitOnline(till.agent);
      simulator.tap(CASHIER);
      simulator.remove();
      await page.locator('#screen-sale').waitFor();
      await page.keyboard.press('a');
      await page.keyboard.press('c');
      await expect.poll(() => page.locator('#total').getAttribute('data-amount')).toBe('550');
      for (const size of SIZES) {
        await page.setViewportSize(size);
        await page.waitForFunction(([width]) => window.innerWidth === width, [size.width]);
        const seen = await layout(page);
        await screenshot(page, `sale-${size.width}x${size.height}-${language}`);
        expect(seen, `${size.width}×${size.height}`).toMatchObject({ outside: [], tabs: 8, truncatedTabs: [], keys: 12, mainScrolls: false, pageScrolls: false, statusRows: 1, statusOverflows: false, statusLinesPerItem: 1 });
      }
    });
  }
});

describe('the top-up and close screens’ words', () => {
  it('tops up only the currency this till issues, the others greyed with the reason; the close title once', async () => {
    const simulator = new SimulatorReader({ name: 'ACS ACR122U (simulated)' });
    const till = await startTill(browser, simulator, 'en');
    tills.push(till);
    const page = till.page;
    await pairThroughUi(page, hub, 'Words');
    await waitOnline(till.agent);
    simulator.tap(CASHIER);
    simulator.remove();
    await page.locator('#screen-sale').waitFor();
    await page.keyboard.press('F2');
    await page.locator('#screen-topUp').waitFor();
    expect(await page.locator('#screen-topUp h2').textContent()).toBe('Top-up — Monnaie A');
    const greyed = await page.locator('#not-issued li').evaluateAll((items) => items.map((item) => [item.getAttribute('data-asset'), item.textContent]));
    expect(greyed).toEqual([[hub.seeded.fed, expect.stringContaining('topped up online (verified payment), not at a till')]]);
    await screenshot(page, 'top-up-issued-here');
    await page.keyboard.press('F7');
    await page.locator('#screen-close h3').waitFor();
    expect(await page.locator('#screen-close').getByText('Close register', { exact: false }).count()).toBe(1);
    await screenshot(page, 'close-title-once');
  });
});
