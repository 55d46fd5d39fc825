/**
 * The Fedow-compatible HTTP API (issue 13): TiBillet's LaBoutik and Lespass talk
 * to the hub as they talked to the original Fedow, at its paths (trailing slash
 * included), on the hub's own port. One encapsulated scope: its body parsing and
 * error bodies are the original's, and leave the rest of the hub untouched.
 */
import { declarePlugin } from '../plugin';
import { installCompatParsing } from './http';
import { LESPASS_URL_DEFAULT } from './lespass-membership';
import { assetRoutes } from './routes-assets';
import { bootstrapRoutes } from './routes-bootstrap';
import { cardRoutes } from './routes-cards';
import { federationRoutes } from './routes-federations';
import { stripeRoutes } from './routes-stripe';
import { testPlaceRoutes } from './routes-test-places';
import { transactionRoutes } from './routes-transactions';
import { walletRoutes } from './routes-wallets';

export const compatPlugin = declarePlugin({ name: 'compat-api', dependencies: ['errors'] }, async (app, context, config) => {
  await app.register(async (scope) => {
    installCompatParsing(scope);
    bootstrapRoutes(scope, context);
    assetRoutes(scope, context);
    cardRoutes(scope, context);
    stripeRoutes(scope, context);
    walletRoutes(scope, context);
    transactionRoutes(scope, context, config.compatLespassUrl ?? LESPASS_URL_DEFAULT);
    federationRoutes(scope, context);
    testPlaceRoutes(scope, context, config.compatTestPlaces === true);
  });
});
