/**
 * The till UI in real Chromium against the headless deployment, a real hub and
 * the simulator reader: every action driven from the keyboard, as a cashier with
 * a keyboard (or a test) would. Each test leaves a screenshot in test-results/kiosk/.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { SimulatorReader } from '@fedow/nfc';
import { startHeadlessServer } from '../src/headless/server';
import { bundleUi } from '../src/ui-bundle';
import { CASHIER, launchChromium, pairThroughUi, screenshot, startHubWorld, startTill, waitFor, waitOnline, type HubWorld, type Till } from '../../../support/kiosk-world';

let browser: Browser;
let hub: HubWorld;
let till: Till | null = null;
const reader = () => new SimulatorReader({ name: 'ACS ACR122U (simulated)' });

beforeAll(async () => {
  [browser, hub] = await Promise.all([launchChromium(), startHubWorld()]);
});
afterEach(async () => {
  await till?.close();
  till = null;
  await hub.start();
});
afterAll(async () => {
  await browser?.close();
  await hub?.close();
});

async function openTill(name: string): Promise<{ till: Till; tap: (uid: string) => void }> {
  const simulator = reader();
  till = await startTill(browser, simulator);
  await pairThroughUi(till.page, hub, name);
  await waitOnline(till.agent);
  const tap = (uid: string): void => {
    simulator.tap(uid);
    simulator.remove();
  };
  tap(CASHIER);
  await till.page.locator('#screen-sale').waitFor();
  return { till, tap };
}

describe('kiosk UI, headless deployment, simulator reader', () => {
  it('declines a sale beyond the balance and shows the missing amount', async () => {
    const { till, tap } = await openTill('Bar decline');
    const card = hub.seeded.cards[1]!;
    expect((await till.agent.topUp({ amount: 100, payment: 'cash' }, card)).approve).toBe(true);
    const page = till.page;
    await page.keyboard.press('a'); // Bière 3.50
    await expect.poll(() => page.locator('#total').getAttribute('data-amount')).toBe('350');
    await page.keyboard.press('Enter');
    await page.locator('#waiting').waitFor();
    tap(card);
    const result = page.locator('#result[data-outcome="declined"]');
    await result.waitFor();
    await expect.poll(() => page.locator('#missing').textContent()).toBe('2.50 MLA missing');
    expect(await page.locator('#missing').getAttribute('data-missing')).toBe('250');
    await screenshot(page, 'sale-declined');
    // The ticket stays, so the cashier can take the rest otherwise; Escape closes the verdict.
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('#result').count()).toBe(0);
    expect(await page.locator('#total').getAttribute('data-amount')).toBe('350');
  });

  it('tops up a card with the keypad, paid by bank card, and shows the new balance the hub then holds', async () => {
    const { till, tap } = await openTill('Bar top-up');
    const page = till.page;
    const card = hub.seeded.cards[2]!;
    await page.keyboard.press('F2');
    await page.locator('#screen-topUp').waitFor();
    for (const digit of '1500') await page.keyboard.press(digit);
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.locator('#payment-card').getAttribute('class')).toContain('active');
    await expect.poll(() => page.locator('#top-up').textContent()).toContain('15.00 MLA');
    await page.keyboard.press('Enter');
    await page.locator('#waiting').waitFor();
    tap(card);
    await page.locator('#result[data-outcome="approved"]').waitFor();
    expect(await page.locator('#new-balance').textContent()).toContain('15.00 MLA');
    await screenshot(page, 'top-up-approved');
    await waitFor(async () => (await hub.balance(card, hub.seeded.local)) === 1500, 10_000, 'the hub to hold the top-up');
    expect(till.agent.journal.entriesFrom(1, 10).map((entry) => entry.body.meta?.payment)).toEqual(['card']);
  });

  it('shows the offline banner when the hub stops, keeps selling, and clears it once the queue has drained', async () => {
    const { till, tap } = await openTill('Bar offline');
    const page = till.page;
    const card = hub.seeded.cards[3]!;
    expect((await till.agent.topUp({ amount: 2000, payment: 'cash' }, card)).approve).toBe(true);
    await waitFor(() => till.agent.snapshot().sync.pendingCount === 0, 10_000, 'the top-up acknowledged');
    expect(await page.locator('#offline-banner').count()).toBe(0);
    expect(await page.locator('.status').getAttribute('data-sync')).toBe('online');

    await hub.stop();
    await page.locator('#offline-banner').waitFor({ timeout: 10_000 });
    expect(await page.locator('.status').getAttribute('data-sync')).toBe('offline');
    for (const key of ['a', 'b']) await page.keyboard.press(key); // Bière + Eau = 5.00
    await page.keyboard.press('Enter');
    await page.locator('#waiting').waitFor();
    tap(card);
    await page.locator('#result[data-outcome="approved"]').waitFor();
    expect(await page.locator('#result .tag').textContent()).toBe('approved offline');
    expect(await page.locator('#new-balance').textContent()).toContain('15.00 MLA');
    await expect.poll(() => page.locator('#pending').getAttribute('data-count')).toBe('1');
    await screenshot(page, 'offline-sale');

    await hub.start();
    await page.locator('#offline-banner').waitFor({ state: 'detached', timeout: 15_000 });
    await expect.poll(() => page.locator('#pending').getAttribute('data-count'), { timeout: 10_000 }).toBe('0');
    expect(await page.locator('.status').getAttribute('data-sync')).toBe('online');
    await waitFor(async () => (await hub.balance(card, hub.seeded.local)) === 1500, 10_000, 'the hub to apply the offline sale');
    await page.keyboard.press('Escape');
    await screenshot(page, 'back-online');
  });

  it('survives a restart of the headless service: the page says so, reconnects and carries on', async () => {
    const { till } = await openTill('Bar restart');
    const page = till.page;
    await till.server.close();
    await expect.poll(() => page.locator('.status').getAttribute('data-sync')).toBe('down');
    const again = await startHeadlessServer({ agent: till.agent, ui: await bundleUi(), port: till.server.port });
    try {
      await expect.poll(() => page.locator('.status').getAttribute('data-sync'), { timeout: 10_000 }).toBe('online');
      await page.keyboard.press('b');
      await expect.poll(() => page.locator('#total').getAttribute('data-amount')).toBe('150');
      await screenshot(page, 'service-restarted');
    } finally {
      await again.close();
    }
  });
});
