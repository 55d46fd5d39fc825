/**
 * Federated euro in through Stripe (Checkout and card terminals) and by hand, and
 * back out through Stripe's refunds or a SEPA payout request. Stripe's API is
 * played by a local stand-in (support/stripe-stand-in.ts): these machines have no
 * network. Its events are signed with a test secret exactly as Stripe signs them.
 */
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WEBHOOK_BODY_BYTES_MAX } from '@fedow/protocol';
import { DIALECTS, freshDatabase } from '../../../test/support/dialects';
import { moneyReport } from '../src/dashboard/money';
import { planRefund } from '../src/money/refund';
import { verifyChain } from '../src/verify/verify-chain';
import { factoryCsv, removeTestDirs, seedPlace, startTestHub, type TestHub } from './admin-support';
import { signedEvent, signedPayload, STAND_IN_SECRET_KEY, STAND_IN_WEBHOOK_SECRET, StripeStandIn } from './support/stripe-stand-in';

afterAll(removeTestDirs);

const IBAN = 'FR7630006000011234567890189';

describe.each(DIALECTS)('payments on %s', (dialect) => {
  const database = freshDatabase(dialect);
  let stripe: StripeStandIn;
  let apiBase: string;
  let hub: TestHub;
  beforeAll(async () => {
    stripe = new StripeStandIn();
    apiBase = await stripe.start();
  });
  afterAll(async () => {
    await stripe.stop();
  });
  afterEach(async () => {
    await hub?.close();
  });

  async function start(options: { stripe?: boolean } = {}) {
    const config = options.stripe === false ? null : { secretKey: STAND_IN_SECRET_KEY, webhookSecret: STAND_IN_WEBHOOK_SECRET, returnUrl: 'https://festival.example/merci', apiBase: new URL(apiBase) };
    hub = await startTestHub(await database(), { stripe: config });
    const { place } = await seedPlace(hub);
    expect((await hub.call('POST', `/api/v1/cards/import?place=${place.id}`, factoryCsv(3), { 'content-type': 'text/csv' })).status).toBe(201);
    const fed = (await hub.call('GET', '/api/v1/assets')).json.assets.find((a: { category: string }) => a.category === 'FED');
    return { fed };
  }

  const now = () => Math.floor(hub.clock.ms / 1000);
  const deliver = async (event: { payload: string; signature: string }) => {
    const response = await hub.app.inject({ method: 'POST', url: '/webhooks/stripe', payload: event.payload, headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': event.signature } });
    return { status: response.statusCode, json: response.json() };
  };
  const balance = async (tag: string, asset: string) => (await hub.call('GET', `/api/v1/cards/${tag}`)).json.balances[asset] ?? 0;
  const count = async (table: 'requests' | 'transfers' | 'payments' | 'payouts') => Number((await hub.context.storage.read.all<{ n: number | string }>(sql`select count(*) as n from ${sql.raw(table)}`))[0]?.n);
  async function verified() {
    expect((await verifyChain(hub.context)).firstDiscrepancy).toBeNull();
  }

  /** A Checkout for a card, paid at the stand-in: the completed event, unsent. */
  async function paidCheckout(card: string, amount: number) {
    const checkout = await hub.call('POST', '/api/v1/checkouts', { card, amount });
    expect(checkout.status, JSON.stringify(checkout.json)).toBe(201);
    const session = stripe.pay(checkout.json.session);
    return { checkout: checkout.json, session, event: () => signedEvent('checkout.session.completed', session, now()) };
  }

  it('credits a paid Checkout once: the replayed event and two deliveries at the same moment answer 200 and credit nothing more', async () => {
    const { fed } = await start();
    const { checkout, session, event } = await paidCheckout('0A000001', 2500);
    expect(checkout).toMatchObject({ status: 'pending', amount: 2500, url: expect.stringMatching(/^https:\/\/checkout\.stripe\.com\//) });
    expect(stripe.calls.at(-1)).toMatchObject({ path: '/v1/checkout/sessions', form: { client_reference_id: checkout.payment, 'line_items[0][price_data][currency]': 'eur', success_url: 'https://festival.example/merci' } });
    expect(await balance('0A000001', fed.id)).toBe(0);

    const [first, second] = await Promise.all([deliver(event()), deliver(event())]);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect([first.json.outcome, second.json.outcome].sort()).toEqual(['already', 'credited']);
    expect(first.json.request).toBe(second.json.request);
    const replayed = await deliver(event());
    expect(replayed).toMatchObject({ status: 200, json: { outcome: 'already', request: first.json.request } });
    expect(await balance('0A000001', fed.id)).toBe(2500);

    const [payment] = await hub.context.storage.read.all<{ status: string; reference: string; wallet_id: string; request_id: string }>(sql`select status, reference, wallet_id, request_id from payments`);
    expect(payment).toMatchObject({ status: 'credited', reference: session.payment_intent, request_id: first.json.request });
    const requests = await hub.context.storage.read.all<{ source: string; actor: string; idempotency_key: string }>(sql`select source, actor, idempotency_key from requests where kind = 'topup'`);
    expect(requests).toEqual([{ source: 'provider', actor: 'stripe', idempotency_key: session.payment_intent }]);
    const refs = await hub.context.storage.read.all<{ ref: string }>(sql`select ref from payment_refs`);
    expect(refs.map((row) => row.ref)).toEqual([`stripe:${session.payment_intent}`]);
    await verified();
  });

  it('tops up a user’s wallet through Checkout, and refuses a Checkout for a place’s wallet or a lost card before anyone pays', async () => {
    const { fed } = await start();
    const wallets = await hub.context.storage.read.all<{ id: string; kind: string }>(sql`select id, kind from wallets where kind in ('user', 'place')`);
    const user = wallets.find((wallet) => wallet.kind === 'user')?.id;
    const place = wallets.find((wallet) => wallet.kind === 'place')?.id;
    const checkout = await hub.call('POST', '/api/v1/checkouts', { wallet: user, amount: 5000, returnUrl: 'https://wallet.example/back' });
    expect(checkout.status).toBe(201);
    expect(stripe.sessions.get(checkout.json.session)?.success_url).toBe('https://wallet.example/back');
    const session = stripe.pay(checkout.json.session);
    expect((await deliver(signedEvent('checkout.session.completed', session, now()))).json.outcome).toBe('credited');
    const balances = await hub.context.storage.read.all<{ value: number | string }>(sql`select value from balances where wallet_id = ${user} and asset_id = ${fed.id}`);
    expect(Number(balances[0]?.value)).toBe(5000);

    expect((await hub.call('POST', '/api/v1/checkouts', { wallet: place, amount: 5000 })).json.error.code).toBe('wrong_wallet_kind');
    expect((await hub.call('POST', '/api/v1/cards/0A000002/lost')).status).toBe(200);
    expect((await hub.call('POST', '/api/v1/checkouts', { card: '0A000002', amount: 5000 })).json.error.code).toBe('card_lost');
    expect((await hub.call('POST', '/api/v1/checkouts', { card: 'FFFFFFFF', amount: 5000 })).status).toBe(404);
    expect((await hub.call('POST', '/api/v1/checkouts', { card: '0A000001', amount: 50 })).status).toBe(400);
    expect(await count('payments')).toBe(1);
    await verified();
  });

  it('refuses a forged event and a late one with typed codes, and stores nothing', async () => {
    const { fed } = await start();
    const { session } = await paidCheckout('0A000002', 1000);
    const before = { requests: await count('requests'), transfers: await count('transfers') };

    const forged = await deliver(signedEvent('checkout.session.completed', session, now(), 'whsec_not_the_hubs'));
    expect(forged).toMatchObject({ status: 400, json: { error: { code: 'bad_signature' } } });
    const genuine = signedEvent('checkout.session.completed', session, now());
    const altered = await deliver({ payload: genuine.payload.replace('"amount_total":1000', '"amount_total":100000'), signature: genuine.signature });
    expect(altered).toMatchObject({ status: 400, json: { error: { code: 'bad_signature' } } });
    const unsigned = await hub.app.inject({ method: 'POST', url: '/webhooks/stripe', payload: genuine.payload, headers: { 'content-type': 'application/json' } });
    expect(unsigned.statusCode).toBe(400);
    expect(unsigned.json().error.code).toBe('bad_signature');

    const late = await deliver(signedEvent('checkout.session.completed', session, now() - 301));
    expect(late).toMatchObject({ status: 400, json: { error: { code: 'stale_notification' } } });
    // Signed JSON that is not JSON: a typed refusal, not a 500.
    const garbage = '{"id": "evt_x", ';
    expect(await deliver({ payload: garbage, signature: signedPayload(garbage, now()) })).toMatchObject({ status: 400, json: { error: { code: 'bad_request' } } });

    expect({ requests: await count('requests'), transfers: await count('transfers') }).toEqual(before);
    const [payment] = await hub.context.storage.read.all<{ status: string; reference: string | null }>(sql`select status, reference from payments`);
    expect(payment).toEqual({ status: 'pending', reference: null });
    expect(await balance('0A000002', fed.id)).toBe(0);

    // Within the tolerance, the same session is credited.
    expect((await deliver(signedEvent('checkout.session.completed', session, now() - 299))).json.outcome).toBe('credited');
    expect(await balance('0A000002', fed.id)).toBe(1000);
    await verified();
  });

  it('credits a card terminal’s payment intent named by its metadata, and ignores what is not for it', async () => {
    const { fed } = await start();
    const intent = { id: 'pi_terminal_1', object: 'payment_intent', amount: 1200, amount_received: 1200, currency: 'eur', status: 'succeeded', metadata: { fedow_card: '0A000000' } };
    expect((await deliver(signedEvent('payment_intent.succeeded', intent, now()))).json.outcome).toBe('credited');
    expect((await deliver(signedEvent('payment_intent.succeeded', intent, now()))).json.outcome).toBe('already');
    expect(await balance('0A000000', fed.id)).toBe(1200);
    const [payment] = await hub.context.storage.read.all<{ status: string; amount: number | string; card_id: string | null }>(sql`select status, amount, card_id from payments where reference = 'pi_terminal_1'`);
    expect(payment).toMatchObject({ status: 'credited', card_id: expect.any(String) });

    const { session: short } = await paidCheckout('0A000001', 3000);
    const before = { requests: await count('requests'), payments: await count('payments') };
    const underpaid = await deliver(signedEvent('checkout.session.completed', { ...short, amount_total: 300 }, now()));
    expect(underpaid).toMatchObject({ status: 200, json: { outcome: 'ignored', reason: expect.stringMatching(/not the amount asked/) } });
    const unpaidSession = await deliver(signedEvent('checkout.session.completed', { ...short, payment_status: 'unpaid' }, now()));
    expect(unpaidSession.json).toMatchObject({ outcome: 'ignored' });
    expect(await balance('0A000001', fed.id)).toBe(0);
    const anonymous = { ...intent, id: 'pi_other', metadata: {} };
    expect((await deliver(signedEvent('payment_intent.succeeded', anonymous, now()))).json).toMatchObject({ outcome: 'ignored' });
    expect((await deliver(signedEvent('customer.created', { id: 'cus_1', object: 'customer' }, now()))).json).toMatchObject({ outcome: 'ignored' });
    const unknownCard = { ...intent, id: 'pi_unknown', metadata: { fedow_card: 'FFFFFFFF' } };
    expect(await deliver(signedEvent('payment_intent.succeeded', unknownCard, now()))).toMatchObject({ status: 200, json: { outcome: 'refused', reason: 'unknown_card' } });
    const unpaid = { id: 'cs_elsewhere', object: 'checkout.session', payment_status: 'paid', amount_total: 100, currency: 'eur', payment_intent: 'pi_elsewhere', client_reference_id: null, metadata: {} };
    expect((await deliver(signedEvent('checkout.session.completed', unpaid, now()))).json).toMatchObject({ outcome: 'ignored' });
    expect({ requests: await count('requests'), payments: await count('payments') }).toEqual(before);
    await verified();
  });

  it('refunds Stripe FED through Stripe once per key, even when Stripe failed the first time', async () => {
    const { fed } = await start();
    const { event } = await paidCheckout('0A000001', 3000);
    expect((await deliver(event())).json.outcome).toBe('credited');
    const refund = (body: object, key: string) => hub.call('POST', '/api/v1/refunds', body, { 'idempotency-key': key });

    stripe.failRefunds = 1;
    const failed = await refund({ card: '0A000001', amount: 1000 }, 'r-1');
    expect(failed).toMatchObject({ status: 502, json: { error: { code: 'provider_error', request: expect.any(String) } } });
    // Booked before Stripe was asked: the balance cannot be spent meanwhile.
    expect(await balance('0A000001', fed.id)).toBe(2000);
    const retried = await refund({ card: '0A000001', amount: 1000 }, 'r-1');
    expect(retried.status, JSON.stringify(retried.json)).toBe(200);
    expect(retried.json).toMatchObject({ via: 'stripe', replayed: true, request: failed.json.error.request, refunds: [{ amount: 1000, refund: expect.stringMatching(/^re_/) }] });
    expect(retried.json.transfers).toMatchObject([{ action: 'RFD', amount: 1000 }]);
    const again = await refund({ card: '0A000001', amount: 1000 }, 'r-1');
    expect(again.json.refunds).toEqual(retried.json.refunds);
    expect(stripe.refunds).toHaveLength(1);
    expect(stripe.refunds[0]).toMatchObject({ amount: 1000, payment_intent: expect.stringMatching(/^pi_/) });

    const second = await refund({ card: '0A000001', amount: 2000 }, 'r-2');
    expect(second).toMatchObject({ status: 201, json: { via: 'stripe', replayed: false } });
    expect(stripe.refunds).toHaveLength(2);
    expect(await balance('0A000001', fed.id)).toBe(0);
    const [payment] = await hub.context.storage.read.all<{ status: string; refunded: number | string }>(sql`select status, refunded from payments`);
    expect({ ...payment, refunded: Number(payment?.refunded) }).toEqual({ status: 'refunded', refunded: 3000 });
    const conflict = await refund({ card: '0A000001', amount: 5 }, 'r-2');
    expect(conflict.status).toBe(409);
    // FED paid back to its holder leaves the federation: the dashboard's conservation check counts it destroyed.
    const money = (await moneyReport(hub.context)).assets.find((row) => row.asset.id === fed.id);
    expect(money).toMatchObject({ created: 3000, destroyed: 3000, balances: 0, ok: true });
    await verified();
  });

  it('turns a refund of FED that Stripe did not take into a payout request, which needs an IBAN', async () => {
    const { fed } = await start();
    const manual = await hub.call('POST', '/api/v1/topups', { card: '0A000002', asset: fed.id, amount: 4000, reference: 'VIR-2026-07', method: 'transfer' }, { 'idempotency-key': 'm-1' });
    expect(manual.status).toBe(201);
    const refund = (body: object) => hub.call('POST', '/api/v1/refunds', body, { 'idempotency-key': 'p-1' });
    expect((await refund({ card: '0A000002', amount: 1500 })).json.error.code).toBe('bad_request');
    expect((await refund({ card: '0A000002', amount: 1500, iban: 'FR76 0000', holder: 'Camille' })).status).toBe(400);
    const payout = await refund({ card: '0A000002', amount: 1500, iban: IBAN, holder: 'Camille Martin' });
    expect(payout).toMatchObject({ status: 202, json: { via: 'payout', payout: { amount: 1500, iban: IBAN, status: 'requested' } } });
    expect((await hub.call('POST', '/api/v1/refunds', { card: '0A000002', amount: 1500 })).status).toBe(400);
    expect((await hub.call('POST', '/api/v1/refunds', { card: 'FFFFFFFF', amount: 1 }, { 'idempotency-key': 'p-2' })).json.error.code).toBe('unknown_card');
    expect((await hub.call('POST', '/api/v1/refunds', { card: '0A000000', amount: 1 }, { 'idempotency-key': 'p-3' })).json.error.code).toBe('nothing_to_refund');
    const primary = (await hub.context.storage.read.all<{ id: string }>(sql`select id from wallets where kind = 'primary'`))[0]?.id;
    const placeWallet = await hub.call('POST', '/api/v1/refunds', { wallet: primary, amount: 1, iban: IBAN, holder: 'Hub' }, { 'idempotency-key': 'p-4' });
    expect(placeWallet).toMatchObject({ status: 422, json: { error: { code: 'wrong_wallet_kind' } } });
    expect(await count('payouts')).toBe(1);
    expect(await balance('0A000002', fed.id)).toBe(4000);
    expect(stripe.refunds.filter((r) => r.amount === 1500)).toHaveLength(0);
    await verified();
  });

  it('refuses an oversized notification and documents its routes', async () => {
    await start();
    const before = await count('requests');
    const big = JSON.stringify({ id: 'evt_big', padding: 'x'.repeat(WEBHOOK_BODY_BYTES_MAX) });
    const response = await hub.app.inject({ method: 'POST', url: '/webhooks/stripe', payload: big, headers: { 'content-type': 'application/json', 'stripe-signature': signedPayload(big, now()) } });
    expect(response.statusCode).toBe(413);
    expect(response.json().error.code).toBe('too_large');
    const docs = (await hub.call('GET', '/api/docs/json')).json;
    expect(docs.paths['/api/v1/checkouts'].post.summary).toMatch(/Stripe Checkout/);
    expect(Object.keys(docs.paths['/api/v1/refunds'].post.responses)).toEqual(expect.arrayContaining(['201', '202', '502', '503']));
    expect(await count('requests')).toBe(before);
    await verified();
  });

  it('answers provider_not_configured on a hub without Stripe', async () => {
    await start({ stripe: false });
    expect(await hub.call('POST', '/api/v1/checkouts', { card: '0A000001', amount: 1000 })).toMatchObject({ status: 503, json: { error: { code: 'provider_not_configured' } } });
    const event = signedEvent('checkout.session.completed', { id: 'cs_1' }, now());
    expect(await deliver(event)).toMatchObject({ status: 503, json: { error: { code: 'provider_not_configured' } } });
    expect((await hub.call('POST', '/api/v1/checkouts', { card: 'FFFFFFFF', amount: 1000 })).status).toBe(503);
    expect(await count('payments')).toBe(0);
    await verified();
  });
});

describe('a refund’s plan', () => {
  it('takes the newest payments first, splits over several, and is null when they hold less than the amount', () => {
    const payments = [
      { id: 'new', amount: 1000, refunded: 800 },
      { id: 'old', amount: 5000, refunded: 0 },
    ];
    expect(planRefund(payments, 150)).toEqual([{ payment: 'new', amount: 150 }]);
    expect(planRefund(payments, 1200)).toEqual([
      { payment: 'new', amount: 200 },
      { payment: 'old', amount: 1000 },
    ]);
    expect(planRefund(payments, 5200)).toHaveLength(2);
    expect(planRefund(payments, 5201)).toBeNull();
    expect(planRefund([], 1)).toBeNull();
  });
});
