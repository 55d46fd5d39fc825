import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CARD_CSV_BYTES_MAX, CardImportQuery, Uuid } from '@fedow/protocol';
import { ADMIN_ROLES } from '../admin/auth';
import type { HubContext } from '../context';
import { importCards, type ImportResult } from '../directory/cards';
import { HubError } from '../errors';
import { dashboardOperator, type Dashboard } from './access';

/** An import the page follows: progress while it runs, then its batch or its refusal (with the CSV's line). */
export interface CardImportJob {
  id: string;
  done: number;
  total: number;
  result: ImportResult | null;
  error: { code: string; message: string; line: number | null } | null;
}

/** Finished jobs kept for the page to read, at most: older ones are forgotten first. */
const JOBS_KEPT_MAX = 50;

/**
 * Card batch import from the dashboard: the CLI's `importCards` (one transaction, the
 * same line-numbered errors), run in the background so the page can show its progress.
 */
export async function cardImportRoutes(app: FastifyInstance, dashboard: Dashboard): Promise<void> {
  const jobs = new Map<string, CardImportJob>();
  await app.register(async (scope) => {
    scope.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: CARD_CSV_BYTES_MAX }, (_request, body, done) => done(null, body));
    scope.withTypeProvider<ZodTypeProvider>().post(
      '/dashboard/api/setup/cards/import',
      { bodyLimit: CARD_CSV_BYTES_MAX, schema: { querystring: CardImportQuery, body: z.string() } },
      async (request, reply) => {
        await dashboardOperator(dashboard, request, ADMIN_ROLES);
        const job: CardImportJob = { id: dashboard.context.newId(), done: 0, total: 0, result: null, error: null };
        remember(jobs, job);
        void runImport(dashboard.context, job, request.body, request.query);
        return reply.status(202).send(job);
      },
    );
  });
  app.withTypeProvider<ZodTypeProvider>().get('/dashboard/api/setup/cards/import/:id', { schema: { params: z.strictObject({ id: Uuid }) } }, async (request) => {
    const job = jobs.get(request.params.id);
    if (!job) throw new HubError('not_found', 'no such import (the hub keeps the latest ones only)');
    return job;
  });
}

async function runImport(context: HubContext, job: CardImportJob, csv: string, options: z.infer<typeof CardImportQuery>): Promise<void> {
  try {
    job.result = await importCards(context, csv, { ...options, progress: (done, total) => Object.assign(job, { done, total }) });
  } catch (error) {
    if (error instanceof HubError) {
      const line = typeof error.details?.line === 'number' ? error.details.line : null;
      job.error = { code: error.code, message: error.message, line };
    } else {
      job.error = { code: 'internal', message: 'the import failed: see the hub’s log', line: null };
      context.events.emit('internal-error', { where: 'dashboard card import', error });
    }
  }
}

function remember(jobs: Map<string, CardImportJob>, job: CardImportJob): void {
  jobs.set(job.id, job);
  // A Map iterates in insertion order: the first keys are the oldest.
  for (const id of jobs.keys()) {
    if (jobs.size <= JOBS_KEPT_MAX) break;
    jobs.delete(id);
  }
}
