/**
 * Lespass's refill checkout as Lespass sends it (no `amount`), on both
 * dialects: the payer chooses the amount on Stripe's page (the Stripe stand-in's
 * adjustable quantity), the payer's return credits exactly that, once, and the
 * payment then holds that amount, so the FED refund through Stripe pays it all
 * back; `fedow verify` passes.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { DIALECTS, freshDatabase } from '../../../test/support/dialects';
import { verifyChain } from '../src/verify/verify-chain';
import { removeTestDirs } from './admin-support';
import { bootstrapVenue, lespassUser, startCompatHub } from './compat-support';
import { STAND_IN_SECRET_KEY, STAND_IN_WEBHOOK_SECRET, StripeStandIn } from './support/stripe-stand-in';

afterAll(() => removeTestDirs());

const fedOf = (wallet: { tokens: { asset_category: string; value: number }[] }) => wallet.tokens.find((token) => token.asset_category === 'FED')?.value;

describe.each(DIALECTS)('the open-amount refill checkout on %s', (dialect) => {
  const database = freshDatabase(dialect);

  it('credits what the payer chose, once, and refunds it all through Stripe', async () => {
    const stripe = new StripeStandIn();
    const apiBase = await stripe.start();
    const compat = await startCompatHub(await database(), { stripe: { secretKey: STAND_IN_SECRET_KEY, webhookSecret: STAND_IN_WEBHOOK_SECRET, returnUrl: 'https://hub.example/merci', apiBase: new URL(apiBase) } });
    try {
      const venue = await bootstrapVenue(compat, 'Café Ouvert');
      const ana = await lespassUser(venue, 'ana@exemple.fr');
      const made = await venue.lespass.post('/wallet/get_federated_token_refill_checkout/', { lespass_signed_data: 'signé:x' }, ana);
      expect(made.status, made.text).toBe(202);
      const session = [...stripe.sessions.values()].at(-1)!;
      expect(stripe.calls.at(-1)?.form).toMatchObject({ 'line_items[0][price_data][unit_amount]': '100', 'line_items[0][quantity]': '10', 'line_items[0][adjustable_quantity][minimum]': '5', 'line_items[0][adjustable_quantity][maximum]': '500' });
      const id = /\/my_account\/([0-9a-f-]{36})\/return_refill_wallet\/$/.exec(session.success_url)![1]!;
      stripe.pay(session.id, 123);
      const back = await venue.lespass.get(`/wallet/${id}/retrieve_from_refill_checkout/`, ana);
      expect(back.status, back.text).toBe(200);
      expect(fedOf(back.json)).toBe(12_300);
      expect(fedOf((await venue.lespass.get(`/wallet/${id}/retrieve_from_refill_checkout/`, ana)).json)).toBe(12_300);
      const refunded = await venue.lespass.get('/wallet/refund_fed_by_signature/', ana);
      expect(refunded.status, refunded.text).toBe(202);
      expect(fedOf(refunded.json)).toBe(0);
      expect(stripe.refunds.map((refund) => refund.amount)).toEqual([12_300]);
      expect((await verifyChain(compat.hub.context)).firstDiscrepancy).toBeNull();
    } finally {
      await compat.hub.close();
      await stripe.stop();
    }
  });
});
