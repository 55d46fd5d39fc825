import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DepositCreate, PayoutBatchCreate, PayoutParams } from '@fedow/protocol';
import type { SepaAccountSetting } from '../config';
import { deposit } from '../money/deposit';
import { approvePayouts, exportBatch, listBatches, listPayoutViews, markBatchSent, refusePayout, showBatch } from '../money/payouts';
import { sepaDebtor } from '../money/sepa';
import { appliedOrThrow } from '../money/submit';
import { dashboardOperator, type Dashboard } from './access';
import type { PayoutsPage } from './views';

/** Batches the screen shows: the latest. */
const BATCHES_SHOWN_MAX = 20;

/** The page sends a fresh key per click: a double click or a retry after a lost answer books once. */
const Keyed = z.strictObject({ key: z.string().min(1).max(255) });

/**
 * The payouts screen's JSON and writes (admin only), on the same services as the
 * admin API: approve, export, mark sent, refuse; a place's bank deposit.
 */
export async function payoutApiRoutes(app: FastifyInstance, dashboard: Dashboard, sepa: SepaAccountSetting): Promise<void> {
  const { context } = dashboard;
  const api = app.withTypeProvider<ZodTypeProvider>();
  const admin = (request: Parameters<typeof dashboardOperator>[1]) => dashboardOperator(dashboard, request, ['admin']);

  api.get('/dashboard/api/payouts', async (): Promise<PayoutsPage> => {
    const batches = await Promise.all((await listBatches(context, BATCHES_SHOWN_MAX)).map((batch) => showBatch(context, batch.id)));
    return { requested: await listPayoutViews(context, 'requested'), batches, sepaReady: ready(sepa) };
  });

  api.post('/dashboard/api/payout-batches', { schema: { body: PayoutBatchCreate } }, async (request, reply) => {
    const source = await admin(request);
    const batch = await approvePayouts(context, source.kind === 'operator' ? source.name : 'dashboard', request.body.payouts);
    dashboard.stream.changed(['money']);
    return reply.status(201).send(batch);
  });

  api.get('/dashboard/api/payout-batches/:id/sepa', { schema: { params: PayoutParams } }, async (request, reply) => {
    await admin(request);
    const { file, batch } = await exportBatch(context, request.params.id, sepa);
    dashboard.stream.changed(['money']);
    return reply.type('application/xml; charset=utf-8').header('content-disposition', `attachment; filename="fedow-payouts-${batch}.xml"`).send(file);
  });

  api.post('/dashboard/api/payout-batches/:id/sent', { schema: { params: PayoutParams, body: Keyed } }, async (request) => {
    const outcome = appliedOrThrow(await markBatchSent(context, { batch: request.params.id, source: await admin(request), idempotencyKey: request.body.key }));
    dashboard.stream.changed(['money']);
    return outcome;
  });

  api.post('/dashboard/api/payouts/:id/refuse', { schema: { params: PayoutParams } }, async (request) => {
    await admin(request);
    const payout = await refusePayout(context, request.params.id);
    dashboard.stream.changed(['money']);
    return payout;
  });

  api.post('/dashboard/api/deposits', { schema: { body: DepositCreate.extend({ key: Keyed.shape.key }) } }, async (request, reply) => {
    const { key, ...body } = request.body;
    const outcome = appliedOrThrow(await deposit(context, { ...body, source: await admin(request), idempotencyKey: key }));
    dashboard.stream.changed(['money']);
    return reply.status(outcome.replayed ? 200 : 201).send(outcome);
  });
}

function ready(sepa: SepaAccountSetting): boolean {
  try {
    sepaDebtor(sepa);
    return true;
  } catch {
    return false;
  }
}
