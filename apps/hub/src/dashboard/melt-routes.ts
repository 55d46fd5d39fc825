import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { IdParams, MELT_CATEGORIES, MeltPreviewBody, MeltSet, type MeltPolicy } from '@fedow/protocol';
import { setMeltPolicy } from '../money/melt';
import { meltHistory } from '../money/melt-policies';
import { meltReport, type MeltReport } from '../money/melt-report';
import { previewMelt } from '../money/melt-report';
import * as repo from '../storage/repo';
import { dashboardOperator, type Dashboard } from './access';

/** One asset that may melt, as the melting screen shows it. */
export interface MeltAssetView {
  asset: string;
  policy: MeltPolicy | null;
  report: MeltReport;
}

/** The melting screen's JSON: each local and time currency with its rule, revenue and survival curve; setting a rule (admin). */
export async function meltApiRoutes(app: FastifyInstance, dashboard: Dashboard): Promise<void> {
  const { context } = dashboard;
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get('/dashboard/api/melt', async (): Promise<{ assets: MeltAssetView[] }> => {
    const history = await meltHistory(context.storage.read);
    const assets = (await repo.listAssets(context.storage.read)).filter((asset) => !asset.archived && (MELT_CATEGORIES as readonly string[]).includes(asset.category));
    const views: MeltAssetView[] = [];
    for (const asset of assets) {
      const last = history.get(asset.id)?.at(-1);
      views.push({ asset: asset.id, policy: last && last.rule !== null ? last : null, report: await meltReport(context, asset.id) });
    }
    return { assets: views };
  });

  api.post('/dashboard/api/melt/:id/preview', { schema: { params: IdParams, body: MeltPreviewBody } }, async (request) => previewMelt(context, request.params.id, request.body.rule));

  api.put('/dashboard/api/melt/:id', { schema: { params: IdParams, body: MeltSet } }, async (request) => {
    await dashboardOperator(dashboard, request, ['admin']);
    const policy = await setMeltPolicy(context, request.params.id, request.body.rule);
    dashboard.stream.changed(['money']);
    return policy;
  });
}
