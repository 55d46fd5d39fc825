import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AMOUNT_MAX, Uuid, UuidInput } from '@fedow/protocol';
import { answer, errors } from '../admin/openapi';
import type { HubContext } from '../context';
import { shiftsCsv, shiftsReport, setShiftAlertThreshold } from './report';

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a day is written YYYY-MM-DD');

export const ShiftsQuery = z.strictObject({
  from: Day.optional(),
  to: Day.optional(),
  place: Uuid.optional(),
  format: z.enum(['json', 'csv']).default('json'),
});

const ThresholdBody = z.strictObject({ threshold: z.number().int().min(0).max(AMOUNT_MAX).nullable() });

/** The report as JSON, or as a CSV download named after its range (admin API and dashboard). */
export async function answerShifts(context: HubContext, query: z.infer<typeof ShiftsQuery>, reply: { header(name: string, value: string): unknown; type(type: string): unknown }) {
  const { format, ...range } = query;
  const report = await shiftsReport(context, range);
  if (format === 'json') return report;
  reply.type('text/csv; charset=utf-8');
  reply.header('content-disposition', `attachment; filename="shifts${range.from ? `-${range.from}-${range.to}` : ''}.csv"`);
  return shiftsCsv(report);
}

/** The cashier shifts report and each place's alert threshold, on the admin API. */
export async function shiftRoutes(app: FastifyInstance, context: HubContext): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    '/api/v1/reports/shifts',
    {
      schema: {
        tags: ['reports'],
        summary: 'Cashier shifts: float, expected cash (from the ledger), counted cash, difference and alert (JSON or CSV)',
        querystring: ShiftsQuery,
        response: { 200: answer('{from, to, place, shifts: [...], thresholds}; text/csv with format=csv'), ...errors(400) },
      },
    },
    async (request, reply) => answerShifts(context, request.query, reply),
  );
  api.put(
    '/api/v1/places/:id/shift-alert',
    {
      schema: {
        tags: ['places'],
        summary: 'Set the cash difference (cents) beyond which a closed shift of this place raises an alert; null for the default',
        params: z.strictObject({ id: UuidInput }),
        body: ThresholdBody,
        response: { 200: answer('{place, threshold, default}'), ...errors(404) },
      },
    },
    async (request) => setShiftAlertThreshold(context, request.params.id, request.body.threshold),
  );
}
