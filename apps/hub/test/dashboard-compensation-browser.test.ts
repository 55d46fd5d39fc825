/**
 * The dashboard's compensation view in Chromium: the matrix of gross claims, the
 * netted positions and the payments of a run booked through the real path, in
 * English and French, with a place's statement one click away.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compensate } from '../src/money/compensation';
import { recordFirst } from '../src/money/first';
import { bookTimeSpent } from '../src/money/time-spent';
import * as repo from '../src/storage/repo';
import { launchBrowser, login, screenshot, type Browser } from './dashboard-support';
import { federationWorld, type FederationWorld } from './support/federation-world';

let browser: Browser;
let world: FederationWorld;
let page: Page;
let base: string;

beforeAll(async () => {
  browser = await launchBrowser();
  world = await federationWorld({ count: 3, cards: 2 });
  const address = world.hub.app.server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  page = await browser.context.newPage();
  // Every wait is for something local; 20 s leaves room for a machine shared by other test runs.
  page.setDefaultTimeout(20_000);
}, 120_000);

afterAll(async () => {
  await page?.close();
  await world?.close();
  await browser?.close();
});

describe('dashboard compensation in Chromium', () => {
  it('shows the claims matrix, the net positions and the payments of a run, in both languages', async () => {
    const [p1, p2, p3] = world.places as [FederationWorld['places'][number], FederationWorld['places'][number], FederationWorld['places'][number]];
    await login(page, base, world.hub.identity.operatorToken!);
    await page.goto(`${base}/dashboard#/compensation`);
    await page.waitForSelector('#compensation p.empty');

    const from = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await world.fund(world.cards[0]!, p1.currency, 4000);
    await world.fund(world.cards[1]!, world.fed, 1000);
    await world.spend(p2, world.cards[0]!, p1.currency, 1500);
    await world.spend(p3, world.cards[0]!, p1.currency, 250);
    await world.spend(p3, world.cards[1]!, world.fed, 600);
    const to = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const outcome = await compensate(world.hub.context, { federation: world.federation, from, to });

    await page.reload();
    const run = `[data-run="${outcome.request}"]`;
    await page.waitForSelector(`${run} table.matrix`);
    const cell = async (holder: string, issuer: string) => Number(await page.getAttribute(`${run} tr[data-holder="${holder}"] td[data-issuer="${issuer}"]`, 'data-value'));
    const net = async (wallet: string) => Number(await page.getAttribute(`${run} tr[data-holder="${wallet}"] td[data-field="net"]`, 'data-value'));
    expect(await cell(p2.wallet, p1.wallet)).toBe(1500);
    expect(await cell(p3.wallet, p1.wallet)).toBe(250);
    expect(await cell(p1.wallet, p2.wallet)).toBe(0);
    expect(await net(p1.wallet)).toBe(-1750);
    expect(await net(p2.wallet)).toBe(1500);
    expect(await net(p3.wallet)).toBe(850);
    // Four parties at most (three places and the federation): at most three payments.
    const payments = await page.$$(`${run} table.payments tbody tr`);
    expect(payments.length).toBeGreaterThan(0);
    expect(payments.length).toBeLessThanOrEqual(3);
    expect(await page.textContent(`${run} table.matrix caption`)).toMatch(/Gross claims/);
    await screenshot(page, 'compensation-en');

    // Every sale says money changed: the run the operator closed stays closed.
    await page.click(`${run} > summary`);
    expect(await page.getAttribute(run, 'open')).toBeNull();
    const refreshed = page.waitForResponse((response) => response.url().endsWith('/dashboard/api/compensations'));
    await world.spend(p2, world.cards[0]!, p1.currency, 100);
    await refreshed;
    await page.waitForTimeout(200);
    expect(await page.getAttribute(run, 'open')).toBeNull();
    await page.click(`${run} > summary`);

    await page.click('#language');
    await page.waitForSelector(`${run} table.matrix`);
    expect(await page.textContent(`${run} table.matrix caption`)).toMatch(/Créances brutes/);
    expect(await page.textContent(`${run} tr[data-holder="${p2.wallet}"] td[data-issuer="${p1.wallet}"]`)).toMatch(/15,00/);
    await screenshot(page, 'compensation-fr');

    const href = await page.getAttribute(`${run} ul.statements a[href*="${p2.id}"]:not([download])`, 'href');
    const statement = await page.goto(`${base}${href}`);
    expect(await statement?.text()).toContain('Relevé de compensation');
  }, 120_000);

  it('shows a card’s time spent in hours', async () => {
    const place = world.places[0]!;
    const { storage, newId } = world.hub.context;
    const now = new Date().toISOString();
    const badge = { id: newId(), name: 'Porte', currencyCode: 'BDG', category: 'BDG' as const, decimals: 0, originWalletId: place.wallet, archived: false, createdAt: now, membershipDays: null };
    const hours = { id: newId(), name: 'Temps', currencyCode: 'TPS', category: 'TIM' as const, decimals: 0, originWalletId: place.wallet, archived: false, createdAt: now, membershipDays: null };
    await storage.transaction(async (tx) => {
      for (const asset of [badge, hours]) {
        await repo.insertAsset(tx, asset);
        await recordFirst(tx, { at: now, newId }, { kind: 'operator', name: 'seed' }, asset);
      }
    });
    const day = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const card = world.cards[1]!;
    const tap = (time: string) => place.till.entry('BDG', { card, primary: place.cashier, asset: badge.id, amount: 0, at: `${day}T${time}:00.000Z` });
    const ack = await place.till.push([tap('09:00'), tap('10:25')]);
    expect(ack.results.map((result) => result.status)).toEqual(['applied', 'applied']);
    await bookTimeSpent(world.hub.context, { place: place.id, asset: hours.id, mode: 'accrue', day });

    await page.goto(`${base}/dashboard#/cards?q=${card}`);
    // The directory of assets is read at page load: a fresh load knows the new TIM asset.
    await page.reload();
    const balance = `#card-balances li[data-asset="${hours.id}"]`;
    await page.waitForSelector(balance);
    expect(await page.getAttribute(balance, 'data-value')).toBe('90');
    expect(await page.textContent(balance)).toBe('1 h 30 TPS');
    // The days it counted, with the place, in hours.
    expect(await page.getAttribute(`#card-time li[data-day="${day}"]`, 'data-minutes')).toBe('90');
    expect(await page.textContent(`#card-time li[data-day="${day}"]`)).toBe(`${day} · Lieu 1: 1 h 30`);
  }, 120_000);
});
