/** The dashboard's tokens and audit pages, corrections, and what each role is offered, in Chromium. */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchBrowser, login, screenshot, startDashboardHub, type Browser, type DashboardWorld } from './dashboard-support';

let browser: Browser;
let hub: DashboardWorld;
let page: Page;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser.close();
});
beforeEach(async () => {
  hub = await startDashboardHub();
  await browser.context.clearCookies();
  page = await browser.context.newPage();
  page.setDefaultTimeout(10_000);
  // Revoke and rotate ask first.
  page.on('dialog', (dialog) => void dialog.accept());
});
afterEach(async () => {
  await page.close();
  await hub.close();
});

async function logout(): Promise<void> {
  await Promise.all([page.waitForURL(/\/dashboard\/login$/), page.click('form.logout button')]);
}

describe('dashboard operators in Chromium', () => {
  it('creates, rotates and revokes tokens, showing each secret once; a cashdesk token sees no admin action', async () => {
    await login(page, hub.base, hub.token);
    expect(await page.getAttribute('#operator', 'data-role')).toBe('admin');
    await page.click('nav a[data-route="tokens"]');
    await page.waitForSelector('#tokens tr[data-token="first start"][data-state="active"]');
    await page.fill('#token-name', 'caisse 1');
    await page.selectOption('#token-role', 'cashdesk');
    await page.click('#token-create');
    const secret = (await page.textContent('#token-secret'))!;
    expect(secret).toMatch(/^fedow_/);
    await page.waitForSelector('#tokens tr[data-token="caisse 1"][data-state="active"]');
    await page.fill('#token-name', 'regard');
    await page.selectOption('#token-role', 'viewer');
    await page.click('#token-create');
    await page.waitForSelector('#tokens tr[data-token="regard"]');
    const viewer = (await page.textContent('#token-secret'))!;
    await page.click('#tokens tr[data-token="regard"] button.revoke');
    await page.waitForSelector('#tokens tr[data-token="regard"][data-state="revoked"]');
    await page.click('#tokens tr[data-token="caisse 1"] button.rotate');
    await page.waitForFunction((old) => document.querySelector('#token-secret')?.textContent !== old, secret);
    const rotated = (await page.textContent('#token-secret'))!;
    // The secret is shown first, then the list is fetched again: the rotated-away token and its successor.
    await page.waitForFunction(() => document.querySelectorAll('#tokens tr[data-token="caisse 1"]').length === 2);
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'tokens-phone');
    await page.setViewportSize({ width: 1280, height: 800 });
    // The page never fetches a secret again.
    expect(JSON.stringify(await (await page.request.get(`${hub.base}/dashboard/api/tokens`)).json())).not.toContain('fedow_');
    await logout();

    // A revoked or rotated-away secret opens no session.
    for (const token of [viewer, secret]) {
      await page.fill('#token', token);
      const [refused] = await Promise.all([page.waitForResponse((response) => response.url().endsWith('/dashboard/login') && response.request().method() === 'POST'), page.click('button[type=submit]')]);
      expect(refused.status()).toBe(401);
    }

    await login(page, hub.base, rotated);
    expect(await page.getAttribute('#operator', 'data-role')).toBe('cashdesk');
    expect(await page.locator('nav a').evaluateAll((links) => links.map((link) => link.getAttribute('data-route')))).toEqual(['tills', 'alerts', 'money', 'reports', 'compensation', 'melt', 'chain', 'cards', 'users', 'audit', 'setup']);
    const post = (path: string, data: object) => page.request.post(`${hub.base}/dashboard/api/${path}`, { data });
    expect((await post('tokens', { name: 'x', role: 'admin' })).status()).toBe(403);
    expect((await post('pairing-codes', { place: hub.world.placeA.id, name: 'Bar 9' })).status()).toBe(403);
    expect((await post('verify', {})).status()).toBe(403);
    expect((await post('corrections', { wallet: hub.world.placeA.wallet, asset: hub.world.local, amount: 1, direction: 'credit', reason: 'x', key: 'k' })).status()).toBe(403);
    await page.click('nav a[data-route="chain"]');
    await page.waitForSelector('#verify-result');
    expect(await page.locator('#verify-run').count()).toBe(0);
  });

  it('books a correction from the audit page, shown with its reason and operator in the audit and the alerts', async () => {
    const card = hub.world.cards[0]!;
    const admin = { authorization: `Bearer ${hub.token}` };
    const topUp = await page.request.post(`${hub.base}/api/v1/topups`, { data: { card, asset: hub.world.local, amount: 1_000 }, headers: { ...admin, 'idempotency-key': 'seed' } });
    expect(topUp.status()).toBe(201);
    const wallet: string = (await (await page.request.get(`${hub.base}/api/v1/cards/${card}`, { headers: admin })).json()).wallet;

    await login(page, hub.base, hub.token);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.click('nav a[data-route="audit"]');
    await page.waitForSelector('#audit tr[data-kind="topup"]');
    await page.fill('#correction-wallet', wallet);
    await page.selectOption('#correction-asset', hub.world.local);
    await page.fill('#correction-amount', '2.50');
    await page.selectOption('#correction-direction', 'debit');
    await page.fill('#correction-reason', 'caisse 2 a compté deux fois');
    await page.click('#correction-submit');
    await page.waitForSelector('#correction-booked');
    const row = page.locator('#audit tr[data-kind="correction"]');
    await row.first().waitFor();
    expect(await row.first().getAttribute('data-status')).toBe('applied');
    expect(await row.first().locator('.actor').textContent()).toBe('first start');
    expect(await row.first().locator('.reason').textContent()).toContain('caisse 2 a compté deux fois');
    await screenshot(page, 'audit-phone');
    await page.setViewportSize({ width: 1280, height: 800 });

    await page.click('nav a[data-route="alerts"]');
    const alert = page.locator('li[data-alert-kind="correction"]');
    await alert.first().waitFor();
    const text = (await alert.first().textContent())!;
    expect(text).toContain('caisse 2 a compté deux fois');
    expect(text).toContain('first start');
    await screenshot(page, 'correction-alert');
    await alert.first().locator('a.alert-link').click();
    await page.waitForSelector('#audit tr[data-kind="correction"]');
    expect(await page.inputValue('#audit-kind')).toBe('correction');
    expect(await page.locator('#audit tbody tr').count()).toBe(1);
    const balances = (await (await page.request.get(`${hub.base}/api/v1/cards/${card}`, { headers: admin })).json()).balances;
    expect(balances[hub.world.local]).toBe(1_000 - 250);
  });

  it('keeps the audit\'s older pages when money changes, and draws no request twice when refreshes overlap', async () => {
    const admin = { authorization: `Bearer ${hub.token}` };
    const topUp = async (key: string) => {
      const response = await page.request.post(`${hub.base}/api/v1/topups`, { data: { card: hub.world.cards[0]!, asset: hub.world.local, amount: 100 }, headers: { ...admin, 'idempotency-key': key } });
      expect(response.status()).toBe(201);
    };
    const shown = () => page.locator('#audit tr[data-request]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-request')!));
    const rowsAre = (count: number) => page.waitForFunction((count) => document.querySelectorAll('#audit tr[data-request]').length === count, count);
    for (const key of ['a', 'b', 'c']) await topUp(key);

    await login(page, hub.base, hub.token);
    await page.evaluate(() => (location.hash = '#/audit?limit=2'));
    await rowsAre(2);
    await page.click('#audit-older');
    // The second page: two more rows (the three top-ups and what the world's set-up asked).
    await rowsAre(4);
    const opened = await shown();
    // A sale or top-up elsewhere: the newest request comes on top, the older page stays.
    await topUp('d');
    await rowsAre(5);
    const after = await shown();
    expect(after.slice(1)).toEqual(opened);

    // Answers held 1 s: the refresh after the next top-up still waits when the one after
    // the top-up that follows starts (the hub gathers changes for 150 ms, well under the gap).
    let answered = 0;
    await page.route('**/dashboard/api/requests?*', async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await route.fulfill({ response: await route.fetch() });
      answered += 1;
    });
    await topUp('e');
    await new Promise((resolve) => setTimeout(resolve, 600));
    await topUp('f');
    await expect.poll(() => answered, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    await page.waitForTimeout(200);
    const rows = await shown();
    expect(rows.length).toBeGreaterThanOrEqual(2);
    expect(new Set(rows).size).toBe(rows.length);
  });
});
