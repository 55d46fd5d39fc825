/** The users section and the card page's link and replace actions, driven in Chromium. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { hashToken } from '../src/identity/bootstrap';
import * as repo from '../src/storage/repo';
import { verifyChain } from '../src/verify/verify-chain';
import { CASHIER, CASHIER_B } from '../../../support/seed';
import { launchBrowser, login, screenshot, startDashboardHub, type Browser, type DashboardWorld } from './dashboard-support';

let browser: Browser;
let hub: DashboardWorld;
let page: Page;

beforeAll(async () => {
  browser = await launchBrowser();
  hub = await startDashboardHub();
  page = await browser.context.newPage();
  page.setDefaultTimeout(10_000);
});

afterAll(async () => {
  await page?.close();
  await hub?.close();
  await browser?.close();
});

it('links a card to an e-mail, shows the user with both balances and the history in words, and carries a card to its replacement, at phone width too', async () => {
  const [linked, lost, fresh] = hub.world.cards as [string, string, string];
  const { local, gift } = hub.world;
  const till = await hub.connectTill('A');
  await till.push([
    till.entry('REF', { card: linked, primary: CASHIER, asset: local, amount: 1_234 }),
    till.entry('REF', { card: linked, primary: CASHIER, asset: gift, amount: 500 }),
    till.entry('REF', { card: lost, primary: CASHIER, asset: local, amount: 300 }),
  ]);
  await login(page, hub.base, hub.token);

  await page.goto(`${hub.base}/dashboard#/cards?q=${linked}`);
  await page.fill('#link-email', 'Zoe@Example.org');
  await page.click('#link-card');
  await page.waitForSelector('#card-user a:has-text("zoe@example.org")');
  expect(await page.locator('#link-form').count()).toBe(0);

  await page.click('#card-user a');
  await page.waitForSelector(`#user-balances li[data-asset="${local}"][data-value="1234"]`);
  await page.waitForSelector(`#user-balances li[data-asset="${gift}"][data-value="500"]`);
  expect(await page.textContent(`#user-balances li[data-asset="${local}"]`)).toContain('12.34 MLA');
  expect(await page.locator('#user-history tr[data-action="FUS"]').count()).toBe(2);
  expect(await page.textContent('#user-history')).toContain('card merged');
  expect(await page.textContent('#user-cards')).toContain(linked);
  await screenshot(page, 'user');

  await page.goto(`${hub.base}/dashboard#/users`);
  await page.fill('#user-search', 'ZOE');
  await page.press('#user-search', 'Enter');
  await page.waitForSelector('#users-list li[data-email="zoe@example.org"]');
  expect(await page.locator('#users-list li').count()).toBe(1);

  await page.goto(`${hub.base}/dashboard#/cards?q=${lost}`);
  await page.fill('#replace-by', fresh.toLowerCase());
  page.once('dialog', (dialog) => void dialog.accept());
  await page.click('#replace-card');
  // The lost card's page showed 300 too: wait for the new card's page first.
  await page.waitForFunction((tag) => document.querySelector('#card-page h3')?.textContent?.includes(tag), fresh);
  await page.waitForSelector(`#card-balances li[data-asset="${local}"][data-value="300"]`);
  expect(await page.textContent('#card-page h3')).toContain(fresh);
  const stored = (await repo.loadCardsByTag(hub.world.hub.context.storage.read, [lost])).get(lost)!;
  expect(stored.lostAt).not.toBeNull();

  // A refusal is shown in words, and nothing changes: the lost card cannot be a replacement.
  await page.fill('#replace-by', lost);
  page.once('dialog', (dialog) => void dialog.accept());
  await page.click('#replace-card');
  await page.waitForSelector('#card-notice p.bad');
  expect(await page.textContent('#card-notice p.bad')).toContain('lost');

  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${hub.base}/dashboard#/users?email=${encodeURIComponent('zoe@example.org')}`);
  await page.waitForSelector('#user-history tr');
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.goto(`${hub.base}/dashboard#/cards?q=${fresh}`);
  await page.waitForSelector('#replace-form');
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await screenshot(page, 'card-actions-phone');

  // A viewer's session may look, not move money: the hub refuses, whatever the page shows.
  const viewer = 'fedow_test_viewer';
  await hub.world.hub.context.storage.transaction((tx) => repo.insertOperatorToken(tx, { hash: hashToken(viewer), label: 'door', createdAt: new Date().toISOString(), role: 'viewer' }));
  await browser.context.clearCookies();
  await login(page, hub.base, viewer);
  const other = hub.world.cards[3]!;
  const status = await page.evaluate(
    async ([tag]) => (await fetch(`/dashboard/api/cards/${tag}/link`, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': 'v-1' }, body: JSON.stringify({ email: 'door@example.org' }) })).status,
    [other],
  );
  expect(status).toBe(403);
  expect((await repo.loadCardsByTag(hub.world.hub.context.storage.read, [other])).get(other)?.userId).toBeNull();

  expect((await verifyChain(hub.world.hub.context)).firstDiscrepancy).toBeNull();
});

it('keeps the card page as it is when a live change brings the same card, so a click in progress is not lost', async () => {
  const [, , , shown, other] = hub.world.cards as [string, string, string, string, string];
  const { local } = hub.world;
  await browser.context.clearCookies();
  await login(page, hub.base, hub.token);
  await page.goto(`${hub.base}/dashboard#/cards?q=${shown}`);
  await page.waitForSelector('#replace-card');
  await page.fill('#replace-by', 'AB12');
  await page.evaluate(() => ((window as unknown as { button: Element | null }).button = document.querySelector('#replace-card')));

  // Another card's sale: the hub says "cards changed" and the page asks for its card again.
  const till = await hub.connectTill('B');
  const asked = page.waitForResponse((response) => response.url().includes('/dashboard/api/card?q='));
  await till.push([till.entry('REF', { card: other, primary: CASHIER_B, asset: local, amount: 100 })]);
  await asked;
  await page.evaluate(() => new Promise(requestAnimationFrame));

  expect(await page.evaluate(() => document.querySelector('#replace-card') === (window as unknown as { button: Element | null }).button)).toBe(true);
  expect(await page.inputValue('#replace-by')).toBe('AB12');
});

