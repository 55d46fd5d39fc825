/**
 * Keyboard wedges in the till's page, end to end: real Chromium, the headless
 * service, a keyboard-wedge reader in the format the environment sets, a real
 * hub. The keys are typed into the page as the USB device would type them; they
 * reach the agent through the bridge and become sales on the hub — by card UID,
 * and by a card holder's payment QR code (a QRS the hub applies once).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { fromHex, publicKeyHex, signBody } from '@fedow/ledger';
import { nodeCrypto } from '@fedow/ledger/crypto-node';
import { KeyboardWedgeReader, type WedgeFormat } from '@fedow/nfc';
import { PAY_TOKEN_PURPOSE, encodePayToken } from '@fedow/protocol';
import { wedgeFormatFromEnv } from '@fedow/terminal';
import { topUp } from '../../hub/src/money/topup';
import { findOrCreateUser } from '../../hub/src/money/users';
import { registerWalletKey } from '../../hub/src/money/wallet-requests';
import * as repo from '../../hub/src/storage/repo';
import { CASHIER, launchChromium, pairThroughUi, screenshot, startHubWorld, startTill, waitFor, waitOnline, type HubWorld, type Till } from '../../../support/kiosk-world';

const HOLDER_KEY = fromHex('c3'.repeat(32));

let browser: Browser;
let hub: HubWorld;
let till: Till | null = null;

beforeAll(async () => {
  [browser, hub] = await Promise.all([launchChromium(), startHubWorld()]);
}, 60_000);
afterEach(async () => {
  await till?.close();
  till = null;
});
afterAll(async () => {
  await browser?.close();
  await hub?.close();
});

/** What a "10-digit" wedge types for a UID: the bytes reversed, as a zero-padded decimal number. */
function typedByWedge(uid: string): string {
  const reversed = Buffer.from(uid, 'hex').reverse().toString('hex');
  return BigInt(`0x${reversed}`).toString().padStart(10, '0');
}

/**
 * A USB device types its line in one burst and ends with Enter: its keys reach
 * the page together, stamped a few ms apart. Typed one CDP call a key instead,
 * a loaded CI machine once left more than WEDGE_GAP_MS between two of a payment
 * code's hundreds of keys, and the page rightly took the rest for a person's
 * shortcuts. So the burst is dispatched in the page, in one task, as the
 * document's keydown events the till listens to.
 */
async function scan(page: Page, text: string): Promise<void> {
  await page.evaluate((keys) => {
    for (const key of keys) document.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
  }, [...text, 'Enter']);
}

/** Waits for the till's verdict screen; on a timeout, says what the screen showed instead. */
async function verdict(page: Page, selector: string): Promise<void> {
  await page
    .locator(selector)
    .waitFor({ timeout: 15_000 })
    .catch(async (error: Error) => {
      const shown = await page.evaluate(() => {
        const result = document.querySelector('#result');
        const screen = document.querySelector('[id^="screen-"]');
        return `screen ${screen?.id ?? 'none'}; result ${result ? JSON.stringify({ ...(result as HTMLElement).dataset }) : 'none'}: ${JSON.stringify(result?.textContent ?? document.body.textContent?.slice(0, 300))}`;
      });
      throw new Error(`${error.message}\nthe till showed: ${shown}`);
    });
}

async function openWedgeTill(name: string): Promise<{ till: Till; page: Page }> {
  const format = wedgeFormatFromEnv({ FEDOW_WEDGE_ENCODING: 'decimal', FEDOW_WEDGE_BYTE_ORDER: 'reversed', FEDOW_WEDGE_DECIMAL_BYTES: '4' });
  if (!format.ok) throw new Error(format.message);
  expect(format.format).toEqual({ encoding: 'decimal', byteOrder: 'reversed', decimalBytes: 4 } satisfies WedgeFormat);
  till = await startTill(browser, new KeyboardWedgeReader({ format: format.format, name: 'USB wedge' }));
  await pairThroughUi(till.page, hub, name);
  await waitOnline(till.agent);
  await scan(till.page, typedByWedge(CASHIER));
  await till.page.locator('#screen-sale').waitFor({ timeout: 10_000 });
  return { till, page: till.page };
}

async function chargeBeer(page: Page): Promise<void> {
  await page.keyboard.press('a'); // Bière 3.50
  await expect.poll(() => page.locator('#total').getAttribute('data-amount')).toBe('350');
  await page.keyboard.press('Enter');
  await page.locator('#waiting').waitFor();
}

describe('keyboard wedges typing into the till page', () => {
  it('a card typed by the wedge pays a sale the hub applies', async () => {
    const { till, page } = await openWedgeTill('Bar wedge');
    const card = hub.seeded.cards[4]!;
    expect((await till.agent.topUp({ amount: 1000, payment: 'cash' }, card)).approve).toBe(true);
    await chargeBeer(page);
    await scan(page, typedByWedge(card));
    await page.locator('#result[data-outcome="approved"]').waitFor({ timeout: 10_000 });
    await screenshot(page, 'wedge-sale');
    await waitFor(async () => (await hub.balance(card, hub.seeded.local)) === 650, 15_000, 'the hub to apply the sale');
    // The keypad still works between scans: digits typed by a person stay an amount.
    await page.keyboard.press('Escape');
    for (const digit of '250') await page.keyboard.press(digit);
    await expect.poll(() => page.locator('#total').getAttribute('data-amount')).toBe('250');
  });

  it('a payment QR code scanned at the till pays the sale once (QRS); the same code again is refused in words', async () => {
    const { page } = await openWedgeTill('Bar QR');
    const context = hub.hub.context;
    const holder = await findOrCreateUser(context, 'holder@example.org');
    await registerWalletKey(context, holder.wallet, publicKeyHex(nodeCrypto, HOLDER_KEY));
    expect((await topUp(context, { source: { kind: 'operator', name: 'test' }, idempotencyKey: 'fund-holder', asset: hub.seeded.fed, amount: 2000, wallet: holder.wallet, reference: 'VIR-QR' })).status).toBe('applied');
    const body = { purpose: PAY_TOKEN_PURPOSE as typeof PAY_TOKEN_PURPOSE, v: 1 as const, wallet: holder.wallet, nonce: randomBytes(16).toString('hex'), expires: new Date(Date.now() + 60_000).toISOString() };
    const code = encodePayToken({ body, sig: signBody(nodeCrypto, HOLDER_KEY, body).sig });
    const fed = async () => (await repo.loadWalletBalances(context.storage.read, [holder.wallet])).find((row) => row.assetId === hub.seeded.fed)?.value ?? 0;

    await chargeBeer(page);
    await scan(page, code);
    await verdict(page, '#result[data-outcome="approved"][data-kind="QRS"]');
    expect(await page.locator('#new-balance').textContent()).toContain('16.50');
    await screenshot(page, 'qr-sale-approved');
    expect(await fed()).toBe(1650);

    await page.keyboard.press('Escape');
    await chargeBeer(page);
    await scan(page, code);
    await verdict(page, '#result[data-outcome="declined"][data-code="code_used"]');
    expect(await page.locator('#decline-reason').textContent()).toBe('This payment code was already used: ask for a fresh one');
    await screenshot(page, 'qr-sale-replayed');
    // The language key translates the verdict already on screen.
    await page.keyboard.press('F9');
    await expect.poll(() => page.locator('#decline-reason').textContent()).toBe('Ce code de paiement a déjà servi : demandez-en un nouveau');
    expect(await fed()).toBe(1650);
  });
});
