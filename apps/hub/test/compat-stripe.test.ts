/**
 * FED into a Lespass user's wallet through Stripe, from the compatible API: the
 * refill checkout (202, its URL as a JSON string), paid at the Stripe stand-in,
 * credited by the notification delivered at the original's `/webhook_stripe/`
 * path, once; `fedow verify` passes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyChain } from '../src/verify/verify-chain';
import { removeTestDirs } from './admin-support';
import { bootstrapVenue, lespassUser, startCompatHub } from './compat-support';
import { send } from '../../../support/fedow-client';
import { signedEvent, STAND_IN_SECRET_KEY, STAND_IN_WEBHOOK_SECRET, StripeStandIn } from './support/stripe-stand-in';

let stripe: StripeStandIn;
let apiBase: string;
beforeAll(async () => {
  stripe = new StripeStandIn();
  apiBase = await stripe.start();
});
afterAll(async () => {
  await stripe.stop();
  removeTestDirs();
});

describe('FED refill through Stripe', () => {
  it('makes a checkout for the signing wallet and credits it once, through /webhook_stripe/', async () => {
    const compat = await startCompatHub(undefined, { stripe: { secretKey: STAND_IN_SECRET_KEY, webhookSecret: STAND_IN_WEBHOOK_SECRET, returnUrl: 'https://lespass.example/merci', apiBase: new URL(apiBase) } });
    try {
      const venue = await bootstrapVenue(compat, 'Stripe Bar');
      const user = await lespassUser(venue, 'fed@exemple.fr');
      const checkout = await venue.lespass.post('/wallet/get_federated_token_refill_checkout/', { lespass_signed_data: 'x:y', amount: 2500, start_return_url: 'https://stripebar.example/retour' }, user);
      expect(checkout.status, checkout.text).toBe(202);
      expect(checkout.json).toMatch(/^https:\/\/checkout\.stripe\.com\//);
      const [sessionId] = [...stripe.sessions.keys()].slice(-1);
      const session = stripe.pay(sessionId!);
      const event = signedEvent('checkout.session.completed', session, Math.floor(compat.hub.clock.ms / 1000));
      const headers = { 'content-type': 'application/json', 'stripe-signature': event.signature };
      expect((await send(compat.base, 'POST', '/webhook_stripe/', headers, event.payload)).status).toBe(200);
      expect((await send(compat.base, 'POST', '/webhook_stripe/', headers, event.payload)).json).toMatchObject({ outcome: 'already' });
      expect((await send(compat.base, 'POST', '/webhook_stripe/', { ...headers, 'stripe-signature': 't=1,v1=forged' }, event.payload)).status).toBeGreaterThanOrEqual(400);
      const wallet = await venue.lespass.get('/wallet/retrieve_by_signature/', user);
      expect(wallet.json.tokens.find((token: { asset_category: string }) => token.asset_category === 'FED')).toMatchObject({ value: 2500, is_primary_stripe_token: true });
      expect((await verifyChain(compat.hub.context)).firstDiscrepancy).toBeNull();
    } finally {
      await compat.hub.close();
    }
  }, 120_000);
});
