import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import * as repo from '../src/storage/repo';
import { CASHIER, CASHIER_B } from '../../../support/seed';
import { launchBrowser, ledgerSums, login, screenshot, startDashboardHub, step, type Browser, type DashboardWorld } from './dashboard-support';

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
  page = await step('opening a page', () => browser.context.newPage());
  // Fail in seconds, not at the test timeout: every wait here is for something local.
  page.setDefaultTimeout(10_000);
});

afterEach(async () => {
  await step('closing the page', () => page.close());
  await hub.close();
});

describe('dashboard in Chromium', () => {
  it('refuses a wrong token, then logs in with the operator token', async () => {
    await page.goto(`${hub.base}/`);
    expect(page.url()).toBe(`${hub.base}/dashboard/login`);
    await page.fill('#token', 'fedow_not-the-token');
    const [refused] = await Promise.all([page.waitForResponse((response) => response.url().endsWith('/dashboard/login') && response.request().method() === 'POST'), page.click('button[type=submit]')]);
    expect(refused.status()).toBe(401);
    await page.waitForSelector('#login-error');
    // The API is closed without a session.
    expect((await page.request.get(`${hub.base}/dashboard/api/overview`)).status()).toBe(401);
    await screenshot(page, 'login-refused');

    await login(page, hub.base, hub.token);
    const cookie = (await browser.context.cookies()).find((row) => row.name === 'fedow_dashboard');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/dashboard' });
    expect(cookie?.value).not.toContain(hub.token);
    await page.waitForSelector('#tills, .empty');
    expect(await page.textContent('h2')).toMatch(/Tills|Caisses/);
    await screenshot(page, 'logged-in');
  });

  it('turns a till offline within 2 s of its socket closing', async () => {
    const till = await hub.connectTill('A');
    await hub.connectTill('B');
    await login(page, hub.base, hub.token);
    const row = `tr[data-till="${till.till.id}"]`;
    await page.waitForSelector(`${row}[data-state="online"]`);
    const closedAt = Date.now();
    till.close();
    await page.waitForSelector(`${row}[data-state="offline"]`, { timeout: 2_000 });
    expect(Date.now() - closedAt).toBeLessThan(2_000);
    expect(await page.textContent(`${row} .badge`)).toMatch(/offline|hors ligne/);
    expect(await page.textContent('nav a[data-route="tills"] .count')).toBe('1');
    await screenshot(page, 'till-offline');
  });

  it('shows a rejected entry, an offline-policy breach and a debt as alerts, each linked to its entries', async () => {
    const till = await hub.connectTill('A');
    const other = await hub.connectTill('B');
    const [card, debtor] = hub.world.cards as [string, string];
    const { local } = hub.world;
    await till.push([till.entry('REF', { card, primary: CASHIER, asset: local, amount: 1_000 }), till.entry('REF', { card: debtor, primary: CASHIER, asset: local, amount: 1_000 })]);
    const ack = await till.push([
      till.entry('SAL', { card, primary: CASHIER, asset: local, amount: 5_000 }),
      till.entry('SAL', { card, primary: CASHIER, asset: local, amount: 9_000, auth: 'offline' }),
      till.entry('SAL', { card: debtor, primary: CASHIER, asset: local, amount: 800, auth: 'offline' }),
    ]);
    await other.push([other.entry('SAL', { card: debtor, primary: CASHIER_B, asset: local, amount: 700, auth: 'offline' })]);
    expect(ack.results.map((result) => result.reason ?? result.status)).toEqual(['insufficient_funds', 'offline_policy_exceeded', 'applied']);

    await login(page, hub.base, hub.token);
    await page.click('nav a[data-route="alerts"]');
    const rejected = page.locator('li[data-alert-kind="rejected"]');
    await rejected.first().waitFor();
    expect(await rejected.first().textContent()).toContain('insufficient_funds');
    expect(await page.locator('li[data-alert-kind="offline_policy"]').first().textContent()).toContain('offline_policy_exceeded');
    expect(await page.locator('li[data-alert-kind="debt"]').first().textContent()).toContain(debtor);
    await screenshot(page, 'alerts');

    await rejected.first().locator('a.alert-link').click();
    const entry = page.locator('#entries tr[data-status="rejected"]');
    await entry.first().waitFor();
    expect(await entry.count()).toBe(1);
    expect(await entry.first().textContent()).toContain('insufficient_funds');
    expect(await entry.first().locator('td').nth(0).textContent()).toBe('3');
    await screenshot(page, 'entries');
  });

  it('shows money totals equal to the ledger and a passing conservation check', async () => {
    const till = await hub.connectTill('A');
    const [a, b, c] = hub.world.cards as [string, string, string];
    const { local, gift } = hub.world;
    await till.push([
      till.entry('REF', { card: a, primary: CASHIER, asset: local, amount: 2_500 }),
      till.entry('REF', { card: b, primary: CASHIER, asset: local, amount: 1_000 }),
      till.entry('REF', { card: c, primary: CASHIER, asset: gift, amount: 300 }),
      till.entry('SAL', { card: a, primary: CASHIER, asset: local, amount: 450 }),
      till.entry('SAL', { card: b, primary: CASHIER, asset: local, amount: 1_200, auth: 'offline' }),
      till.entry('RFD', { card: a, primary: CASHIER, asset: local, amount: 1_000 }),
    ]);
    await login(page, hub.base, hub.token);
    await page.click('nav a[data-route="money"]');
    await page.waitForSelector('#money tbody tr');
    const sums = await ledgerSums(hub.world);
    for (const asset of [local, gift]) {
      const expected = sums.get(asset)!;
      const cell = async (field: string) => Number(await page.getAttribute(`#money tr[data-asset="${asset}"] td[data-field="${field}"]`, 'data-value'));
      expect({
        created: await cell('created'),
        destroyed: await cell('destroyed'),
        userWallets: await cell('userWallets'),
        places: await cell('places'),
        debt: await cell('debt'),
        balances: await cell('balances'),
      }).toEqual(expected);
      expect(await page.getAttribute(`#money tr[data-asset="${asset}"] td[data-field="ok"]`, 'data-ok')).toBe('true');
    }
    expect(sums.get(local)).toMatchObject({ created: 3_500, destroyed: 1_000, debt: -200 });
    // Place A's revenue, shown per place.
    expect(Number(await page.getAttribute(`#place-totals tr[data-place="${hub.world.placeA.id}"] li[data-asset="${local}"]`, 'data-value'))).toBe(1_650);
    // Every transfer of this test happened within the chart's hour.
    const counts = await page.locator('#per-minute rect.bar').evaluateAll((bars) => bars.map((bar) => Number(bar.getAttribute('data-count'))));
    const transfers = (await repo.listTransfersAfter(hub.world.hub.context.storage.read, 0, 1_000)).filter((transfer) => transfer.action !== 'FST');
    expect(counts).toHaveLength(60);
    expect(counts.reduce((total, count) => total + count, 0)).toBe(transfers.length);
    await screenshot(page, 'money');
  });

  it('runs the chain verification from the button and shows OK with its progress', async () => {
    const till = await hub.connectTill('A');
    await till.push([till.entry('REF', { card: hub.world.cards[0]!, primary: CASHIER, asset: hub.world.local, amount: 700 })]);
    await login(page, hub.base, hub.token);
    await page.click('nav a[data-route="chain"]');
    await page.waitForSelector('#blocks tbody tr');
    // A second listener on the same stream records what the hub sends while it verifies.
    await page.evaluate(
      () =>
        new Promise<void>((resolve) => {
          const seen: unknown[] = [];
          Object.assign(window, { verifyEvents: seen });
          const source = new EventSource('/dashboard/api/events');
          for (const name of ['verify', 'verify-done']) source.addEventListener(name, (event) => seen.push({ name, ...JSON.parse((event as MessageEvent<string>).data) }));
          source.addEventListener('open', () => resolve());
        }),
    );
    await page.click('#verify-run');
    await page.waitForSelector('#verify-result[data-ok="true"]', { timeout: 20_000 });
    expect(await page.textContent('#verify-result')).toContain('OK');
    expect(await page.isDisabled('#verify-run')).toBe(false);
    const events = await page.evaluate(() => (window as unknown as { verifyEvents: { name: string; phase?: string; ok?: boolean }[] }).verifyEvents);
    expect(events.filter((event) => event.name === 'verify').map((event) => event.phase)).toContain('transfers');
    expect(events.at(-1)).toMatchObject({ name: 'verify-done', ok: true });
    const run = await repo.latestVerifyRun(hub.world.hub.context.storage.read);
    expect(run).toMatchObject({ ok: true, firstDiscrepancy: null });
    expect(run!.transfersChecked).toBeGreaterThan(0);
    await screenshot(page, 'chain-verified');
  });

  it('creates a pairing code for a place, shown large with its countdown, and a till can claim it', async () => {
    await login(page, hub.base, hub.token);
    await page.click('nav a[data-route="pairing"]');
    await page.selectOption('#pairing-place', hub.world.placeB.id);
    await page.fill('#pairing-name', 'Bar B 2');
    await page.click('#pairing-create');
    const code = (await page.locator('#pairing-code').textContent()) ?? '';
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{8}$/);
    expect(await page.textContent('#pairing-result .until')).toMatch(/^1[45]:\d\d$/);
    const paired = await fetch(`${hub.base}/api/v1/terminals/pair`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code, publicKey: 'ab'.repeat(32), name: 'till', agent: 'test' }),
    });
    expect(paired.status).toBe(201);
    expect(await paired.json()).toMatchObject({ place: hub.world.placeB.id, placeName: 'Bar B' });
    await screenshot(page, 'pairing');
  });

  it('finds a card, makes it a cashier card of a place, and declares it lost', async () => {
    const uid = hub.world.cards[5]!;
    const till = await hub.connectTill('A');
    await till.push([till.entry('REF', { card: uid, primary: CASHIER, asset: hub.world.local, amount: 1_234 })]);
    await login(page, hub.base, hub.token);
    await page.click('nav a[data-route="cards"]');
    await page.fill('#card-search', uid.toLowerCase());
    await page.press('#card-search', 'Enter');
    await page.waitForSelector(`#card-balances li[data-asset="${hub.world.local}"][data-value="1234"]`);
    const cursor = await repo.latestCardChange(hub.world.hub.context.storage.read);

    await page.selectOption('#primary-place', hub.world.placeB.id);
    await page.click('#make-primary');
    await page.waitForSelector('#card-primary button');
    expect(await page.textContent('#card-primary')).toContain('Bar B');

    page.once('dialog', (dialog) => void dialog.accept());
    await page.click('#declare-lost');
    await page.waitForSelector('#card-state.state-revoked');
    const stored = (await repo.loadCardsByTag(hub.world.hub.context.storage.read, [uid])).get(uid)!;
    expect(stored.lostAt).not.toBeNull();
    // Through the directory services: both changes went into the card feed tills follow.
    expect(await repo.latestCardChange(hub.world.hub.context.storage.read)).toBe(cursor + 2);
    expect((await repo.loadPrimaryPlaces(hub.world.hub.context.storage.read, [stored.id])).get(stored.id) ?? []).toEqual([]);
    await screenshot(page, 'card-lost');
  });

  it('works on a phone, in French by default when the browser prefers it', async () => {
    await hub.connectTill('A');
    const phone = await browser.context.newPage();
    try {
      await phone.setViewportSize({ width: 390, height: 844 });
      await phone.setExtraHTTPHeaders({ 'accept-language': 'fr-FR,fr;q=0.9,en;q=0.5' });
      await login(phone, hub.base, hub.token);
      await phone.waitForSelector('#tills');
      expect(await phone.textContent('nav a[data-route="tills"]')).toContain('Caisses');
      expect(await phone.textContent('#tills tbody .badge')).toBe('en ligne');
      // No horizontal scrolling on a phone.
      expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await screenshot(phone, 'phone-fr');
      await phone.click('#language');
      await phone.waitForSelector('nav a[data-route="tills"]:has-text("Tills")');
    } finally {
      await phone.evaluate(() => localStorage.clear());
      await phone.close();
    }
  });
});
