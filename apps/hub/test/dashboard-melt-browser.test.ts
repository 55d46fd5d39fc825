/**
 * The melting screen in Chromium: an asset's melt revenue and survival curve from
 * real MLT transfers, a rule previewed over 12 months and then set.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { setMeltPolicy } from '../src/money/melt';
import { sweepMelts } from '../src/money/melt-sweep';
import { topUp } from '../src/money/topup';
import * as repo from '../src/storage/repo';
import { verifyChain } from '../src/verify/verify-chain';
import { TestClock } from './admin-support';
import { launchBrowser, login, screenshot, startDashboardHub, type Browser, type DashboardWorld } from './dashboard-support';

const DAY_MS = 86_400_000;
/** The hub starts sixty days ago: the card is topped up and left alone, then the clock comes back to today. */
const clock = new TestClock(Date.now() - 60 * DAY_MS);

let browser: Browser;
let hub: DashboardWorld;

beforeAll(async () => {
  browser = await launchBrowser();
  hub = await startDashboardHub({ config: { meltSweepMs: 0 }, clock });
}, 60_000);

afterAll(async () => {
  await hub?.close();
  await browser?.close();
});

it('shows melt revenue and the survival curve from the ledger, previews a rule and sets it', async () => {
  const { context } = hub.world.hub;
  const { local } = hub.world;
  const [card] = hub.world.cards as [string];
  const source = { kind: 'operator' as const, name: 'test' };
  await setMeltPolicy(context, local, { rule: 'rate', basisPoints: 500, afterDays: 30 });
  expect((await topUp(context, { source, idempotencyKey: 'fund', asset: local, amount: 10_000, card })).status).toBe('applied');
  clock.advance(60 * DAY_MS);
  // Day 30: 500; day 60: 475 more.
  expect(await sweepMelts(context)).toMatchObject({ melts: 1, melted: 975 });
  expect((await verifyChain(context)).ok).toBe(true);

  const page = await browser.context.newPage();
  page.setDefaultTimeout(15_000);
  await page.setViewportSize({ width: 390, height: 844 });
  await login(page, hub.base, hub.token);
  await page.click('nav a[data-route="melt"]');
  const section = page.locator(`article[data-asset="${local}"]`);
  await section.locator('.melt-policy[data-rule="rate"]').waitFor();
  const period = new Date(context.clock.now()).toISOString().slice(0, 7);
  expect(await section.locator(`.melt-revenue tr[data-period="${period}"] td`).getAttribute('data-value')).toBe('975');
  // The melt was booked on day 60 (the sweep): the curve reads the ledger, so the top-up is whole after a month, 90.25 % after two.
  expect(await section.locator('.melt-survival circle[data-month="1"]').getAttribute('data-share')).toBe('1.0000');
  expect(await section.locator('.melt-survival circle[data-month="2"]').getAttribute('data-share')).toBe('0.9025');

  await section.locator('select[name="rule"]').selectOption('fixed');
  await section.locator('input[name="first"]').fill('1');
  await section.locator('input[name="second"]').fill('2');
  await section.locator('.melt-preview').click();
  await page.waitForFunction((asset) => document.querySelector(`article[data-asset="${asset}"] .melt-result`)?.textContent?.startsWith('would have taken'), local);
  await section.locator('.melt-set').click();
  await section.locator('.melt-policy[data-rule="fixed"]').waitFor();
  await screenshot(page, 'melt');
  expect((await repo.listMeltPolicies(context.storage.read, local)).map((row) => row.rule && JSON.parse(row.rule).rule)).toEqual(['rate', 'fixed']);

  // A sale elsewhere changes money while the operator types a new rule: the page shows the new
  // figures and leaves the form alone (what is typed, the last answer, the very buttons).
  await section.locator('input[name="first"]').fill('7');
  await page.evaluate((asset) => ((window as unknown as { button: Element | null }).button = document.querySelector(`article[data-asset="${asset}"] .melt-set`)), local);
  const refreshed = page.waitForResponse((response) => response.url().endsWith('/dashboard/api/melt'));
  expect((await topUp(context, { source, idempotencyKey: 'elsewhere', asset: local, amount: 500, card: hub.world.cards[1]! })).status).toBe('applied');
  await (await refreshed).finished();
  await page.evaluate(() => new Promise(requestAnimationFrame));
  expect(await section.locator('input[name="first"]').inputValue()).toBe('7');
  expect(await section.locator('.melt-result').textContent()).not.toBe('');
  expect(await page.evaluate((asset) => document.querySelector(`article[data-asset="${asset}"] .melt-set`) === (window as unknown as { button: Element | null }).button, local)).toBe(true);
}, 120_000);
