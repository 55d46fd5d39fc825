/**
 * The card holder's page, driven in Chromium at phone size (390×844) through the
 * visitor's story of issue 12: the card's page in English and French, the e-mailed
 * link (read from a real local SMTP server), a top-up through the Stripe stand-in,
 * the payment QR code, a transfer confirmed by the e-mailed code and seen by its
 * receiver, a payout request, the card declared lost. `fedow verify` at the end.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { hashBody, verifyHash } from '@fedow/ledger';
import { nodeCrypto } from '@fedow/ledger/crypto-node';
import { decodePayToken, PAY_TOKEN_TTL_MS } from '@fedow/protocol';
import { setPayoutsOpen } from '../src/holder/account';
import * as repo from '../src/storage/repo';
import { verifyChain } from '../src/verify/verify-chain';
import { launchBrowser, type Browser } from './dashboard-support';
import { freePort } from './holder-support';
import { CASHIER, seedHub, type Seeded } from '../../../support/seed';
import { linkUrl, mailCode, SmtpInbox } from './support/smtp-inbox';
import { SpecTill } from '../../../support/spec-till';
import { signedEvent, STAND_IN_SECRET_KEY, STAND_IN_WEBHOOK_SECRET, StripeStandIn } from './support/stripe-stand-in';

const README_IMAGES = fileURLToPath(new URL('../../../docs/images/', import.meta.url));

let browser: Browser;
let world: Seeded;
let inbox: SmtpInbox;
let stripe: StripeStandIn;
let till: SpecTill;
let page: Page;
let base: string;
const qrcode = crypto.randomUUID();

beforeAll(async () => {
  inbox = new SmtpInbox();
  stripe = new StripeStandIn();
  const [smtpUrl, apiBase, port] = await Promise.all([inbox.start(), stripe.start(), freePort()]);
  base = `http://127.0.0.1:${port}`;
  world = await seedHub({
    config: {
      holder: { smtpUrl, mailFrom: 'Fedow <hub@fedow.test>', publicUrl: base, transferDailyMax: 10_000 },
      stripe: { secretKey: STAND_IN_SECRET_KEY, webhookSecret: STAND_IN_WEBHOOK_SECRET, returnUrl: null, apiBase: new URL(apiBase) },
    },
  });
  await world.hub.app.listen({ host: '127.0.0.1', port });
  await world.hub.context.storage.transaction((tx) => tx.run(sql`update cards set qrcode = ${qrcode} where first_tag_id = ${world.cards[0]!}`));
  till = new SpecTill(await world.till('A'), `ws://127.0.0.1:${port}/sync`);
  await till.connect();
  browser = await launchBrowser();
  page = await browser.context.newPage();
  page.setDefaultTimeout(15_000);
  await page.setViewportSize({ width: 390, height: 844 });
}, 60_000);

afterAll(async () => {
  await page?.close();
  await browser?.close();
  till?.close();
  await world?.close();
  await inbox?.stop();
  await stripe?.stop();
});

const fitsThePhone = async () => expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
const text = async (selector: string) => (await page.textContent(selector)) ?? '';

/** Stripe's hosted page, stood in: the payer pays, Stripe notifies the hub, then sends the payer back. */
async function routeCheckout(): Promise<void> {
  await page.route('https://checkout.stripe.com/**', async (route) => {
    const session = stripe.pay(route.request().url().split('/').at(-1) ?? '');
    const event = signedEvent('checkout.session.completed', session, Math.floor(Date.now() / 1000));
    const delivered = await fetch(`${base}/webhooks/stripe`, { method: 'POST', body: event.payload, headers: { 'content-type': 'application/json', 'stripe-signature': event.signature } });
    expect(delivered.status).toBe(200);
    await route.fulfill({ status: 303, headers: { location: session.success_url } });
  });
}

it('takes a visitor from the card’s page to an account: balances and history in both languages, top-up, payment code, transfer, payout, lost card', async () => {
  const card = world.cards[0]!;
  const { local, fed } = world;
  await till.push([
    till.entry('REF', { card, primary: CASHIER, asset: local, amount: 5_000 }),
    till.entry('SAL', { card, primary: CASHIER, asset: local, amount: 700, meta: { lines: [{ label: 'Beer', qty: 2, unit: 350 }] } }),
  ]);

  // The printed QR code's page, readable without an account, in English then French.
  await page.goto(`${base}/qr/${qrcode}`);
  await page.waitForSelector(`#balances li[data-asset="${local}"][data-value="4300"]`);
  expect(await text('#balances')).toContain('43.00 MLA');
  expect(await text('#history li[data-action="SAL"]')).toMatch(/^Beer ×2 at Bar A, \d\d:\d\d/);
  expect(await text('#history li[data-action="REF"]')).toMatch(/^Top-up 50.00 MLA at Bar A/);
  await fitsThePhone();
  await page.click('#language');
  await page.waitForSelector('h1:has-text("Ma carte")');
  expect(await text('#balances')).toContain('43,00 MLA');
  expect(await text('#history li[data-action="REF"]')).toMatch(/^Recharge 50,00 MLA à Bar A/);
  expect(await text('#link h2')).toBe('Relier cette carte à mon e-mail');
  await page.click('#language');
  await page.waitForSelector('h1:has-text("My card")');

  // "Link this card to my e-mail": the link comes by SMTP, and following it opens the account.
  await page.fill('#link-email', 'Alice@Example.org');
  await page.click('#send-link');
  await page.waitForSelector('#link-sent');
  const link = linkUrl(await inbox.next('alice@example.org', 0));
  expect(link.startsWith(`${base}/qr/login#`)).toBe(true);
  await page.goto(link);
  await page.waitForSelector('#account-email');
  expect(page.url()).toBe(`${base}/qr/account`);
  expect(await text('#account-email')).toBe('alice@example.org');
  await page.waitForSelector(`#balances li[data-asset="${local}"][data-value="4300"]`);
  expect(await page.locator('#history li[data-action="FUS"]').count()).toBe(1);
  // The link works once: a second visit is refused in words.
  const again = await browser.context.newPage();
  await again.goto(link);
  await again.waitForSelector('#link-refused');
  await again.close();

  // Top-up through Stripe Checkout (the stand-in), back to the account with the new balance.
  await routeCheckout();
  await page.fill('#topup-amount', '20');
  await page.click('#topup-pay');
  await page.waitForSelector(`#balances li[data-asset="${fed}"][data-value="2000"]`);
  expect(await text('#flash')).toContain('Payment received');

  // The payment QR code: this browser's key signed it, the hub holds the matching public key.
  await page.click('#pay-show');
  const token = decodePayToken((await page.getAttribute('#pay-code', 'data-text')) ?? '');
  expect(token.ok).toBe(true);
  if (!token.ok) return;
  const user = (await repo.getUserByEmail(world.hub.context.storage.read, 'alice@example.org'))!;
  const wallet = (await repo.getWallets(world.hub.context.storage.read, [user.walletId])).get(user.walletId)!;
  expect(token.token.body.wallet).toBe(user.walletId);
  expect(verifyHash(nodeCrypto, wallet.publicKey!, hashBody(nodeCrypto, token.token.body), token.token.sig)).toBe(true);
  expect(Date.parse(token.token.body.expires) - Date.now()).toBeLessThanOrEqual(PAY_TOKEN_TTL_MS);
  expect(await page.locator('#pay-code svg path').count()).toBe(1);
  await fitsThePhone();
  // The README's picture: written when missing or asked for, so a test run leaves the tree clean.
  if (!existsSync(`${README_IMAGES}holder-page.png`) || process.env.FEDOW_DOCS_IMAGES === '1') {
    mkdirSync(README_IMAGES, { recursive: true });
    await page.screenshot({ path: `${README_IMAGES}holder-page.png`, fullPage: false });
  }

  // A transfer to Bob, confirmed with the code e-mailed to Alice, in French this time.
  await world.hub.context.storage.transaction(async (tx) => {
    const { userForEmail } = await import('../src/money/users');
    await userForEmail(world.hub.context, tx, 'bob@example.org', new Date().toISOString());
  });
  await page.click('#language');
  await page.waitForSelector('h1:has-text("Mon compte")');
  await page.fill('#transfer-to', 'bob@example.org');
  await page.selectOption('#transfer-asset', local);
  expect(await text('#transfer-limit')).toBe('Limite par jour : 100,00 MLA');
  await page.fill('#transfer-amount', '10,50');
  await page.click('#transfer-send');
  await page.waitForSelector('#transfer-code');
  const codeMessage = await inbox.next('alice@example.org', 1);
  expect(codeMessage.subject).toContain('code de confirmation');
  const code = mailCode(codeMessage);
  await page.fill('#transfer-code', code === '000000' ? '111111' : '000000');
  await page.click('#transfer-confirm');
  await page.waitForSelector('#code-wrong');
  expect(await text('#code-wrong')).toBe('Refusé : code erroné. (4)');
  await page.fill('#transfer-code', code);
  await page.click('#transfer-confirm');
  await page.waitForSelector(`#balances li[data-asset="${local}"][data-value="3250"]`);
  expect(await text('#flash')).toContain('Envoyé');
  expect(await text('#history li[data-action="TRF"]')).toMatch(/^Virement 10,50 MLA à bob@example.org/);

  // Payouts, once the operator opens them.
  await setPayoutsOpen(world.hub, true);
  await page.reload();
  await page.fill('#payout-amount', '5');
  await page.fill('#payout-iban', 'FR76 3000 6000 0112 3456 7890 189');
  await page.fill('#payout-holder', 'Alice Martin');
  await page.click('#payout-ask');
  await page.waitForSelector('#flash:has-text("demande est enregistrée")');
  const payouts = await repo.listPayouts(world.hub.context.storage.read, { wallet: user.walletId });
  expect(payouts.map((payout) => [payout.amount, payout.status])).toEqual([[500, 'requested']]);

  // The card declared lost: refused everywhere, its page now the same 404 as an unknown card.
  page.once('dialog', (dialog) => void dialog.accept());
  await page.click(`[data-lost-button="${card}"]`);
  await page.waitForSelector(`#cards li[data-tag="${card}"][data-lost="true"]`);
  expect((await repo.loadCardsByTag(world.hub.context.storage.read, [card])).get(card)?.lostAt).not.toBeNull();
  const gone = await page.goto(`${base}/qr/${qrcode}`);
  expect(gone?.status()).toBe(404);
  await page.waitForSelector('#not-found');

  // Bob signs in from the account page's form and sees Alice's transfer.
  await page.click('#language');
  await browser.context.clearCookies();
  await page.goto(`${base}/qr/account`);
  await page.fill('#signin-email', 'bob@example.org');
  await page.click('#signin button');
  await page.waitForSelector('#link-sent');
  await page.goto(linkUrl(await inbox.next('bob@example.org', 0)));
  await page.waitForSelector(`#balances li[data-asset="${local}"][data-value="1050"]`);
  expect(await text('#history li[data-action="TRF"]')).toMatch(/^Transfer 10.50 MLA from alice@example.org/);
  await fitsThePhone();

  expect((await verifyChain(world.hub.context)).firstDiscrepancy).toBeNull();
}, 180_000);

it('lets an operator see a user’s cards and transfers, block their transfers, set their daily limit and open payouts, from the dashboard', async () => {
  await browser.context.clearCookies();
  await page.setViewportSize({ width: 1280, height: 800 });
  const token = world.hub.identity.operatorToken!;
  await page.goto(`${base}/`);
  await page.fill('#token', token);
  await Promise.all([page.waitForURL(`${base}/dashboard`), page.click('button[type=submit]')]);
  await page.goto(`${base}/dashboard#/users?email=${encodeURIComponent('alice@example.org')}`);
  await page.waitForSelector('#user-history tr[data-action="TRF"]');
  expect(await text('#user-cards')).toContain(world.cards[0]!);
  await page.waitForSelector('#transfers-blocked');
  await page.check('#transfers-blocked');
  await page.fill('#transfers-limit', '2500');
  await page.click('#transfers-save');
  await page.waitForSelector('#transfers-status p.good');
  const alice = (await repo.getUserByEmail(world.hub.context.storage.read, 'alice@example.org'))!;
  expect(await repo.getHolderLimit(world.hub.context.storage.read, alice.id)).toMatchObject({ transfersBlocked: true, transferDailyMax: 2_500 });

  await page.goto(`${base}/dashboard#/users`);
  await page.waitForSelector('#payouts-open:checked');
  await page.uncheck('#payouts-open');
  await page.waitForFunction(async () => (await (await fetch('/dashboard/api/holder')).json()).payoutsOpen === false);
  expect(await repo.getHolderOption(world.hub.context.storage.read, 'payouts_open')).toBe('false');
  expect((await verifyChain(world.hub.context)).firstDiscrepancy).toBeNull();
}, 120_000);

it('serves a page script small enough for a festival’s network: no schema library in it', async () => {
  const script = await (await fetch(`${base}/qr/app.js`)).text();
  // 48 kB when written; zod alone would add 450 kB.
  expect(script.length).toBeLessThan(100_000);
  expect(script).toContain('FEDOWPAY1.');
});
