import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { IdParams, MeltPreviewBody, MeltSet } from '@fedow/protocol';
import type { HubContext } from '../context';
import { requireAsset } from '../directory/common';
import { setMeltPolicy } from '../money/melt';
import { sweepMelts } from '../money/melt-sweep';
import { meltHistory } from '../money/melt-policies';
import { meltReport, previewMelt } from '../money/melt-report';
import { answer, errors } from './openapi';

/** Melting currency: an asset's policy, its preview and report, and the sweep on demand. */
export async function meltRoutes(app: FastifyInstance, context: HubContext): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    '/api/v1/assets/:id/melt',
    { schema: { tags: ['melt'], summary: 'An asset’s melt policy in force (null: it does not melt) and every earlier version', params: IdParams, response: { 200: answer('{policy, history}'), ...errors(404) } } },
    async (request) => {
      await requireAsset(context.storage.read, request.params.id);
      const history = (await meltHistory(context.storage.read)).get(request.params.id) ?? [];
      const last = history.at(-1);
      return { policy: last && last.rule !== null ? last : null, history };
    },
  );
  api.put(
    '/api/v1/assets/:id/melt',
    {
      schema: {
        tags: ['melt'],
        summary: 'Set an asset’s melting from now (rule null: stop it); local and time currencies only',
        params: IdParams,
        body: MeltSet,
        response: { 200: answer('the policy version'), ...errors(404) },
      },
    },
    async (request) => setMeltPolicy(context, request.params.id, request.body.rule),
  );
  api.post(
    '/api/v1/assets/:id/melt/preview',
    {
      schema: {
        tags: ['melt'],
        summary: 'What a rule would have taken over the last 12 months, from the real movements',
        params: IdParams,
        body: MeltPreviewBody,
        response: { 200: answer('{rule, from, to, taken, balances}'), ...errors(404) },
      },
      config: { roles: ['admin', 'cashdesk', 'viewer'] },
    },
    async (request) => previewMelt(context, request.params.id, request.body.rule),
  );
  api.get(
    '/api/v1/assets/:id/melt/report',
    { schema: { tags: ['melt'], summary: 'Melt revenue per month and the survival curve of top-ups over the last 12 months', params: IdParams, response: { 200: answer('{revenue, survival}'), ...errors(404) } } },
    async (request) => meltReport(context, request.params.id),
  );
  api.post(
    '/api/v1/melt/sweep',
    { schema: { tags: ['melt'], summary: 'Book every melt due now (the hub also does it periodically)', response: { 200: answer('{requests, melts, melted}') } } },
    async () => sweepMelts(context),
  );
}
