/**
 * The till from card to screen with the PC/SC stack (a private pcscd with the
 * vpcd driver, our virtual card in hardware/), not the simulator: the cashier
 * unlocks with the place's primary card and sells three products to a customer
 * card. The approved screen is the README's picture (docs/images/till-sale.png).
 */
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { insertCard, privatePcscdUnsupported, startPrivatePcscd, type PrivatePcscd } from '@fedow/hardware';
import { createPcscReader } from '@fedow/nfc';
import { CASHIER, launchChromium, pairThroughUi, screenshot, startHubWorld, startTill, waitFor, waitOnline, type HubWorld, type Till } from '../../../support/kiosk-world';

const PCSC_REQUIRED = Boolean(process.env.CI) || process.env.FEDOW_PCSC === 'required';
const unsupported = privatePcscdUnsupported();
if (unsupported && !PCSC_REQUIRED) console.warn(`[kiosk-pcsc] PC/SC stack absent, test skipped: ${unsupported} (CI makes this a failure)`);
const DOCS_IMAGE = join(import.meta.dirname, '..', '..', '..', 'docs', 'images', 'till-sale.png');

describe.skipIf(unsupported !== null && !PCSC_REQUIRED)('kiosk UI with the PC/SC reader', () => {
  let pcscd: PrivatePcscd | null = null;
  let browser: Browser;
  let hub: HubWorld;
  let till: Till | null = null;

  beforeAll(async () => {
    const started = await startPrivatePcscd();
    if (!started.ok) throw new Error(started.reason);
    pcscd = started.pcscd;
    [browser, hub] = await Promise.all([launchChromium(), startHubWorld()]);
  });
  afterAll(async () => {
    await till?.close();
    await browser?.close();
    await hub?.close();
    await pcscd?.dispose();
  });

  /** A card held on the reader until the till has reacted to it, then taken off. */
  async function present(uid: string, reacted: () => Promise<unknown>): Promise<void> {
    const card = await insertCard({ uid, port: pcscd!.port });
    try {
      await reacted();
    } finally {
      await card.remove();
    }
  }

  it('unlocks with the cashier card, sells three products to a card, and shows approved with the new balance', async () => {
    const created = await createPcscReader({ socketPath: pcscd!.socketPath, reconnectMs: 100 });
    if (!created.ok) throw new Error(created.reason);
    till = await startTill(browser, created.reader);
    const page = till.page;
    await page.locator('#screen-pairing').waitFor();
    await screenshot(page, 'pairing');
    await pairThroughUi(page, hub, 'Bar PC/SC');
    await waitOnline(till.agent);
    await waitFor(async () => (await page.locator('#reader').getAttribute('data-connected')) === 'true', 10_000, 'the reader shown as connected');
    await screenshot(page, 'locked');

    await present(CASHIER, () => page.locator('#screen-sale').waitFor({ timeout: 10_000 }));
    const customer = hub.seeded.cards[0]!;
    expect((await till.agent.topUp({ amount: 2000, payment: 'cash' }, customer)).approve).toBe(true);

    // Bière, Eau, Chips: a, b, c on the keyboard (the letters on the buttons).
    for (const key of ['a', 'b', 'c']) await page.keyboard.press(key);
    await expect.poll(() => page.locator('#ticket li').count()).toBe(3);
    await expect.poll(() => page.locator('#total').textContent()).toBe('7.00 MLA');
    await page.keyboard.press('Enter');
    await page.locator('#waiting').waitFor();
    await present(customer, () => page.locator('#result[data-outcome="approved"]').waitFor({ timeout: 10_000 }));
    expect(await page.locator('#charged').textContent()).toBe('− 7.00 MLA');
    expect(await page.locator('#new-balance').textContent()).toContain('13.00 MLA');
    const shot = await screenshot(page, 'sale-approved');
    // The README's picture: written when missing or asked for, so a test run leaves the tree clean.
    if (!existsSync(DOCS_IMAGE) || process.env.FEDOW_DOCS_IMAGES === '1') {
      mkdirSync(join(DOCS_IMAGE, '..'), { recursive: true });
      copyFileSync(shot, DOCS_IMAGE);
    }

    const sale = till.agent.journal.entriesFrom(1, 10).find((entry) => entry.body.kind === 'SAL');
    expect(sale?.body.meta?.lines).toEqual([
      { label: 'Bière', qty: 1, unit: 350 },
      { label: 'Eau', qty: 1, unit: 150 },
      { label: 'Chips', qty: 1, unit: 200 },
    ]);
    await waitFor(async () => (await hub.balance(customer, hub.seeded.local)) === 1300, 10_000, 'the hub to apply the sale');
  });
});
