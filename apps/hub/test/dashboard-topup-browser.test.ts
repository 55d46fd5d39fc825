/** The card page's top-up, driven in Chromium: FED against a reference, once; recorded under the signed-in operator. */
import { sql } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyChain } from '../src/verify/verify-chain';
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

describe('dashboard top-up in Chromium', () => {
  it('tops up FED in euros against a reference, refuses the reference a second time, and records the operator', async () => {
    const uid = hub.world.cards[2]!;
    const { fed, local } = hub.world;
    await login(page, hub.base, hub.token);
    await page.goto(`${hub.base}/dashboard#/cards?q=${uid}`);
    await page.waitForSelector('#topup-form');

    await page.selectOption('#topup-asset', fed);
    expect(await page.getAttribute('#topup-reference', 'required')).not.toBeNull();
    await page.fill('#topup-amount', '12,505');
    await page.fill('#topup-reference', 'VIR-2026-42');
    await page.click('#topup-submit');
    await page.waitForSelector('#topup-message.bad');
    expect(await page.textContent('#topup-message')).toMatch(/decimals|décimales/);

    await page.fill('#topup-amount', '12,50');
    await page.selectOption('#topup-method', 'transfer');
    const [answer] = await Promise.all([page.waitForResponse((response) => response.url().endsWith('/topup')), page.click('#topup-submit')]);
    expect(answer.status()).toBe(200);
    expect(answer.request().headers()['idempotency-key']).toMatch(/^[0-9a-f]{32}$/);
    await page.waitForSelector(`#card-balances li[data-asset="${fed}"][data-value="1250"]`);
    await screenshot(page, 'card-topup');

    // The same reference again: refused by the ledger, shown in words, nothing credited.
    await page.selectOption('#topup-asset', fed);
    await page.fill('#topup-amount', '5');
    await page.fill('#topup-reference', 'VIR-2026-42');
    await page.click('#topup-submit');
    await page.waitForSelector('#topup-message.bad');
    expect(await page.textContent('#topup-message')).toContain('payment_reference_used');

    // A local asset needs no reference.
    await page.selectOption('#topup-asset', local);
    expect(await page.getAttribute('#topup-reference', 'required')).toBeNull();
    await page.fill('#topup-amount', '3');
    await page.fill('#topup-reference', '');
    await page.click('#topup-submit');
    await page.waitForSelector(`#card-balances li[data-asset="${fed}"][data-value="1250"]`);
    await page.waitForSelector(`#card-balances li[data-asset="${local}"]`);

    const context = hub.world.hub.context;
    const rows = await context.storage.read.all<{ source: string; actor: string; status: string; body: string }>(sql`select source, actor, status, body from requests where kind = 'topup' order by received_at, id`);
    expect(rows.map((row) => [row.source, row.status])).toEqual([
      ['operator', 'applied'],
      ['operator', 'rejected'],
      ['operator', 'applied'],
    ]);
    const token = (await context.storage.read.all<{ label: string }>(sql`select label from operator_tokens`))[0]?.label;
    expect(new Set(rows.map((row) => row.actor))).toEqual(new Set([token]));
    expect(rows[0]?.body).toContain('"reference":"manual:VIR-2026-42"');
    expect((await verifyChain(context)).firstDiscrepancy).toBeNull();
  });
});
