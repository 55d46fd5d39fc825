import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { HubError } from '../errors';
import { declarePlugin } from '../plugin';
import { sameOrigin, signedIn, type Dashboard } from './access';
import { apiRoutes } from './api-routes';
import { dashboardAssets } from './assets';
import { CONTENT_SECURITY_POLICY, languageOf, shellPage } from './html';
import { loginRoutes } from './login-routes';
import { paymentActions } from './payment-routes';
import { pairingRoutes } from './pairing-routes';
import { setupRoutes } from './setup-routes';
import { cardImportRoutes } from './card-import';
import { operatorRoutes } from './operator-routes';
import { meltApiRoutes } from './melt-routes';
import { payoutApiRoutes } from './payout-routes';
import { DashboardSessions } from './sessions';
import { DashboardStream } from './stream';
import { TillMemory } from './tills';
import { userApiRoutes } from './user-routes';
import { holderSettingsRoutes } from './holder-routes';
import { VerifyRunner } from './verify-runner';
import { webhookApiRoutes } from './webhook-routes';

/**
 * The operator dashboard at /dashboard (and / redirects there): a login with the
 * operator token, one page bundled from web/*.ts, a JSON API under /dashboard/api
 * and a server-sent event stream. Everything it changes goes through the directory
 * services, so card_changes, events and pushes to tills happen as for the admin API.
 */
export const dashboardPlugin = declarePlugin({ name: 'dashboard', dependencies: ['errors'] }, async (app, context, config) => {
  const memory = new TillMemory();
  const stream = new DashboardStream(context, memory);
  const dashboard: Dashboard = { context, sessions: new DashboardSessions(context.clock), stream, verify: new VerifyRunner(context, stream), memory };
  const assets = dashboardAssets();
  app.addHook('preClose', async () => {
    stream.close();
    await dashboard.verify.idle();
  });

  await app.register(async (scope) => {
    scope.setValidatorCompiler(validatorCompiler);
    scope.setSerializerCompiler(serializerCompiler);
    scope.addHook('onSend', async (_request, reply) => {
      reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
      reply.header('x-content-type-options', 'nosniff');
      // same-origin, not no-referrer: with no-referrer a form's POST carries `Origin: null`.
      reply.header('referrer-policy', 'same-origin');
    });
    scope.get('/', async (_request, reply) => reply.redirect('/dashboard', 302));
    scope.get('/dashboard/app.js', async (_request, reply) => reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(await assets.bundle()));
    scope.get('/dashboard/style.css', async (_request, reply) => reply.type('text/css; charset=utf-8').header('cache-control', 'no-cache').send(await assets.css()));
    scope.get('/dashboard', async (request, reply) => {
      if (!(await signedIn(dashboard, request))) return reply.redirect('/dashboard/login', 303);
      return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(shellPage(languageOf(request.headers['accept-language'])));
    });
    await scope.register(async (login) => loginRoutes(login, dashboard));
    await scope.register(async (api) => {
      api.addHook('onRequest', async (request) => {
        if (!(await signedIn(dashboard, request))) throw new HubError('unauthorized', 'log in to the dashboard first');
        sameOrigin(request);
      });
      await apiRoutes(api, dashboard);
      await paymentActions(api, dashboard);
      await userApiRoutes(api, dashboard);
      await operatorRoutes(api, dashboard);
      await payoutApiRoutes(api, dashboard, config.sepa);
      await webhookApiRoutes(api, dashboard);
      await holderSettingsRoutes(api, dashboard, config.holder);
      await meltApiRoutes(api, dashboard);
      await pairingRoutes(api, dashboard, config);
      await setupRoutes(api, dashboard);
      await cardImportRoutes(api, dashboard);
    });
  });
});
