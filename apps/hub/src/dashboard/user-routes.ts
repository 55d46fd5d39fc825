import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { CardLink, CardParams, CardReplace, UserHistoryQuery, UserParams, UsersQuery } from '@fedow/protocol';
import { CASHDESK_ROLES, idempotencyKey } from '../admin/auth';
import { linkCard, replaceCard } from '../money/cards';
import { appliedOrThrow } from '../money/submit';
import { listUsers, showUser } from '../money/users';
import { dashboardOperator, type Dashboard } from './access';
import { cardPage, cardSearchKey } from './ledger-views';

/**
 * The users section and the card page's link and replace actions. Link and
 * replace are requests of the signed-in operator (cashdesk or admin) on the one
 * path; the page sends a fresh Idempotency-Key per click, so a double click or a
 * network retry of the same click moves nothing twice.
 */
export async function userApiRoutes(app: FastifyInstance, dashboard: Dashboard): Promise<void> {
  const { context } = dashboard;
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get('/dashboard/api/users', { schema: { querystring: UsersQuery } }, async (request) => listUsers(context, request.query));
  api.get('/dashboard/api/users/:email', { schema: { params: UserParams, querystring: UserHistoryQuery } }, async (request) =>
    showUser(context, request.params.email, request.query),
  );

  api.post('/dashboard/api/cards/:tag/link', { schema: { params: CardParams, body: CardLink } }, async (request) => {
    const source = await dashboardOperator(dashboard, request, CASHDESK_ROLES);
    appliedOrThrow(await linkCard(context, { source, idempotencyKey: idempotencyKey(request), card: request.params.tag, email: request.body.email }));
    return cardPage(context, request.params.tag);
  });
  api.post('/dashboard/api/cards/:tag/replace', { schema: { params: CardParams, body: CardReplace } }, async (request) => {
    const source = await dashboardOperator(dashboard, request, CASHDESK_ROLES);
    // The new card may be scanned: its QR code's URL ends with its UUID.
    const by = cardSearchKey(request.body.by);
    appliedOrThrow(await replaceCard(context, { source, idempotencyKey: idempotencyKey(request), lost: request.params.tag, by }));
    // The new card's page: that is where the money went.
    return cardPage(context, by);
  });
}
