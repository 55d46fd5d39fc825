/**
 * The original's Stripe routes for Lespass, on our Stripe provider
 * (money/providers): a payer's return from a FED refill checkout, a card
 * holder's FED paid back through Stripe, and a place's FED that the federation
 * transferred to the place's Stripe account, booked as a bank deposit.
 */
import { decideBankDeposit } from '@fedow/ledger';
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { HubContext } from '../context';
import { HubError } from '../errors';
import { fedAsset } from '../money/providers/provider';
import { checkoutPaid } from '../money/providers/stripe-notifications';
import { planRefund, refundFed } from '../money/refund';
import type { Source } from '../money/source';
import * as repo from '../storage/repo';
import { apiKeyMatches, apiKeyPrefix } from './api-keys';
import { denied, type Caller } from './auth';
import { compatNotFound, invalid, normalUuid, objectBody, route, type Fields } from './http';
import { outcomeTransfers, submitApiMovement } from './movements';
import { loadDirectory, transactionShapes, walletShape } from './shapes';

export function stripeRoutes(app: FastifyInstance, context: HubContext): void {
  route(app, context, 'GET', '/wallet/:checkout/retrieve_from_refill_checkout/', 'KW', async ({ caller, params }) => returnFromCheckout(context, caller, params.checkout!));
  route(app, context, 'GET', '/wallet/refund_fed_by_signature/', 'W', async ({ caller, request }) => refundBySignature(context, caller.wallet!, request));
  route(app, context, 'POST', '/wallet/global_asset_bank_stripe_deposit/', 'KW', async ({ caller, body, request, raw }) => stripeDeposit(context, caller, objectBody(body), request, raw));
}

const NO_STRIPE = { status: 417, body: { detail: 'Paiement en ligne non configuré sur ce hub.' } };

/**
 * Lespass asks, when the payer comes back, whether the checkout was paid: 200
 * with the wallet once it is credited, crediting it now if Stripe says paid and
 * the notification has not come yet (the original's GET path); 402 while unpaid.
 */
async function returnFromCheckout(context: HubContext, caller: Caller, checkoutId: string) {
  const stripe = context.stripe;
  if (stripe === null) return NO_STRIPE;
  const read = context.storage.read;
  const payment = await repo.getPayment(read, normalUuid(checkoutId, 'checkout'));
  if (!payment || payment.provider !== stripe.name) throw compatNotFound();
  if (payment.walletId !== caller.wallet) throw denied("Ce paiement n'est pas celui du wallet signataire.");
  if (payment.status === 'pending' && payment.session !== null) {
    const session = await stripe.retrieveSession(payment.session);
    const settled = await checkoutPaid(context, stripe, session);
    if (settled.outcome === 'refused') throw invalid(`Paiement refusé : ${settled.reason ?? 'inconnu'}`);
  }
  const now = await repo.getPayment(read, payment.id);
  if (now?.status !== 'credited') return { status: 402, body: `Checkout Stripe non paid : ${now?.status ?? 'pending'}` };
  return { status: 200, body: await walletShape(read, await loadDirectory(read), caller.wallet!) };
}

/**
 * The signing wallet's whole FED goes back to the cards that paid it, through
 * Stripe's refunds (money/refund.ts: one RFD, then one refund per payment).
 * The original's answers: 202 with the wallet, 200 "Rien à rembourser", 404
 * without FED, 402 when Stripe payments of the wallet do not hold it all.
 */
async function refundBySignature(context: HubContext, wallet: string, request: FastifyRequest) {
  const stripe = context.stripe;
  if (stripe === null) return NO_STRIPE;
  const read = context.storage.read;
  const fed = await fedAsset(context);
  const balance = (await repo.loadWalletBalances(read, [wallet])).find((row) => row.assetId === fed.id);
  if (!balance) return { status: 404, body: 'Token STRIPE_FED_FIAT non trouvé' };
  if (balance.value <= 0) return { status: 200, body: 'Rien à rembourser' };
  if (planRefund(await repo.listRefundablePayments(read, stripe.name, wallet), balance.value) === null) return { status: 402, body: 'Pas de paiement Stripe pour ce wallet' };
  try {
    await refundFed(context, { source: await sourceOf(context, request, wallet), idempotencyKey: signedKey(request), target: { wallet }, amount: balance.value });
  } catch (error) {
    if (error instanceof HubError && error.code === 'provider_error') return { status: 406, body: `Remboursement échoué : ${error.message}` };
    throw error;
  }
  return { status: 202, body: await walletShape(read, await loadDirectory(read), wallet) };
}

/**
 * A transfer the federation made on Stripe to the place (its FED sales paid out)
 * leaves the ledger as a bank deposit (BNK) of the place's FED, of the amount
 * Stripe says; the same transfer reported again answers 208 with the same deposit.
 */
async function stripeDeposit(context: HubContext, caller: Caller, fields: Fields, request: FastifyRequest, raw: string | null) {
  const stripe = context.stripe;
  if (stripe === null) return NO_STRIPE;
  const place = caller.place!;
  const transferId = transferOf(fields.payload);
  const read = context.storage.read;
  const dedup = `stripe-transfer:${transferId}`;
  const earlier = await repo.getCompatDedupTransfer(read, dedup);
  if (earlier !== undefined) return { status: 208, body: (await transactionShapes(read, await loadDirectory(read), await repo.getTransfersById(read, [earlier])))[0] };
  const transfer = await stripe.retrieveTransfer(transferId);
  if (transfer === null) throw invalid(`Stripe ne connaît pas le virement ${transferId}.`, 'payload');
  if (transfer.currency !== 'eur') throw invalid(`Un virement en euros est attendu, pas en ${transfer.currency}.`, 'payload');
  const fed = await fedAsset(context);
  const outcome = await submitApiMovement(context, {
    place,
    request,
    raw,
    kind: 'deposit',
    dedupKeys: [dedup],
    body: { place: place.id, asset: fed.id, amount: transfer.amount, transfer: transfer.id },
    needs: { place: place.id, wallets: [place.walletId] },
    decide: (state, decision, id) => decideBankDeposit(state, { place: place.id, asset: fed.id, amount: transfer.amount, request: id, comment: `Stripe ${transfer.id}` }, decision),
  });
  const [transaction] = await transactionShapes(read, await loadDirectory(read), await outcomeTransfers(context, outcome));
  return { status: 201, body: transaction };
}

/** `payload.data.object.id` of the Stripe event Lespass forwards: a transfer id. */
function transferOf(payload: unknown): string {
  const id = (payload as { data?: { object?: { id?: unknown } } } | null)?.data?.object?.id;
  if (typeof id !== 'string' || !/^tr_\w{1,250}$/.test(id)) throw invalid("L'événement Stripe d'un virement (data.object.id = tr_…) est attendu.", 'payload');
  return id;
}

/** A replay of the same signed request is answered from the first one (PSS signatures never repeat otherwise). */
function signedKey(request: FastifyRequest): string {
  return `sig:${createHash('sha256').update(String(request.headers.signature)).digest('hex')}`;
}

/**
 * A W request needs no place key, but Lespass sends its own: the refund is then
 * recorded as the place's `api` request; without one, as the wallet's own.
 */
async function sourceOf(context: HubContext, request: FastifyRequest, wallet: string): Promise<Source> {
  const match = /^Api-Key (\S+)$/.exec(String(request.headers.authorization ?? '').trim());
  const prefix = match ? apiKeyPrefix(match[1]!) : null;
  const key = prefix === null ? undefined : await repo.getCompatApiKey(context.storage.read, prefix);
  if (key && key.kind === 'place' && key.placeId !== null && key.revokedAt === null && apiKeyMatches(match![1]!, key.hashedKey)) return { kind: 'api', place: key.placeId };
  return { kind: 'wallet', wallet };
}
