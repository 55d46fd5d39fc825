import { WEBHOOK_BODY_BYTES_MAX } from '@fedow/protocol';
import { handleStripeNotification } from '../money/providers/stripe-notifications';
import { declarePlugin } from '../plugin';

/**
 * Payment providers' notifications: public routes, authenticated by the
 * provider's signature over the exact bytes received. Their own encapsulated
 * scope keeps the raw body as a Buffer (the rest of the hub parses JSON) and
 * limits it to WEBHOOK_BODY_BYTES_MAX.
 */
export const webhooksPlugin = declarePlugin({ name: 'payment-webhooks', dependencies: ['errors'] }, async (app, context) => {
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_BYTES_MAX }, (_request, body, done) => done(null, body));
    scope.post('/webhooks/stripe', { bodyLimit: WEBHOOK_BODY_BYTES_MAX }, async (request) => {
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const signature = request.headers['stripe-signature'];
      return handleStripeNotification(context, raw, typeof signature === 'string' ? signature : undefined);
    });
  });
});
