import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CardParams, PairingCodeCreate, Uuid } from '@fedow/protocol';
import { setPrimary } from '../directory/cards';
import { declareLost } from '../money/lost';
import { createPairingCode } from '../directory/terminals';
import { HubError } from '../errors';
import * as repo from '../storage/repo';
import { ADMIN_ROLES, CASHDESK_ROLES } from '../admin/auth';
import { dashboardOperator, signedInOperator, type Dashboard } from './access';
import { alertList, maxOfflineSale } from './alerts';
import { compensationApiRoutes } from './compensation-api';
import { cardPage, chainReport, ENTRIES_SHOWN_MAX, entryRows } from './ledger-views';
import { assetInfo, moneyReport } from './money';
import { STREAMS_MAX } from './stream';
import { tillRows } from './tills';
import { answerTurnover, TurnoverQuery } from '../reports/routes';
import { answerShifts, ShiftsQuery } from '../shifts/routes';
import type { Meta, Overview } from './views';

/** A QR code's URL is longer than a tag: the search box takes up to this. */
const SEARCH_CHARS_MAX = 512;

const EntriesQuery = z.strictObject({
  ids: z.string().max(ENTRIES_SHOWN_MAX * 37).optional(),
  terminal: Uuid.optional(),
});

/** The JSON the page reads and the few writes it makes, behind the session check of plugin.ts. */
export async function apiRoutes(app: FastifyInstance, dashboard: Dashboard): Promise<void> {
  const { context } = dashboard;
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get('/dashboard/api/events', async (request, reply) => {
    if (dashboard.stream.size >= STREAMS_MAX) throw new HubError('rate_limited', 'too many open dashboards', 503);
    reply.hijack();
    dashboard.stream.attach(reply.raw);
    request.raw.on('close', () => reply.raw.end());
  });

  api.get('/dashboard/api/meta', async (request): Promise<Meta> => {
    const tx = context.storage.read;
    const operator = await signedInOperator(dashboard, request);
    if (!operator) throw new HubError('unauthorized', 'sign in again');
    return {
      operator,
      places: (await repo.listPlaces(tx)).map((place) => ({ id: place.id, name: place.name, maxOfflineSale: maxOfflineSale(place) })),
      assets: (await repo.listAssets(tx)).map(assetInfo),
      hub: context.key.publicKey,
      now: context.clock.now().toISOString(),
      stripe: context.stripe !== null,
    };
  });

  api.get('/dashboard/api/overview', async (): Promise<Overview> => ({
    tills: await tillRows(context, dashboard.memory),
    alerts: await alertList(context),
    now: context.clock.now().toISOString(),
  }));

  api.get('/dashboard/api/money', async () => moneyReport(context));
  await compensationApiRoutes(app, dashboard);
  api.get('/dashboard/api/reports/turnover', { schema: { querystring: TurnoverQuery } }, async (request, reply) => answerTurnover(context, request.query, reply));
  api.get('/dashboard/api/reports/shifts', { schema: { querystring: ShiftsQuery } }, async (request, reply) => answerShifts(context, request.query, reply));
  api.get('/dashboard/api/chain', async () => chainReport(context, dashboard.verify.running));

  api.post('/dashboard/api/verify', async (request, reply) => {
    await dashboardOperator(dashboard, request, ADMIN_ROLES);
    if (!dashboard.verify.start()) throw new HubError('conflict', 'a verification is already running');
    dashboard.stream.changed(['chain']);
    return reply.status(202).send({ started: true });
  });

  api.get('/dashboard/api/entries', { schema: { querystring: EntriesQuery } }, async (request) => {
    const { ids, terminal } = request.query;
    if (terminal !== undefined) return { entries: await entryRows(context, { terminal }) };
    const list = (ids ?? '').split(',').filter((id) => Uuid.safeParse(id).success);
    return { entries: await entryRows(context, { ids: list }) };
  });

  api.get('/dashboard/api/card', { schema: { querystring: z.strictObject({ q: z.string().trim().min(1).max(SEARCH_CHARS_MAX) }) } }, async (request) =>
    cardPage(context, request.query.q),
  );
  api.post('/dashboard/api/cards/:tag/lost', { schema: { params: CardParams } }, async (request) => {
    await declareLost(context, request.params.tag, await dashboardOperator(dashboard, request, CASHDESK_ROLES));
    return cardPage(context, request.params.tag);
  });
  api.post('/dashboard/api/cards/:tag/primary', { schema: { params: CardParams, body: z.strictObject({ place: Uuid, primary: z.boolean() }) } }, async (request) => {
    await dashboardOperator(dashboard, request, ADMIN_ROLES);
    await setPrimary(context, { tag: request.params.tag, place: request.body.place, primary: request.body.primary });
    return cardPage(context, request.params.tag);
  });

  api.post('/dashboard/api/pairing-codes', { schema: { body: PairingCodeCreate } }, async (request, reply) => {
    await dashboardOperator(dashboard, request, ADMIN_ROLES);
    return reply.status(201).send(await createPairingCode(context, request.body));
  });
}
