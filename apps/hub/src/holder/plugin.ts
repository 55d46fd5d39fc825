import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { CONTENT_SECURITY_POLICY, languageOf } from '../dashboard/html';
import { declarePlugin } from '../plugin';
import { liveCard } from './card-page';
import type { Holder } from './holder';
import { smtpMailer } from './mailer';
import { holderAssets, holderShell } from './page';
import { addressLimit, holderApiRoutes } from './routes';

/**
 * The card holder's page at /qr/<uuid>: the URL printed as a QR code on every
 * card. Without SMTP_URL it still shows balances and history, and says at start
 * that sign-in, transfers and top-ups are off.
 */
export const holderPlugin = declarePlugin({ name: 'holder-page', dependencies: ['errors'] }, async (app, context, config) => {
  const mailer = config.holder.smtpUrl === null ? null : smtpMailer(config.holder.smtpUrl, config.holder.mailFrom);
  if (mailer === null) app.log.warn('SMTP_URL is not set: the card holder’s page shows balances only (no sign-in, transfers or top-ups)');
  else app.addHook('onClose', async () => mailer.close());
  const holder: Holder = { context, config: config.holder, mailer };
  // Links in e-mails point at the configured address, never at a request's Host header (which a sender chooses).
  const baseUrl = config.holder.publicUrl ?? `http://${config.host}:${config.port}`;
  const assets = holderAssets();
  const limited = addressLimit(holder);

  await app.register(async (scope) => {
    scope.setValidatorCompiler(validatorCompiler);
    scope.setSerializerCompiler(serializerCompiler);
    scope.addHook('onSend', async (_request, reply) => {
      reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
      reply.header('x-content-type-options', 'nosniff');
      reply.header('referrer-policy', 'no-referrer');
    });
    scope.get('/qr/app.js', async (_request, reply) => reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(await assets.bundle()));
    scope.get('/qr/style.css', async (_request, reply) => reply.type('text/css; charset=utf-8').header('cache-control', 'no-cache').send(await assets.css()));
    const shell = (accept: string | undefined) => holderShell(languageOf(accept));
    scope.get('/qr/account', async (request, reply) => reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(shell(request.headers['accept-language'])));
    scope.get('/qr/login', async (request, reply) => reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(shell(request.headers['accept-language'])));
    scope.get<{ Params: { qrcode: string } }>('/qr/:qrcode', { onRequest: limited }, async (request, reply) => {
      // Unknown and lost cards get the same page with the same 404: the script then says "no card here".
      const live = await liveCard(context.storage.read, request.params.qrcode).then(
        () => true,
        () => false,
      );
      return reply.status(live ? 200 : 404).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(shell(request.headers['accept-language']));
    });
    await scope.register(async (api) => holderApiRoutes(api, holder, baseUrl, limited));
  });
});
