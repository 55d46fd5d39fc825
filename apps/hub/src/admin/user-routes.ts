import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ApiError, CardLink, CardLinkOutcome, CardParams, CardReplace, UserCreate, UserCreated, UserHistoryQuery, UserList, UserParams, UsersQuery, UserView } from '@fedow/protocol';
import type { HubContext } from '../context';
import { linkCard, replaceCard } from '../money/cards';
import { appliedOrThrow } from '../money/submit';
import { findOrCreateUser, listUsers, showUser } from '../money/users';
import { CASHDESK_ROLES, idempotencyKey, operatorSource } from './auth';
import { IdempotencyHeaders } from './money-routes';

/** Users by e-mail, and the cards that join them: linking (FUS) and replacing a lost card, on the one path. */
export async function userRoutes(app: FastifyInstance, context: HubContext): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.post(
    '/api/v1/users',
    {
      schema: {
        tags: ['users'],
        summary: 'Find or create a user by e-mail (lower-cased), with its user wallet',
        body: UserCreate,
        response: { 200: UserCreated, 201: UserCreated, 400: ApiError, 403: ApiError },
      },
      config: { roles: CASHDESK_ROLES },
    },
    async (request, reply) => {
      const user = await findOrCreateUser(context, request.body.email);
      return reply.status(user.created ? 201 : 200).send(user);
    },
  );
  api.get(
    '/api/v1/users',
    { schema: { tags: ['users'], summary: 'Users by e-mail, a page at a time (search: part of the e-mail; after: the last e-mail of the previous page)', querystring: UsersQuery, response: { 200: UserList, 400: ApiError } } },
    async (request) => listUsers(context, request.query),
  );
  api.get(
    '/api/v1/users/:email',
    {
      schema: {
        tags: ['users'],
        summary: 'A user with wallets, cards, balances, memberships and a page of history (newest first; before: a seq)',
        params: UserParams,
        querystring: UserHistoryQuery,
        response: { 200: UserView, 400: ApiError, 404: ApiError },
      },
    },
    async (request) => showUser(context, request.params.email, request.query),
  );
  api.post(
    '/api/v1/cards/:tag/link',
    {
      schema: {
        tags: ['cards', 'users'],
        summary: 'Link a card to a user by e-mail (created if new): its balances move to the user (FUS); a card in debt is refused',
        params: CardParams,
        headers: IdempotencyHeaders,
        body: CardLink,
        response: { 200: CardLinkOutcome, 201: CardLinkOutcome, 400: ApiError, 403: ApiError, 404: ApiError, 409: ApiError, 422: ApiError },
      },
      config: { roles: CASHDESK_ROLES },
    },
    async (request, reply) => {
      const key = idempotencyKey(request);
      const outcome = await linkCard(context, { source: operatorSource(request), idempotencyKey: key, card: request.params.tag, email: request.body.email });
      appliedOrThrow(outcome);
      return reply.status(outcome.replayed ? 200 : 201).send(outcome);
    },
  );
  api.post(
    '/api/v1/cards/:tag/replace',
    {
      schema: {
        tags: ['cards', 'users'],
        summary: 'Carry a lost card’s money to another card (by tag, printed number or QR code); declares the lost card lost',
        params: CardParams,
        headers: IdempotencyHeaders,
        body: CardReplace,
        response: { 200: CardLinkOutcome, 201: CardLinkOutcome, 400: ApiError, 403: ApiError, 404: ApiError, 409: ApiError, 422: ApiError },
      },
      config: { roles: CASHDESK_ROLES },
    },
    async (request, reply) => {
      const key = idempotencyKey(request);
      const outcome = await replaceCard(context, { source: operatorSource(request), idempotencyKey: key, lost: request.params.tag, by: request.body.by });
      appliedOrThrow(outcome);
      return reply.status(outcome.replayed ? 200 : 201).send(outcome);
    },
  );
}
