import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { HOLDER_REQUESTS_PER_MINUTE_MAX, WalletKeySet, WalletRequest } from '@fedow/protocol';
import { FailureLimiter } from '../admin/rate-limit';
import { sameOrigin } from '../dashboard/access';
import { HubError } from '../errors';
import { accountView, askPayout, declareOwnCardLost, setWalletKey, startTopUp } from './account';
import { cardPage } from './card-page';
import type { Holder } from './holder';
import { followLink, requestLink } from './links';
import { closeSession, HOLDER_SESSION_TTL_S, openSession, requireUser, setHolderCookie } from './sessions';
import { confirmTransfer, findRecipient, startTransfer } from './transfers';

const Language = z.enum(['en', 'fr']);
const Qrcode = z.string().min(1).max(64);

/**
 * The JSON API of the card holder's page under /qr/api. Reading a card needs only
 * its QR code; everything that moves money or changes a card needs the session
 * cookie of an e-mailed link. Card reads and link requests count per address.
 */
export async function holderApiRoutes(app: FastifyInstance, holder: Holder, baseUrl: string, limited: (request: FastifyRequest) => Promise<void>): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.addHook('onRequest', async (request) => sameOrigin(request));

  api.get('/qr/api/config', async () => ({ email: holder.mailer !== null, topUp: holder.context.stripe !== null }));
  api.get('/qr/api/cards/:qrcode', { schema: { params: z.object({ qrcode: Qrcode }) }, onRequest: limited }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    return cardPage(holder.context, request.params.qrcode);
  });
  api.post('/qr/api/links', { schema: { body: z.strictObject({ email: z.string().max(254), qrcode: Qrcode.nullable(), language: Language }) }, onRequest: limited }, async (request, reply) => {
    await requestLink(holder, request.body, baseUrl);
    return reply.status(202).send({ sent: true });
  });
  api.post('/qr/api/login', { schema: { body: z.strictObject({ token: z.string().min(1).max(100) }) }, onRequest: limited }, async (request, reply) => {
    const followed = await followLink(holder, request.body.token);
    setHolderCookie(reply, request, await openSession(holder, followed.userId), HOLDER_SESSION_TTL_S);
    return { qrcode: followed.qrcode, refused: followed.refused };
  });
  api.post('/qr/api/logout', async (request, reply) => {
    await closeSession(holder, request, reply);
    return reply.status(204).send();
  });
  api.get('/qr/api/account', async (request, reply) => {
    reply.header('cache-control', 'no-store');
    return accountView(holder, await requireUser(holder, request));
  });
  api.put('/qr/api/key', { schema: { body: WalletKeySet } }, async (request) => {
    await setWalletKey(holder, await requireUser(holder, request), request.body.publicKey);
    return { ok: true };
  });
  api.post('/qr/api/cards/:tag/lost', { schema: { params: z.object({ tag: z.string().min(1).max(32) }) } }, async (request) => {
    await declareOwnCardLost(holder, await requireUser(holder, request), request.params.tag);
    return { ok: true };
  });
  api.post('/qr/api/topups', { schema: { body: z.strictObject({ amount: z.number().int() }) } }, async (request, reply) => {
    const checkout = await startTopUp(holder, await requireUser(holder, request), request.body.amount, baseUrl);
    return reply.status(201).send({ url: checkout.url, payment: checkout.payment });
  });
  api.post(
    '/qr/api/payouts',
    { schema: { body: z.strictObject({ amount: z.number().int(), iban: z.string().max(64), holder: z.string().max(140), key: z.string().min(8).max(64) }) } },
    async (request, reply) => {
      const { amount, iban, holder: name, key } = request.body;
      const payout = await askPayout(holder, await requireUser(holder, request), { amount, iban, holder: name, idempotencyKey: key });
      return reply.status(201).send({ id: payout.id, amount: payout.amount, status: payout.status });
    },
  );
  api.get('/qr/api/recipient', { schema: { querystring: z.object({ email: z.string().max(254).optional(), qrcode: Qrcode.optional() }) } }, async (request) => {
    return findRecipient(holder, await requireUser(holder, request), request.query);
  });
  api.post('/qr/api/transfers', { schema: { body: z.strictObject({ request: WalletRequest, language: Language }) } }, async (request, reply) => {
    const started = await startTransfer(holder, await requireUser(holder, request), request.body.request, request.body.language);
    return reply.status(202).send(started);
  });
  api.post(
    '/qr/api/transfers/:id/confirm',
    { schema: { params: z.object({ id: z.string().uuid() }), body: z.strictObject({ code: z.string().regex(/^\s*\d{6}\s*$/, 'six digits') }) } },
    async (request, reply) => reply.status(201).send(await confirmTransfer(holder, await requireUser(holder, request), request.params.id, request.body.code)),
  );
}

/** Counts every request of an address (card pages, sign-in forms): a QR code's UUID is not guessed at speed. */
export function addressLimit(holder: Holder): (request: FastifyRequest) => Promise<void> {
  const limiter = new FailureLimiter(holder.context.clock, HOLDER_REQUESTS_PER_MINUTE_MAX, 60_000);
  return async (request) => {
    if (limiter.blocked(request.ip)) throw new HubError('rate_limited', 'too many requests from this address: wait a minute');
    limiter.fail(request.ip);
  };
}
