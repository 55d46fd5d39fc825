/** The payouts screen in Chromium at phone width: approve, download the SEPA file, mark sent, deposit. */
import { readFileSync } from 'node:fs';
import { decideCorrection } from '@fedow/ledger';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { requestPayoutFor } from '../src/money/payouts';
import { submitRequest } from '../src/money/submit';
import { topUp } from '../src/money/topup';
import * as repo from '../src/storage/repo';
import { verifyChain } from '../src/verify/verify-chain';
import { launchBrowser, login, screenshot, startDashboardHub, type Browser, type DashboardWorld } from './dashboard-support';

let browser: Browser;
let hub: DashboardWorld;

beforeAll(async () => {
  browser = await launchBrowser();
  hub = await startDashboardHub({ config: { sepa: { name: 'Fédération', iban: 'FR7630006000011234567890189', bic: 'AGRIFRPPXXX' } } });
});

afterAll(async () => {
  await hub?.close();
  await browser?.close();
});

it('approves the requested payouts, gives the SEPA file, books them when marked sent, and records a deposit', async () => {
  const { context } = hub.world.hub;
  const { fed, placeA } = hub.world;
  const source = { kind: 'operator' as const, name: 'test' };
  const [first, second] = hub.world.cards as [string, string];
  for (const [index, card] of [first, second].entries()) {
    expect((await topUp(context, { source, idempotencyKey: `fund-${card}`, asset: fed, amount: 2_000, card, reference: `VIR-${index}` })).status).toBe('applied');
  }
  await requestPayoutFor(context, { card: first, amount: 2_000, iban: 'DE89370400440532013000', holder: 'Alice' });
  await requestPayoutFor(context, { card: second, amount: 750, iban: 'FR1420041010050500013M02606', holder: 'Bob' });
  await submitRequest(context, {
    source,
    idempotencyKey: 'earned',
    kind: 'correction',
    body: { place: placeA.id },
    needs: { place: placeA.id, wallets: [placeA.wallet] },
    decide: (state, decision, request) => decideCorrection(state, { sender: state.primaryWallet, receiver: placeA.wallet, asset: fed, amount: 5_000, reason: 'sales', request }, decision),
  });

  const page = await browser.context.newPage();
  page.setDefaultTimeout(10_000);
  await page.setViewportSize({ width: 390, height: 844 });
  await login(page, hub.base, hub.token);
  await page.click('nav a[data-route="payouts"]');
  await page.waitForSelector('#requested tbody tr');
  expect(await page.locator('#requested tbody tr').count()).toBe(2);
  expect(await page.textContent('#requested')).toMatch(/20[,.]00/);

  await page.click('#approve');
  await page.waitForSelector('#batches tr[data-state="approved"]');
  expect(await page.getAttribute('#batches tr[data-state="approved"] td[data-value]', 'data-value')).toBe('2750');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#batches a.download')]);
  const file = readFileSync((await download.path())!, 'utf8');
  expect(file).toContain('urn:iso:std:iso:20022:tech:xsd:pain.001.001.03');
  expect(file).toContain('<CtrlSum>27.50</CtrlSum>');
  await page.waitForSelector('#batches tr[data-state="exported"] button.mark-sent');

  page.once('dialog', (dialog) => void dialog.accept());
  await page.click('#batches button.mark-sent');
  await page.waitForSelector('#batches tr[data-state="sent"]');
  const balances = await repo.loadWalletBalances(context.storage.read, [placeA.wallet]);
  expect(balances.find((row) => row.assetId === fed)?.value).toBe(5_000);

  await page.selectOption('#deposit-place', placeA.id);
  await page.fill('#deposit-amount', '12,50');
  await page.fill('#deposit-comment', 'remise');
  await page.click('#deposit button[type=submit]');
  await page.waitForSelector('#payouts-message.good');
  expect(await page.textContent('#payouts-message')).toMatch(/Deposit recorded|Dépôt enregistré/);
  expect((await repo.loadWalletBalances(context.storage.read, [placeA.wallet])).find((row) => row.assetId === fed)?.value).toBe(3_750);
  // Phone width: nothing wider than the screen.
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  await screenshot(page, 'payouts-phone');
  await page.close();
  expect((await verifyChain(context)).firstDiscrepancy).toBeNull();
});
