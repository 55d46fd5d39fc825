/**
 * The webhooks screen in Chromium: an endpoint that refuses everything, its
 * dead-lettered deliveries with each attempt, and "send again" once it answers.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addEndpoint, listDeliveries } from '../src/notify/endpoints';
import * as repo from '../src/storage/repo';
import { launchBrowser, login, screenshot, startDashboardHub, type Browser, type DashboardWorld } from './dashboard-support';
import { CASHIER } from '../../../support/seed';
import { until, WebhookReceiver } from './support/webhook-receiver';
import { FAST_WEBHOOKS } from './support/webhook-scenario';

let browser: Browser;
let hub: DashboardWorld;
let page: Page;
const receiver = new WebhookReceiver(() => ({ kind: 'fail', status: 500 }));

beforeAll(async () => {
  browser = await launchBrowser();
  hub = await startDashboardHub({ config: { webhooks: { ...FAST_WEBHOOKS, retry: { firstDelayMs: 20, delayMsMax: 100, retryForMs: 300 } } } });
  page = await browser.context.newPage();
  page.setDefaultTimeout(20_000);
}, 60_000);

afterAll(async () => {
  await page?.close();
  await hub?.close();
  await browser?.close();
  await receiver.close();
});

describe('dashboard webhooks in Chromium', () => {
  it('lists the endpoint and its dead deliveries with their attempts, and sends one again', async () => {
    const { context } = hub.world.hub;
    const endpoint = await addEndpoint(context, { url: await receiver.listen(), events: ['transfer.applied'], createdBy: 'test' });
    receiver.useSecret(endpoint.secret);
    const till = await hub.connectTill('A');
    await till.push([till.entry('REF', { card: hub.world.cards[0]!, primary: CASHIER, asset: hub.world.local, amount: 250 })]);
    // Both messages of the top-up (creation, refill) are given up after their short retry window.
    await until(async () => (await listDeliveries(context, { endpoint: endpoint.id, statuses: ['dead'] })).length === 2, 'both messages dead-lettered');

    await login(page, hub.base, hub.token);
    await page.goto(`${hub.base}/dashboard#/webhooks`);
    await page.waitForSelector(`#endpoints tr[data-endpoint="${endpoint.id}"]`);
    expect(await page.locator('#deliveries tr[data-status="dead"]').count()).toBe(2);
    await page.selectOption('#delivery-status', 'dead');
    await page.waitForSelector('#deliveries tr[data-status="dead"]');
    const row = page.locator('#deliveries tr[data-status="dead"]').first();
    await row.locator('details.attempts summary').click();
    expect(await row.locator('details.attempts li[data-status="500"]').count()).toBeGreaterThanOrEqual(2);
    expect(await row.textContent()).toMatch(/given up|abandonné/);
    await screenshot(page, 'webhooks-dead');

    receiver.answer(() => ({ kind: 'ok' }));
    const dead = await repo.getWebhookDelivery(context.storage.read, (await row.getAttribute('data-delivery'))!);
    await row.locator('button.replay').click();
    await page.waitForSelector('#webhooks-message.good');
    await until(() => receiver.accepted.length === 1, 'the message sent again');
    await page.selectOption('#delivery-status', 'delivered');
    await page.waitForSelector('#deliveries tr[data-status="delivered"]');
    expect(receiver.accepted[0]!.id).toBe(dead!.messageId);
    expect(receiver.accepted[0]!.body).toBe(dead!.body);
    await screenshot(page, 'webhooks-replayed');
  }, 120_000);
});
