import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CARD_CSV_BYTES_MAX, CardImportQuery, CardParams, CardPrimaryParams, CardPrimarySet } from '@fedow/protocol';
import type { HubContext } from '../context';
import { CASHDESK_ROLES, operatorSource, optionalIdempotencyKey } from './auth';
import { answer, errors } from './openapi';
import { importCards, setPrimary, showCard } from '../directory/cards';
import { declareLost } from '../money/lost';

/** Cards: CSV import (its own scope: only there is text/csv parsed, up to CARD_CSV_BYTES_MAX), show, primary, lost. */
export async function cardRoutes(app: FastifyInstance, context: HubContext): Promise<void> {
  await app.register(async (scope) => {
    scope.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: CARD_CSV_BYTES_MAX }, (_request, body, done) => done(null, body));
    scope.withTypeProvider<ZodTypeProvider>().post(
      '/api/v1/cards/import',
      {
        bodyLimit: CARD_CSV_BYTES_MAX,
        schema: {
          tags: ['cards'],
          summary: 'Import a factory CSV (qr_url,number,tag_id): all cards or none',
          consumes: ['text/csv'],
          querystring: CardImportQuery,
          body: z.string(),
          response: { 201: answer('the batch: {id, place, generation, imported, primary, headerSkipped}'), ...errors(404, 409) },
        },
      },
      async (request, reply) => reply.status(201).send(await importCards(context, request.body, request.query)),
    );
  });

  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get('/api/v1/cards/:tag', { schema: { tags: ['cards'], summary: 'A card by UID, first tag id, printed number or QR code UUID', params: CardParams, response: { 200: answer('the card, its wallet, balances and state'), ...errors(404) } } }, async (request) =>
    showCard(context, request.params.tag),
  );
  api.post('/api/v1/cards/:tag/primary', { schema: { tags: ['cards'], summary: 'Make a card a cashier (primary) card of a place', params: CardParams, body: CardPrimarySet, response: { 200: answer('the card'), ...errors(404, 422) } } }, async (request) =>
    setPrimary(context, { tag: request.params.tag, place: request.body.place, primary: true }),
  );
  api.delete('/api/v1/cards/:tag/primary/:place', { schema: { tags: ['cards'], summary: 'Stop a card being a cashier card of a place', params: CardPrimaryParams, response: { 200: answer('the card'), ...errors(404) } } }, async (request) =>
    setPrimary(context, { tag: request.params.tag, place: request.params.place, primary: false }),
  );
  api.post('/api/v1/cards/:tag/lost', { schema: { tags: ['cards'], summary: 'Declare a card lost: refused everywhere, its money kept', params: CardParams, response: { 200: answer('the card'), ...errors(404, 409) } }, config: { roles: CASHDESK_ROLES } }, async (request) =>
    declareLost(context, request.params.tag, operatorSource(request), optionalIdempotencyKey(request)),
  );
}

