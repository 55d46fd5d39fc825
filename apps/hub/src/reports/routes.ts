import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Uuid } from '@fedow/protocol';
import { answer } from '../admin/openapi';
import type { HubContext } from '../context';
import * as repo from '../storage/repo';
import { turnoverCsv } from './csv';
import { turnoverReport, type TurnoverRange } from './turnover';

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a day is written YYYY-MM-DD');

export const TurnoverQuery = z.strictObject({
  from: Day,
  to: Day,
  place: Uuid.optional(),
  format: z.enum(['json', 'csv']).default('json'),
});

/** The report as JSON, or as a CSV download named after its range. */
export async function answerTurnover(context: HubContext, query: z.infer<typeof TurnoverQuery>, reply: { header(name: string, value: string): unknown; type(type: string): unknown }) {
  const range: TurnoverRange = { from: query.from, to: query.to, ...(query.place === undefined ? {} : { place: query.place }) };
  const report = await turnoverReport(context, range);
  if (query.format === 'json') return report;
  const assets = await repo.getAssets(context.storage.read, [...new Set(report.lines.map((line) => line.asset))]);
  reply.type('text/csv; charset=utf-8');
  reply.header('content-disposition', `attachment; filename="turnover-${query.from}-${query.to}.csv"`);
  return turnoverCsv(report, assets);
}

/** The operators' reports on the admin API. */
export async function reportRoutes(app: FastifyInstance, context: HubContext): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    '/api/v1/reports/turnover',
    {
      schema: {
        tags: ['reports'],
        summary: 'Sales, top-ups, refunds and memberships per day, place, till, cashier card, asset and payment method (JSON or CSV)',
        querystring: TurnoverQuery,
        response: { 200: answer('{from, to, place, lines: [...], names: {places, tills}}; text/csv with format=csv') },
      },
    },
    async (request, reply) => answerTurnover(context, request.query, reply),
  );
}
