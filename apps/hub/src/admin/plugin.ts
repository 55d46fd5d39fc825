import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { declarePlugin } from '../plugin';
import { requireOperator } from './auth';
import { cardRoutes } from './card-routes';
import { compensationRoutes } from './compensation-routes';
import { directoryRoutes } from './directory-routes';
import { meltRoutes } from './melt-routes';
import { moneyRoutes } from './money-routes';
import { documentRoute } from './openapi';
import { operatorRoutes } from './operator-routes';
import { pairRoutes } from './pair-routes';
import { payoutRoutes } from './payout-routes';
import { paymentRoutes } from './payment-routes';
import { terminalRoutes } from './terminal-routes';
import { timeRoutes } from './time-routes';
import { reportRoutes } from '../reports/routes';
import { shiftRoutes } from '../shifts/routes';
import { userRoutes } from './user-routes';
import { webhookRoutes } from './webhook-routes';
import { walletRequestRoutes } from './wallet-routes';

/**
 * The pairing endpoint (public) and the admin API under /api/v1 (operator token),
 * validated by the zod schemas of @fedow/protocol, documented at /api/docs. One
 * encapsulated scope: the zod compilers and the docs cover these routes only.
 */
export const adminPlugin = declarePlugin({ name: 'admin-api', dependencies: ['errors'] }, async (app, context, config) => {
  await app.register(async (scope) => {
    scope.setValidatorCompiler(validatorCompiler);
    scope.setSerializerCompiler(serializerCompiler);
    await scope.register(swagger, {
      openapi: {
        info: { title: 'Fedow hub admin API', version: '1' },
        components: { securitySchemes: { operator: { type: 'http', scheme: 'bearer' } } },
        security: [{ operator: [] }],
      },
      transform: jsonSchemaTransform,
    });
    // The UI's own static files, from the package: no CDN, works on an offline hub.
    await scope.register(swaggerUi, { routePrefix: '/api/docs' });
    scope.addHook('onRoute', documentRoute);
    await scope.register(async (open) => pairRoutes(open, context));
    await scope.register(async (open) => walletRequestRoutes(open, context));
    await scope.register(async (operator) => {
      requireOperator(operator, context);
      await directoryRoutes(operator, context);
      await cardRoutes(operator, context);
      await terminalRoutes(operator, context);
      await reportRoutes(operator, context);
      await shiftRoutes(operator, context);
      await moneyRoutes(operator, context);
      await meltRoutes(operator, context);
      await paymentRoutes(operator, context);
      await userRoutes(operator, context);
      await operatorRoutes(operator, context);
      await payoutRoutes(operator, context, config.sepa);
      await compensationRoutes(operator, context, config.sepa);
      await timeRoutes(operator, context);
      await webhookRoutes(operator, context);
    });
  });
});
