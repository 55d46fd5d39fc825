/**
 * The original's Stripe routes for Lespass, against the Stripe stand-in: the
 * payer's return from a FED refill checkout (`retrieve_from_refill_checkout`,
 * crediting before the notification and once), the holder's FED paid back by
 * Stripe (`refund_fed_by_signature`), and a Stripe transfer to a place booked as
 * its FED bank deposit (`global_asset_bank_stripe_deposit`, 208 when repeated);
 * each with its refusals, JSON always; `fedow verify` passes. (Without Stripe:
 * compat-routes.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyChain } from '../src/verify/verify-chain';
import { removeTestDirs } from './admin-support';
import { bootstrapVenue, lespassUser, startCompatHub, type CompatHub, type Venue } from './compat-support';
import { b64url, rsaKey, send, signPss, type LespassUser } from '../../../support/fedow-client';
import { signedEvent, STAND_IN_SECRET_KEY, STAND_IN_WEBHOOK_SECRET, StripeStandIn } from './support/stripe-stand-in';

let stripe: StripeStandIn;
let compat: CompatHub;
let venue: Venue;
let zoe: LespassUser;
let fed = '';

beforeAll(async () => {
  stripe = new StripeStandIn();
  const apiBase = await stripe.start();
  compat = await startCompatHub(undefined, { stripe: { secretKey: STAND_IN_SECRET_KEY, webhookSecret: STAND_IN_WEBHOOK_SECRET, returnUrl: 'https://hub.example/merci', apiBase: new URL(apiBase) } });
  venue = await bootstrapVenue(compat, 'Stripe Café');
  zoe = await lespassUser(venue, 'zoe@exemple.fr');
  fed = (await venue.laboutik.get('/asset/')).json.find((asset: { category: string }) => asset.category === 'FED').uuid;
}, 120_000);
afterAll(async () => {
  await compat?.hub.close();
  await stripe?.stop();
  removeTestDirs();
});

const fedOf = (wallet: { tokens: { asset_category: string; value: number }[] }) => wallet.tokens.find((token) => token.asset_category === 'FED')?.value;

/** A checkout of `amount` for `user`, and the id Lespass reads in its return URL. */
async function checkout(user: LespassUser, amount: number): Promise<{ id: string; session: string }> {
  const made = await venue.lespass.post('/wallet/get_federated_token_refill_checkout/', { lespass_signed_data: 'signé:x', amount }, user);
  expect(made.status, made.text).toBe(202);
  const session = [...stripe.sessions.values()].at(-1)!;
  const id = /\/my_account\/([0-9a-f-]{36})\/return_refill_wallet\/$/.exec(session.success_url)?.[1];
  expect(id, session.success_url).toBeDefined();
  return { id: id!, session: session.id };
}

describe('retrieve_from_refill_checkout', () => {
  it('answers 402 while unpaid, credits once when Stripe says paid (the late notification credits nothing more), 403/404 for others', async () => {
    const { id, session } = await checkout(zoe, 2500);
    expect(await venue.lespass.get(`/wallet/${id}/retrieve_from_refill_checkout/`, zoe)).toMatchObject({ status: 402, json: expect.stringContaining('non paid') });
    const paul = await lespassUser(venue, 'paul@exemple.fr');
    expect((await venue.lespass.get(`/wallet/${id}/retrieve_from_refill_checkout/`, paul)).status).toBe(403);
    expect((await venue.lespass.get('/wallet/0190a0b0-0000-7000-8000-00000000dead/retrieve_from_refill_checkout/', zoe)).status).toBe(404);
    expect((await venue.lespass.get('/wallet/pas-un-uuid/retrieve_from_refill_checkout/', zoe)).status).toBe(400);
    const paid = stripe.pay(session);
    const back = await venue.lespass.get(`/wallet/${id}/retrieve_from_refill_checkout/`, zoe);
    expect(back.status, back.text).toBe(200);
    expect(back.json.uuid).toBe(zoe.wallet);
    expect(fedOf(back.json)).toBe(2500);
    expect(fedOf((await venue.lespass.get(`/wallet/${id}/retrieve_from_refill_checkout/`, zoe)).json)).toBe(2500);
    const event = signedEvent('checkout.session.completed', paid, Math.floor(compat.hub.clock.ms / 1000));
    const late = await send(compat.base, 'POST', '/webhook_stripe/', { 'content-type': 'application/json', 'stripe-signature': event.signature }, event.payload);
    expect(late.json).toMatchObject({ outcome: 'already' });
    expect(fedOf((await venue.lespass.get('/wallet/retrieve_by_signature/', zoe)).json)).toBe(2500);
  });
});

describe('the refill checkout without amount, as Lespass sends it', () => {
  it("lets the payer choose 5 € to 500 € on Stripe's page and credits exactly what was paid, once; refuses a bad amount", async () => {
    const noe = await lespassUser(venue, 'noé@exemple.fr');
    const made = await venue.lespass.post('/wallet/get_federated_token_refill_checkout/', { lespass_signed_data: 'signé:x' }, noe);
    expect(made.status, made.text).toBe(202);
    expect(made.json).toMatch(/^https:\/\/checkout\.stripe\.com\//);
    const session = [...stripe.sessions.values()].at(-1)!;
    expect(session.adjustable).toEqual({ minimum: 5, maximum: 500, unit: 100 });
    const id = /\/my_account\/([0-9a-f-]{36})\/return_refill_wallet\/$/.exec(session.success_url)![1]!;
    expect((await venue.lespass.get(`/wallet/${id}/retrieve_from_refill_checkout/`, noe)).status).toBe(402);
    const paid = stripe.pay(session.id, 37);
    const event = signedEvent('checkout.session.completed', paid, Math.floor(compat.hub.clock.ms / 1000));
    const notified = await send(compat.base, 'POST', '/webhook_stripe/', { 'content-type': 'application/json', 'stripe-signature': event.signature }, event.payload);
    expect(notified.json, notified.text).toMatchObject({ outcome: 'credited' });
    const back = await venue.lespass.get(`/wallet/${id}/retrieve_from_refill_checkout/`, noe);
    expect(back.status, back.text).toBe(200);
    expect(fedOf(back.json)).toBe(3700);
    const again = await send(compat.base, 'POST', '/webhook_stripe/', { 'content-type': 'application/json', 'stripe-signature': event.signature }, event.payload);
    expect(again.json).toMatchObject({ outcome: 'already' });
    expect(fedOf((await venue.lespass.get('/wallet/retrieve_by_signature/', noe)).json)).toBe(3700);
    for (const amount of [0, -5, 'dix', 1.5]) {
      const refused = await venue.lespass.post('/wallet/get_federated_token_refill_checkout/', { lespass_signed_data: 'signé:x', amount }, noe);
      expect(refused.status, `${amount}: ${refused.text}`).toBe(400);
      expect(refused.json).toEqual(expect.any(Object));
    }
    expect((await verifyChain(compat.hub.context)).firstDiscrepancy).toBeNull();
  });

  it('credits nothing when the session says it paid an amount the open checkout could not take (left for an operator)', async () => {
    const ines = await lespassUser(venue, 'inès@exemple.fr');
    expect((await venue.lespass.post('/wallet/get_federated_token_refill_checkout/', { lespass_signed_data: 'signé:x' }, ines)).status).toBe(202);
    const session = [...stripe.sessions.values()].at(-1)!;
    const id = /\/my_account\/([0-9a-f-]{36})\/return_refill_wallet\/$/.exec(session.success_url)![1]!;
    const paid = stripe.pay(session.id);
    paid.amount_total = 100_001;
    const event = signedEvent('checkout.session.completed', paid, Math.floor(compat.hub.clock.ms / 1000));
    const notified = await send(compat.base, 'POST', '/webhook_stripe/', { 'content-type': 'application/json', 'stripe-signature': event.signature }, event.payload);
    expect(notified.json).toMatchObject({ outcome: 'ignored' });
    expect((await venue.lespass.get(`/wallet/${id}/retrieve_from_refill_checkout/`, ines)).status).toBe(402);
    expect(fedOf((await venue.lespass.get('/wallet/retrieve_by_signature/', ines)).json) ?? 0).toBe(0);
  });
});

describe("LaBoutik's Stripe card terminal", () => {
  /** The intent LaBoutik's TPE makes: `data` as Python's json.dumps writes it, signed over its base64url. */
  function terminalIntent(id: string, amount: number, fields: { fedow_place_uuid: string; tag_id: string | null }, key = venue.cashlessKey) {
    const data = `{"fedow_place_uuid": "${fields.fedow_place_uuid}", "tag_id": ${fields.tag_id === null ? 'null' : `"${fields.tag_id}"`}}`;
    return { id, object: 'payment_intent', amount, amount_received: amount, currency: 'eur', status: 'succeeded', metadata: { data, signature: signPss(key, b64url(data)) } };
  }
  const deliver = async (intent: unknown) => {
    const event = signedEvent('payment_intent.succeeded', intent, Math.floor(compat.hub.clock.ms / 1000));
    return send(compat.base, 'POST', '/webhook_stripe/', { 'content-type': 'application/json', 'stripe-signature': event.signature }, event.payload);
  };
  const cardFed = async (tag: string) => (await venue.laboutik.get(`/card/${tag}/`)).json.wallet.tokens.find((token: { asset_category: string }) => token.asset_category === 'FED')?.value ?? 0;

  it('credits the card named by the signed data once; refuses a bad signature, no card, an unknown place or card, malformed data', async () => {
    const tag = 'C0FFEE01';
    expect((await venue.laboutik.post('/card/', [{ first_tag_id: tag, qrcode_uuid: '0190a0b0-0000-7000-8000-0000000f0001', number_printed: tag, generation: 1, is_primary: false }])).status).toBe(201);
    const place = venue.place.uuid;
    const paid = terminalIntent('pi_tpe_1', 1500, { fedow_place_uuid: place, tag_id: tag });
    const first = await deliver(paid);
    expect(first.status, first.text).toBe(200);
    expect(first.json).toMatchObject({ outcome: 'credited' });
    expect((await deliver(paid)).json).toMatchObject({ outcome: 'already' });
    expect(await cardFed(tag)).toBe(1500);

    const forged = terminalIntent('pi_tpe_2', 900, { fedow_place_uuid: place, tag_id: tag }, rsaKey());
    const tampered = { ...paid, id: 'pi_tpe_3', metadata: { ...paid.metadata, data: paid.metadata.data.replace(tag, 'A1B2C3D4') } };
    const refusals: [unknown, string][] = [
      [forged, 'bad_signature'],
      [tampered, 'bad_signature'],
      [terminalIntent('pi_tpe_4', 900, { fedow_place_uuid: place, tag_id: null }), 'no_card'],
      [terminalIntent('pi_tpe_5', 900, { fedow_place_uuid: '0190a0b0-0000-7000-8000-00000000beef', tag_id: tag }), 'unknown_place'],
      [terminalIntent('pi_tpe_6', 900, { fedow_place_uuid: place, tag_id: 'DEADBEEF' }), 'unknown_card'],
      [{ ...paid, id: 'pi_tpe_7', metadata: { data: '{pas du json', signature: 'x' } }, 'bad_metadata'],
    ];
    for (const [intent, reason] of refusals) {
      const answer = await deliver(intent);
      expect(answer.status, answer.text).toBe(200);
      expect(answer.json, reason).toMatchObject({ outcome: 'refused', reason });
    }
    expect(await cardFed(tag)).toBe(1500);
    expect((await verifyChain(compat.hub.context)).firstDiscrepancy).toBeNull();
  });

  it("credits on the original's terminal.reader.action_succeeded (the intent read back from Stripe), once with payment_intent.succeeded", async () => {
    const tag = 'C0FFEE02';
    expect((await venue.laboutik.post('/card/', [{ first_tag_id: tag, qrcode_uuid: '0190a0b0-0000-7000-8000-0000000f0002', number_printed: tag, generation: 1, is_primary: false }])).status).toBe(201);
    const intent = terminalIntent('pi_tpe_reader_1', 2200, { fedow_place_uuid: venue.place.uuid, tag_id: tag });
    stripe.addIntent(intent);
    const reader = (id: string, status = 'succeeded') => ({ id: 'tmr_standin', object: 'terminal.reader', action: { type: 'process_payment_intent', status, process_payment_intent: { payment_intent: id } } });
    const readerEvent = async (object: unknown) => {
      const event = signedEvent('terminal.reader.action_succeeded', object, Math.floor(compat.hub.clock.ms / 1000));
      return send(compat.base, 'POST', '/webhook_stripe/', { 'content-type': 'application/json', 'stripe-signature': event.signature }, event.payload);
    };
    const first = await readerEvent(reader(intent.id));
    expect(first.json, first.text).toMatchObject({ outcome: 'credited' });
    expect((await deliver(intent)).json).toMatchObject({ outcome: 'already' });
    expect((await readerEvent(reader(intent.id))).json).toMatchObject({ outcome: 'already' });
    expect((await readerEvent(reader('pi_unknown_to_stripe'))).json).toMatchObject({ outcome: 'ignored' });
    expect((await readerEvent(reader(intent.id, 'in_progress'))).json).toMatchObject({ outcome: 'ignored' });
    expect((await readerEvent({ id: 'tmr_standin', object: 'terminal.reader', action: null })).json).toMatchObject({ outcome: 'ignored' });
    expect(await cardFed(tag)).toBe(2200);
    expect((await verifyChain(compat.hub.context)).firstDiscrepancy).toBeNull();
  });
});

describe('refund_fed_by_signature', () => {
  it('pays the FED back through Stripe (202 with the wallet), then has nothing to refund (200); 404 without FED; 402 for FED not paid by Stripe', async () => {
    const refunded = await venue.lespass.get('/wallet/refund_fed_by_signature/', zoe);
    expect(refunded.status, refunded.text).toBe(202);
    expect(fedOf(refunded.json)).toBe(0);
    expect(stripe.refunds.map((refund) => refund.amount)).toEqual([2500]);
    expect(await venue.lespass.get('/wallet/refund_fed_by_signature/', zoe)).toMatchObject({ status: 200, json: 'Rien à rembourser' });
    const lea = await lespassUser(venue, 'léa@exemple.fr');
    expect(await venue.lespass.get('/wallet/refund_fed_by_signature/', lea)).toMatchObject({ status: 404, json: expect.any(String) });
    const topUp = await compat.hub.call('POST', '/api/v1/topups', { wallet: lea.wallet, asset: fed, amount: 800, reference: 'VIR-2026-001', method: 'transfer' }, { 'idempotency-key': 'lea-fed' });
    expect(topUp.status, JSON.stringify(topUp.json)).toBe(201);
    expect(await venue.lespass.get('/wallet/refund_fed_by_signature/', lea)).toMatchObject({ status: 402, json: expect.any(String) });
    expect(fedOf((await venue.lespass.get('/wallet/retrieve_by_signature/', lea)).json)).toBe(800);
    expect((await venue.lespass.get('/wallet/refund_fed_by_signature/')).status).toBe(403);
  });
});

describe('global_asset_bank_stripe_deposit', () => {
  it('books a Stripe transfer to the place as the BNK of its FED (201), the same transfer again as 208; refuses more than the place holds and a malformed event', async () => {
    const { id, session } = await checkout(zoe, 3000);
    stripe.pay(session);
    expect((await venue.lespass.get(`/wallet/${id}/retrieve_from_refill_checkout/`, zoe)).status).toBe(200);
    const paidAtPlace = await venue.lespass.post('/transaction/qrcodescanpay/', { amount: 1200, sender: zoe.wallet, receiver: venue.place.wallet, asset_type: 'EURO', comment: null, metadata: {} }, zoe);
    expect(paidAtPlace.status, paidAtPlace.text).toBe(201);
    const transfer = stripe.addTransfer(1000);
    const event = { id: 'evt_1', type: 'transfer.created', data: { object: transfer } };
    const deposit = await venue.lespass.post('/wallet/global_asset_bank_stripe_deposit/', { payload: event }, venue.admin);
    expect(deposit.status, deposit.text).toBe(201);
    expect(deposit.json).toMatchObject({ action: 'BNK', amount: 1000, sender: venue.place.wallet, asset: fed });
    const again = await venue.lespass.post('/wallet/global_asset_bank_stripe_deposit/', { payload: event }, venue.admin);
    expect(again).toMatchObject({ status: 208, json: { uuid: deposit.json.uuid, action: 'BNK' } });
    const tooMuch = stripe.addTransfer(5000);
    expect(await venue.lespass.post('/wallet/global_asset_bank_stripe_deposit/', { payload: { data: { object: tooMuch } } }, venue.admin)).toMatchObject({ status: 400, json: { code: 'insufficient_funds' } });
    expect((await venue.lespass.post('/wallet/global_asset_bank_stripe_deposit/', { payload: { data: { object: { id: 'py_1' } } } }, venue.admin)).status).toBe(400);
    expect((await venue.lespass.post('/wallet/global_asset_bank_stripe_deposit/', { payload: { data: { object: { id: 'tr_unknown' } } } }, venue.admin)).status).toBe(400);
    expect((await venue.lespass.post('/wallet/global_asset_bank_stripe_deposit/', { payload: event })).status).toBe(403);
    const totals = await venue.lespass.get(`/asset/${fed}/total_by_place_with_uuid/`);
    expect(JSON.parse(totals.json).total_by_place).toEqual(expect.arrayContaining([{ place_name: 'Stripe Café', wallet_uuid: venue.place.wallet, total_value: 200 }]));
    expect((await verifyChain(compat.hub.context)).firstDiscrepancy).toBeNull();
  });
});
