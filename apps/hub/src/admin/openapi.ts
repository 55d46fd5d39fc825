import type { FastifySchema, RouteOptions } from 'fastify';
import { ApiError } from '@fedow/protocol';
import { z, type ZodType } from 'zod';

/**
 * Every operation of the admin API is documented the same way (issue 11, part 7):
 * a summary, its success answers, and the error schema for every status it can
 * really answer. Routes declare their own success and domain errors; this hook adds
 * the ones every operator route shares, so no route can forget them.
 */

/** A success answer described in words, for routes whose body is a directory view. */
export function answer(description: string): ZodType {
  return z.unknown().describe(description);
}

/** The errors a route can answer besides the shared ones, each with the error schema. */
export function errors(...statuses: readonly number[]): Record<number, typeof ApiError> {
  return Object.fromEntries(statuses.map((status) => [status, ApiError]));
}

type Schema = FastifySchema & { summary?: string; response?: Record<number, unknown>; security?: readonly unknown[] };

/**
 * The `onRoute` hook of the admin scope: refuses (at start-up, so a test catches
 * it) a route without a summary or a success answer, and adds 400 (bad input),
 * 401 (no token), 403 (wrong role), 413 (body too large), 429 (too many failed
 * tokens) and 500 (a bug; its details stay in the log).
 */
export function documentRoute(route: RouteOptions): void {
  const url = route.url;
  if (!url.startsWith('/api/v1/')) return;
  // The admin routes' schemas are plain objects of zod types, with OpenAPI's summary and security.
  const schema = (route.schema ?? {}) as Schema;
  const method = Array.isArray(route.method) ? route.method.join(',') : route.method;
  if (!schema.summary) throw new Error(`${method} ${url}: an admin API route needs a summary`);
  const response = schema.response ?? {};
  if (!Object.keys(response).some((status) => status.startsWith('2'))) throw new Error(`${method} ${url}: declare its success answer`);
  const open = Array.isArray(schema.security) && schema.security.length === 0;
  const shared = [
    ...(schema.body || schema.params || schema.querystring ? [400] : []),
    ...(open ? [] : [401, 403, 429]),
    ...(schema.body ? [413] : []),
    500,
  ];
  route.schema = { ...schema, response: { ...errors(...shared), ...response } };
}
