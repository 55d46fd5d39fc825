import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AMOUNT_MAX, UserParams } from '@fedow/protocol';
import type { HolderConfig } from '../config';
import { notFound } from '../directory/common';
import { payoutsOpen, setPayoutsOpen, setTransferSettings } from '../holder/account';
import { transferSettings } from '../holder/transfers';
import * as repo from '../storage/repo';
import { dashboardOperator, type Dashboard } from './access';

/**
 * The card holders' page as operators steer it: a user's transfers blocked or
 * limited per day, and payouts of leftovers opened (after the event). Reads for
 * every role; changes for admins only.
 */
export async function holderSettingsRoutes(app: FastifyInstance, dashboard: Dashboard, config: HolderConfig): Promise<void> {
  const { context } = dashboard;
  const holder = { context, config, mailer: null };
  const api = app.withTypeProvider<ZodTypeProvider>();
  const userOf = async (email: string) => {
    const user = await repo.getUserByEmail(context.storage.read, email.trim().toLowerCase());
    if (!user) throw notFound('user', email);
    return user;
  };

  api.get('/dashboard/api/holder', async () => ({ payoutsOpen: await payoutsOpen(holder), email: config.smtpUrl !== null, defaultDailyMax: config.transferDailyMax }));
  api.put('/dashboard/api/holder', { schema: { body: z.strictObject({ payoutsOpen: z.boolean() }) } }, async (request) => {
    await dashboardOperator(dashboard, request);
    await setPayoutsOpen(holder, request.body.payoutsOpen);
    return { payoutsOpen: request.body.payoutsOpen };
  });
  api.get('/dashboard/api/users/:email/transfers', { schema: { params: UserParams } }, async (request) => {
    const user = await userOf(request.params.email);
    return { ...(await transferSettings(context.storage.read, holder, user.id)), defaultDailyMax: config.transferDailyMax };
  });
  api.put(
    '/dashboard/api/users/:email/transfers',
    { schema: { params: UserParams, body: z.strictObject({ blocked: z.boolean(), dailyMax: z.number().int().min(0).max(AMOUNT_MAX).nullable() }) } },
    async (request) => {
      await dashboardOperator(dashboard, request);
      const user = await userOf(request.params.email);
      await setTransferSettings(holder, user.id, request.body);
      return { ...(await transferSettings(context.storage.read, holder, user.id)), defaultDailyMax: config.transferDailyMax };
    },
  );
}
