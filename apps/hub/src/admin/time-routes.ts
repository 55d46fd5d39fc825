import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ApiError, TimeBook, TimeRulesParams, TimeRulesSet } from '@fedow/protocol';
import type { HubContext } from '../context';
import { HubError } from '../errors';
import { bookPlaceDay, getTimeRules, setTimeRules } from '../money/time-spent';
import { answer } from './openapi';

/** Time spent in a place: its rules (the admin's), and the booking of a closed day on demand (the schedule books the others). */
export async function timeRoutes(app: FastifyInstance, context: HubContext): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.put(
    '/api/v1/places/:id/time-rules',
    {
      schema: {
        tags: ['time'],
        summary: 'Set how a place’s badge taps become minutes: TIM asset, accrue or debit, rounding, daily cap, closing time (UTC)',
        params: TimeRulesParams,
        body: TimeRulesSet,
        response: { 200: answer('{ place, asset, mode, roundingMinutes, dailyCapMinutes, closingTime, debounceSeconds }'), 403: ApiError, 404: ApiError, 422: ApiError },
      },
    },
    async (request) => setTimeRules(context, { ...request.body, place: request.params.id }),
  );

  api.get(
    '/api/v1/places/:id/time-rules',
    { schema: { tags: ['time'], summary: 'A place’s time rules', params: TimeRulesParams, response: { 200: answer('the rules'), 404: ApiError } } },
    async (request) => {
      const rules = await getTimeRules(context, request.params.id);
      if (!rules) throw new HubError('not_found', `place ${request.params.id} has no time rules`);
      return rules;
    },
  );

  api.post(
    '/api/v1/time-spent',
    {
      schema: {
        tags: ['time'],
        summary: 'Book a day of a place’s badge taps as minutes, by its rules (each card’s day once; a late visit adds only its minutes)',
        body: TimeBook,
        response: { 200: answer('{ days: [{ card, visits, minutes, booked, outcome }] }'), 403: ApiError, 404: ApiError, 409: ApiError },
      },
    },
    async (request) => ({ days: await bookPlaceDay(context, request.body.place, request.body.day) }),
  );
}
