/**
 * The card page's money actions, driven in Chromium: a FED top-up against a
 * reference, once, recorded under the signed-in operator; a Stripe Checkout link,
 * paid, then refunded through Stripe, or asked as a payout. Stripe's API is played
 * by the local stand-in (support/stripe-stand-in.ts): these machines have no network.
 */
import { sql } from 'drizzle-orm';
import type { Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyChain } from '../src/verify/verify-chain';
import { CASHIER } from '../../../support/seed';
import { launchBrowser, login, screenshot, startDashboardHub, type Browser, type DashboardWorld } from './dashboard-support';
import { signedEvent, STAND_IN_SECRET_KEY, STAND_IN_WEBHOOK_SECRET, StripeStandIn } from './support/stripe-stand-in';

let browser: Browser;
let hub: DashboardWorld;
let page: Page;
let stripe: StripeStandIn;

beforeAll(async () => {
  browser = await launchBrowser();
  stripe = new StripeStandIn();
  const apiBase = new URL(await stripe.start());
  hub = await startDashboardHub({ config: { stripe: { secretKey: STAND_IN_SECRET_KEY, webhookSecret: STAND_IN_WEBHOOK_SECRET, returnUrl: 'https://festival.example/', apiBase } } });
  page = await browser.context.newPage();
  // Every wait is for something local, but two test workers on a 2-core machine shared with other runs
  // have stretched a single step past 20 s: 60 s, for a condition that is met at once on an idle machine.
  page.setDefaultTimeout(60_000);
});

afterAll(async () => {
  await page?.close();
  await hub?.close();
  await browser?.close();
  await stripe?.stop();
});

/** Clicks a money form's button and waits for the hub's answer to that click. */
async function submitted(form: 'topup' | 'refund' | 'checkout'): Promise<Response> {
  const answer = page.waitForResponse((response) => response.url().endsWith(`/${form}`) && response.request().method() === 'POST', { timeout: 30_000 });
  // One click event, not a mouse press and release: a live refresh that moves the page's
  // nodes between the two (the card view is drawn again) swallowed a click under load.
  await page.dispatchEvent(`#${form}-submit`, 'click');
  return answer.catch(async (error: Error) => {
    const state = await page.$eval(`#${form}-form`, (element) => {
      const formElement = element as HTMLFormElement;
      const fields = [...formElement.elements].map((field) => `${field.id}=${JSON.stringify((field as HTMLInputElement).value)}${(field as HTMLInputElement).validity?.valid === false ? ' (invalid)' : ''}`);
      return `valid: ${formElement.checkValidity()}; ${fields.join(', ')}; message: ${JSON.stringify(document.querySelector(`#${formElement.id.replace('-form', '')}-message`)?.textContent ?? null)}`;
    });
    throw new Error(`${error.message}\nno answer to the ${form} form; the form then: ${state}`);
  });
}

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
    await page.dispatchEvent('#topup-submit', 'click');
    await page.waitForSelector('#topup-message.bad');
    expect(await page.textContent('#topup-message')).toMatch(/decimals|décimales/);

    await page.fill('#topup-amount', '12,50');
    await page.selectOption('#topup-method', 'transfer');
    const [answer] = await Promise.all([page.waitForResponse((response) => response.url().endsWith('/topup')), page.dispatchEvent('#topup-submit', 'click')]);
    expect(answer.status()).toBe(200);
    expect(answer.request().headers()['idempotency-key']).toMatch(/^[0-9a-f]{32}$/);
    await page.waitForSelector(`#card-balances li[data-asset="${fed}"][data-value="1250"]`);
    // The live refresh can show the balance before the form has handled its answer: wait for the form's reset, or it wipes what comes next.
    await page.waitForFunction(() => (document.querySelector('#topup-amount') as HTMLInputElement | null)?.value === '');
    await screenshot(page, 'card-topup');

    // The same reference again: refused by the ledger, shown in words, nothing credited.
    await page.selectOption('#topup-asset', fed);
    await page.fill('#topup-amount', '5');
    await page.fill('#topup-reference', 'VIR-2026-42');
    // Each click is tied to the hub's answer to it, so a wait never confuses it with an earlier one.
    await submitted('topup');
    await page.waitForSelector('#topup-message.bad');
    expect(await page.textContent('#topup-message')).toContain('payment_reference_used');

    // A local asset needs no reference.
    await page.selectOption('#topup-asset', local);
    expect(await page.getAttribute('#topup-reference', 'required')).toBeNull();
    await page.fill('#topup-amount', '3');
    await page.fill('#topup-reference', '');
    await submitted('topup');
    await page.waitForSelector(`#card-balances li[data-asset="${fed}"][data-value="1250"]`);
    await page.waitForSelector(`#card-balances li[data-asset="${local}"]`);

    // This FED came by bank transfer: a refund becomes a payout, which needs the account.
    await page.fill('#refund-amount', '2,50');
    await submitted('refund');
    await page.waitForSelector('#refund-message.bad');
    expect(await page.textContent('#refund-message')).toMatch(/iban/i);
    await page.fill('#refund-amount', '2,50');
    await page.fill('#refund-iban', 'FR76 3000 6000 0112 3456 7890 189');
    await page.fill('#refund-holder', 'Camille Martin');
    // Once under load, the line below waited 60 s for a "Payout" that never came: say what the hub answered.
    const payout = await submitted('refund');
    expect(payout.status(), await payout.text()).toBe(200);
    // The top-up's own "done" line may still be shown: wait for this answer's.
    await page.waitForFunction(() => document.querySelector('#money-done')?.textContent?.startsWith('Payout'));
    expect(await page.textContent('#money-done')).toMatch(/^Payout requested \(SEPA transfer\): 2.50 EUR$/);
    // Nothing moves until its batch is sent.
    await page.waitForSelector(`#card-balances li[data-asset="${fed}"][data-value="1250"]`);

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
  }, 240_000);

  it('gives a Stripe payment link, credits it once paid, refunds through Stripe, and asks an IBAN beyond what Stripe took', async () => {
    const uid = hub.world.cards[3]!;
    const { fed } = hub.world;
    await page.goto(`${hub.base}/dashboard#/cards?q=${uid}`);
    await page.waitForSelector('#checkout-form');
    await page.fill('#checkout-amount', '20');
    await submitted('checkout');
    const href = (await (await page.waitForSelector('#checkout-url')).getAttribute('href')) ?? '';
    expect(href).toMatch(/^https:\/\/checkout\.stripe\.com\/c\/pay\/cs_test_/);

    // The holder pays; Stripe notifies the hub over a real socket.
    const session = stripe.pay(href.split('/').at(-1) ?? '');
    const event = signedEvent('checkout.session.completed', session, Math.floor(Date.now() / 1000));
    const delivered = await fetch(`${hub.base}/webhooks/stripe`, { method: 'POST', body: event.payload, headers: { 'content-type': 'application/json', 'stripe-signature': event.signature } });
    expect(await delivered.json()).toMatchObject({ outcome: 'credited' });
    await page.reload();
    await page.waitForSelector(`#card-balances li[data-asset="${fed}"][data-value="2000"]`);

    await page.fill('#refund-amount', '5');
    await submitted('refund');
    await page.waitForFunction(() => /Stripe/.test(document.querySelector('#money-done')?.textContent ?? ''));
    expect(await page.textContent('#money-done')).toMatch(/Stripe/);
    await page.waitForSelector(`#card-balances li[data-asset="${fed}"][data-value="1500"]`);
    expect(stripe.refunds.map((refund) => [refund.amount, refund.payment_intent])).toEqual([[500, session.payment_intent]]);

    // More than Stripe still holds: a payout, which needs the account.
    await page.fill('#refund-amount', '15,01');
    await submitted('refund');
    await page.waitForSelector('#refund-message.bad');
    await page.fill('#refund-amount', '15');
    await submitted('refund');
    await page.waitForSelector(`#card-balances li[data-asset="${fed}"][data-value="0"]`);
    expect(stripe.refunds).toHaveLength(2);
    await screenshot(page, 'card-refund');
    expect((await verifyChain(hub.world.hub.context)).firstDiscrepancy).toBeNull();
  }, 240_000);

  it('keeps the focus and what the operator is typing while a sale at a till redraws the card page', async () => {
    const uid = hub.world.cards[4]!;
    const { local } = hub.world;
    const till = await hub.connectTill('A');
    await page.goto(`${hub.base}/dashboard#/cards?q=${uid}`);
    await page.waitForSelector('#topup-form');
    await page.focus('#topup-amount');
    await page.keyboard.type('4');
    // The hub's live stream says cards changed: the page is drawn again under the operator's fingers.
    await till.push([till.entry('REF', { card: uid, primary: CASHIER, asset: local, amount: 700 })]);
    await page.waitForSelector(`#card-balances li[data-asset="${local}"][data-value="700"]`);
    await page.keyboard.type('2');
    expect(await page.inputValue('#topup-amount')).toBe('42');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('topup-amount');
  }, 120_000);
});
