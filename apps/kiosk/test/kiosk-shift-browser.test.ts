/**
 * Issue 16.9: a cashier opens and closes the drawer's shift in real Chromium, in
 * French, on the Raspberry Pi 7" display (800×480): the float counted by notes,
 * a cash top-up in between, the close counted by notes and coins, expected and
 * counted cash and the difference in words, all on screen without scrolling; the
 * shift then reaches the hub through /sync like a sale.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { SimulatorReader } from '@fedow/nfc';
import { shiftsReport } from '../../hub/src/shifts/report';
import { CASHIER, launchChromium, pairThroughUi, screenshot, startHubWorld, startTill, waitFor, waitOnline, type HubWorld, type Till } from '../../../support/kiosk-world';

let browser: Browser;
let hub: HubWorld;
let till: Till | undefined;

beforeAll(async () => {
  [browser, hub] = await Promise.all([launchChromium(), startHubWorld()]);
}, 60_000);
afterAll(async () => {
  await till?.close();
  await browser?.close();
  await hub?.close();
});

/** Elements of the shift screen outside the viewport, and whether anything scrolls. */
async function fits(page: Page) {
  return page.evaluate(() => {
    const inside = (element: Element) => {
      const box = element.getBoundingClientRect();
      return box.width > 0 && box.top >= 0 && box.left >= 0 && box.bottom <= window.innerHeight + 0.5 && box.right <= window.innerWidth + 0.5;
    };
    const main = document.querySelector('#main-region')!;
    const parts = [...document.querySelectorAll('#screen-shift input, #shift-submit, #shift-entered, #shift-difference, #shift-expected, #shift-closed-difference, .tab')];
    return {
      outside: parts.filter((element) => !inside(element)).map((element) => element.id || element.textContent?.trim()),
      mainScrolls: main.scrollHeight > main.clientHeight + 1,
      pageScrolls: document.documentElement.scrollHeight > window.innerHeight + 1,
    };
  });
}

async function type(page: Page, selector: string, text: string) {
  await page.locator(selector).click();
  await page.keyboard.type(text);
}

describe('the cash shift at a till', () => {
  it('opens with a float and closes with the count at 800×480, in French, and the hub records it', async () => {
    const simulator = new SimulatorReader({ name: 'ACS ACR122U (simulated)' });
    till = await startTill(browser, simulator, 'fr');
    const page = till.page;
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await pairThroughUi(page, hub, 'Caisse service');
    await waitOnline(till.agent);
    await page.setViewportSize({ width: 800, height: 480 });
    simulator.tap(CASHIER);
    simulator.remove();
    await page.locator('#screen-sale').waitFor();

    // From the close screen, or F10.
    await page.keyboard.press('F7');
    await page.locator('#open-shift-screen').click();
    await page.locator('#screen-shift').waitFor();
    await expect.poll(() => page.locator('#shift-none').textContent()).toBe('Aucun service ouvert : comptez le fond de caisse');
    // Float: five 20 € notes.
    await type(page, '#d-2000', '5');
    await expect.poll(() => page.locator('#shift-entered').getAttribute('data-amount')).toBe('10000');
    expect(await page.locator('#shift-entered').textContent()).toBe('100,00 €');
    expect(await fits(page)).toEqual({ outside: [], mainScrolls: false, pageScrolls: false });
    await screenshot(page, 'shift-open-800x480-fr');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#shift-expected').getAttribute('data-amount')).toBe('10000');
    expect(await page.locator('#shift-submit').textContent()).toContain('Clôturer le service');

    // A cash top-up of 20 € while the shift is open: the drawer should now hold 120 €.
    const [card] = hub.seeded.cards;
    const topUp = await till.agent.topUp({ amount: 2_000, payment: 'cash', asset: hub.seeded.local }, card!);
    expect(topUp.approve).toBe(true);
    await page.keyboard.press('F10');
    await expect.poll(() => page.locator('#shift-expected').getAttribute('data-amount')).toBe('12000');

    // Counted: 2 × 50 €, 1 × 10 €, 4 × 2 €, 1 × 50 c = 118.50 €: 1.50 € missing.
    await type(page, '#d-5000', '2');
    await type(page, '#d-1000', '1');
    await type(page, '#d-200', '4');
    await type(page, '#d-50', '1');
    await expect.poll(() => page.locator('#shift-entered').getAttribute('data-amount')).toBe('11850');
    expect(await page.locator('#shift-difference').textContent()).toBe('Il manque 1,50 €');
    expect(await fits(page)).toEqual({ outside: [], mainScrolls: false, pageScrolls: false });
    await screenshot(page, 'shift-count-800x480-fr');
    await page.locator('#shift-submit').click();

    await page.locator('#shift-closed').waitFor();
    expect(await page.locator('#shift-closed-expected').textContent()).toBe('120,00 €');
    expect(await page.locator('#shift-closed-counted').textContent()).toBe('118,50 €');
    expect(await page.locator('#shift-closed-difference').textContent()).toBe('Il manque 1,50 €');
    expect(await fits(page)).toEqual({ outside: [], mainScrolls: false, pageScrolls: false });
    await screenshot(page, 'shift-closed-800x480-fr');

    // F9: the same words in English.
    await page.keyboard.press('F9');
    await expect.poll(() => page.locator('#shift-closed-difference').textContent()).toBe('1.50 € missing');

    await waitFor(async () => (await shiftsReport(hub.hub.context, {})).shifts.some((shift) => shift.status === 'closed'), 15_000, 'the shift on the hub');
    const [shift] = (await shiftsReport(hub.hub.context, {})).shifts;
    expect(errors).toEqual([]);
    expect(shift).toMatchObject({ float: 10_000, expected: 12_000, counted: 11_850, difference: -150, count: { '5000': 2, '1000': 1, '200': 4, '50': 1 } });
  }, 120_000);
});
