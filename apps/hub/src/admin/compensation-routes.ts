import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  ApiError,
  CompensationCreate,
  CompensationListQuery,
  CompensationParams,
  CompensationSepaCreate,
  CompensationStatementParams,
  CompensationStatementQuery,
  RequestOutcome,
} from '@fedow/protocol';
import type { SepaAccountSetting } from '../config';
import type { HubContext } from '../context';
import { languageOf } from '../dashboard/html';
import { HubError } from '../errors';
import { compensate } from '../money/compensation';
import { compensationSepaFile } from '../money/compensation-sepa';
import { listRuns, loadRun, statementCsv, statementHtml } from '../money/compensation-statement';
import { appliedOrThrow } from '../money/submit';
import { answer } from './openapi';

/** Runs listed by GET /api/v1/compensations: the latest. */
const RUNS_LISTED_MAX = 100;

/**
 * Place ↔ place compensation: a run per federation and closed period (booked
 * once, whoever asks), its statements per place, and the federation's SEPA file.
 * Running and exporting are the admin's; every operator may read.
 */
export async function compensationRoutes(app: FastifyInstance, context: HubContext, sepa: SepaAccountSetting): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.post(
    '/api/v1/compensations',
    {
      schema: {
        tags: ['compensation'],
        summary: 'Compensate a federation over a closed period: claims back to their issuers, net positions settled (CMP); the same period again answers the first run',
        body: CompensationCreate,
        response: { 200: RequestOutcome, 201: RequestOutcome, 403: ApiError, 404: ApiError, 409: ApiError, 422: ApiError },
      },
    },
    async (request, reply) => {
      const outcome = appliedOrThrow(await compensate(context, request.body));
      return reply.status(outcome.replayed ? 200 : 201).send(outcome);
    },
  );

  api.get(
    '/api/v1/compensations',
    {
      schema: {
        tags: ['compensation'],
        summary: 'The latest compensation runs, with their claims and payments',
        querystring: CompensationListQuery,
        response: { 200: answer('{ runs: [{ request, federation, from, to, bookedAt, unit, parties, claims, payments }] }') },
      },
    },
    async (request) => ({ runs: await listRuns(context, request.query.federation ?? null, RUNS_LISTED_MAX) }),
  );

  api.get(
    '/api/v1/compensations/:id',
    {
      schema: {
        tags: ['compensation'],
        summary: 'One compensation run: its claims (holder, issuer, asset, amount) and settlement payments',
        params: CompensationParams,
        response: { 200: answer('{ request, federation, from, to, bookedAt, unit, parties, claims, payments }'), 404: ApiError, 409: ApiError },
      },
    },
    async (request) => loadRun(context, request.params.id),
  );

  api.get(
    '/api/v1/compensations/:id/statements/:place',
    {
      schema: {
        tags: ['compensation'],
        summary: 'A place’s statement of a run, as printable HTML (French or English) or CSV',
        params: CompensationStatementParams,
        querystring: CompensationStatementQuery,
        response: { 200: z.string().describe('text/html or text/csv'), 404: ApiError, 409: ApiError },
      },
    },
    async (request, reply) => {
      const run = await loadRun(context, request.params.id);
      const party = run.parties.find((candidate) => candidate.place === request.params.place);
      if (!party) throw new HubError('not_found', `place ${request.params.place} has no line in run ${run.request}`);
      const csv = request.query.format === 'csv';
      const text = csv ? statementCsv(run, party.wallet) : statementHtml(run, party.wallet, request.query.lang ?? languageOf(request.headers['accept-language']));
      return reply
        .type(csv ? 'text/csv; charset=utf-8' : 'text/html; charset=utf-8')
        .header('content-disposition', `${csv ? 'attachment' : 'inline'}; filename="fedow-compensation-${run.to.slice(0, 10)}-${party.place}.${csv ? 'csv' : 'html'}"`)
        // The text as it is: the route's schema serializer would quote it as a JSON string.
        .serializer((payload) => String(payload))
        .send(text);
    },
  );

  api.post(
    '/api/v1/compensations/:id/sepa',
    {
      schema: {
        tags: ['compensation'],
        summary: 'The federation’s pain.001.001.03 file paying the places it owes in a run (their IBANs given in the body)',
        description: 'Answered as application/xml. Needs FEDOW_SEPA_NAME, FEDOW_SEPA_IBAN and FEDOW_SEPA_BIC (the federation’s account): without them, 409 not_configured.',
        params: CompensationParams,
        body: CompensationSepaCreate,
        response: { 200: z.string().describe('the pain.001.001.03 XML document, as application/xml'), 403: ApiError, 404: ApiError, 409: ApiError },
      },
    },
    async (request, reply) => {
      const run = await loadRun(context, request.params.id);
      const { file } = await compensationSepaFile(context, run, request.body.accounts, sepa);
      return reply
        .type('application/xml; charset=utf-8')
        .header('content-disposition', `attachment; filename="fedow-compensation-${run.to.slice(0, 10)}.xml"`)
        .serializer((payload) => String(payload))
        .send(file);
    },
  );
}
