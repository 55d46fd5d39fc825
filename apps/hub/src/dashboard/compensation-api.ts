import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { CompensationListQuery, CompensationStatementParams, CompensationStatementQuery } from '@fedow/protocol';
import { HubError } from '../errors';
import { claimMatrix, listRuns, loadRun, netOf, statementCsv, statementHtml, type RunView } from '../money/compensation-statement';
import type { Dashboard } from './access';
import { languageOf } from './html';

/** Runs the dashboard lists: a year of monthly runs. */
const RUNS_SHOWN_MAX = 12;

/** A run as the dashboard draws it: the matrix of gross claims, each party's net position, the payments. */
export interface CompensationRunView extends RunView {
  matrix: { holder: string; issuer: string; amount: number }[];
  net: { wallet: string; amount: number }[];
}

function withMatrix(run: RunView): CompensationRunView {
  const matrix = [...claimMatrix(run)].flatMap(([holder, row]) => [...row].map(([issuer, amount]) => ({ holder, issuer, amount })));
  return { ...run, matrix, net: run.parties.map((party) => ({ wallet: party.wallet, amount: netOf(run, party.wallet) })) };
}

/** Compensation runs for the page, and a place's statement behind the dashboard's session. */
export async function compensationApiRoutes(app: FastifyInstance, dashboard: Dashboard): Promise<void> {
  const { context } = dashboard;
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get('/dashboard/api/compensations', { schema: { querystring: CompensationListQuery } }, async (request) => ({
    runs: (await listRuns(context, request.query.federation ?? null, RUNS_SHOWN_MAX)).map(withMatrix),
  }));

  api.get('/dashboard/api/compensations/:id/statements/:place', { schema: { params: CompensationStatementParams, querystring: CompensationStatementQuery } }, async (request, reply) => {
    const run = await loadRun(context, request.params.id);
    const party = run.parties.find((candidate) => candidate.place === request.params.place);
    if (!party) throw new HubError('not_found', `place ${request.params.place} has no line in run ${run.request}`);
    const csv = request.query.format === 'csv';
    const text = csv ? statementCsv(run, party.wallet) : statementHtml(run, party.wallet, request.query.lang ?? languageOf(request.headers['accept-language']));
    return reply.type(csv ? 'text/csv; charset=utf-8' : 'text/html; charset=utf-8').send(text);
  });
}
