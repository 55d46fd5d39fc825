/**
 * `fedow topup` and `fedow refund` as an operator runs them, on a temp SQLite database:
 * through the CLI's entry function in this process, and a real child process for one
 * command of each kind and the exit codes. Stripe's API is played by the local stand-in
 * (support/stripe-stand-in.ts): these machines have no network.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factoryCsv, seedPlace, startTestHub } from './admin-support';
import { signedEvent, STAND_IN_SECRET_KEY, STAND_IN_WEBHOOK_SECRET, StripeStandIn } from './support/stripe-stand-in';
import { cliInProcess, cliProcess } from './support/cli-process';

const IBAN = 'FR7630006000011234567890189';
let dir = '';
let databaseUrl = '';
let env: NodeJS.ProcessEnv;
const { fedow, json } = cliInProcess(() => ({ cwd: dir, env }));
const real = cliProcess(() => ({ cwd: dir, env }));
let stripe: StripeStandIn;
let fed = '';
let paidIntent = '';




beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fedow-cli-pay-'));
  databaseUrl = `sqlite:${join(dir, 'fedow.sqlite')}`;
  stripe = new StripeStandIn();
  const apiBase = await stripe.start();
  env = { ...process.env, DATABASE_URL: databaseUrl, HUB_KEY: '', HUB_KEY_FILE: '', LOG_LEVEL: 'error', STRIPE_SECRET_KEY: STAND_IN_SECRET_KEY, STRIPE_WEBHOOK_SECRET: STAND_IN_WEBHOOK_SECRET, STRIPE_API_BASE: apiBase };
  // The hub that took a Stripe payment for card 0A000001, on the database the commands then use.
  const hub = await startTestHub(databaseUrl, { keyPath: join(dir, 'hub.key'), stripe: { secretKey: STAND_IN_SECRET_KEY, webhookSecret: STAND_IN_WEBHOOK_SECRET, returnUrl: 'https://festival.example/', apiBase: new URL(apiBase) } });
  try {
    const { place } = await seedPlace(hub);
    await hub.call('POST', `/api/v1/cards/import?place=${place.id}`, factoryCsv(3), { 'content-type': 'text/csv' });
    fed = (await hub.call('GET', '/api/v1/assets')).json.assets.find((a: { category: string }) => a.category === 'FED').id;
    const checkout = await hub.call('POST', '/api/v1/checkouts', { card: '0A000001', amount: 2000 });
    const session = stripe.pay(checkout.json.session);
    paidIntent = session.payment_intent ?? '';
    const event = signedEvent('checkout.session.completed', session, Math.floor(hub.clock.ms / 1000));
    const delivered = await hub.app.inject({ method: 'POST', url: '/webhooks/stripe', payload: event.payload, headers: { 'content-type': 'application/json', 'stripe-signature': event.signature } });
    expect(delivered.json().outcome).toBe('credited');
  } finally {
    await hub.close();
  }
});
afterAll(async () => {
  await stripe.stop();
  rmSync(dir, { recursive: true, force: true });
});

// Generous: at a load near 28 on 2 cores, 22 commands did not fit in 60 s.
describe('fedow topup and fedow refund', { timeout: 180_000 }, () => {
  it('records a bank transfer once per reference, in cents, FED by default', async () => {
    const first = await json('topup', '--card', '0A000002', '--amount', '1500', '--reference', 'VIR-2026-001');
    expect(first).toMatchObject({ status: 'applied', replayed: false, transfers: [{ action: 'CRE', amount: 1500, asset: fed }, { action: 'REF', amount: 1500 }] });
    expect(await json('topup', '--card', '0A000002', '--amount', '1500', '--reference', 'VIR-2026-001')).toMatchObject({ request: first.request, replayed: true });
    const reused = await real.fedow('topup', '--card', '0A000000', '--amount', '1500', '--reference', 'VIR-2026-001', '--key', 'other');
    expect(reused).toMatchObject({ code: 1, stdout: '' });
    expect(reused.stderr).toMatch(/\(payment_reference_used\)\n$/);
    const human = await fedow('topup', '--card', '0A000002', '--amount', '250', '--reference', 'CAISSE-7', '--method', 'cash');
    expect(human.stdout).toMatch(/^topped up: \+250 to wallet /);
    expect((await json('cards', '--show', '0A000002')).balances[fed]).toBe(1750);
  });

  it('refunds through Stripe when Stripe took the money, and asks for an IBAN otherwise', async () => {
    const refunded = await real.json('refund', '--card', '0A000001', '--amount', '500', '--key', 'cli-r-1');
    expect(refunded).toMatchObject({ via: 'stripe', status: 'applied', refunds: [{ amount: 500, reference: paidIntent }] });
    expect(await json('refund', '--card', '0A000001', '--amount', '500', '--key', 'cli-r-1')).toMatchObject({ replayed: true, request: refunded.request });
    expect(stripe.refunds).toHaveLength(1);
    expect((await fedow('refund', '--card', '0A000002', '--amount', '300')).stderr).toMatch(/needs iban and holder \(bad_request\)/);
    const payout = await json('refund', '--card', '0A000002', '--amount', '300', '--iban', IBAN, '--holder', 'Camille Martin');
    expect(payout).toMatchObject({ via: 'payout', payout: { amount: 300, status: 'requested' } });
    expect((await json('cards', '--show', '0A000001')).balances[fed]).toBe(1500);
    expect(await json('verify')).toMatchObject({ ok: true, firstDiscrepancy: null });
  });

  it('gives a Stripe payment link for a card', async () => {
    const checkout = await json('checkout', '--card', '0A000002', '--amount', '1000', '--return-url', 'https://festival.example/merci');
    expect(checkout).toMatchObject({ status: 'pending', amount: 1000, url: expect.stringMatching(/^https:\/\/checkout\.stripe\.com\//) });
    expect(stripe.sessions.get(checkout.session)?.client_reference_id).toBe(checkout.payment);
    const unknown = await real.fedow('checkout', '--card', 'FFFFFFFF', '--amount', '1000', '--return-url', 'https://festival.example/');
    expect(unknown).toMatchObject({ code: 1, stderr: 'fedow: unknown card FFFFFFFF (unknown_card)\n' });
  });

  it('exits 2 on usage mistakes', async () => {
    for (const [index, args] of [['topup', '--card', '0A000002'], ['topup', '--card', '0A000002', '--wallet', fed, '--amount', '1'], ['topup', '--card', '0A000002', '--amount', '12.50'], ['refund', '--amount', '1'], ['refund', '--card', 'X', '--amount', '1', '--nope'], ['checkout', '--amount', '1000']].entries()) {
      // The first through a real process: the exit code as a shell sees it.
      const run = await (index === 0 ? real.fedow : fedow)(...args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(/^fedow: .*\nusage: fedow (topup|refund|checkout) /);
    }
  });
});
