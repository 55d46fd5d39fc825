import type { FastifyError, FastifyInstance } from 'fastify';
import type { HttpErrorCode } from '@fedow/protocol';
import { RULE_CODES } from '@fedow/protocol';
import { declarePlugin } from './plugin';

const STATUS: Record<string, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  idempotency_conflict: 409,
  expired: 410,
  conflict: 409,
  not_configured: 409,
  gone: 410,
  too_large: 413,
  rate_limited: 429,
  internal: 500,
  bad_signature: 400,
  stale_notification: 400,
  provider_error: 502,
  provider_not_configured: 503,
  confirmation_required: 403,
  wrong_code: 403,
  transfer_limit: 422,
  transfers_blocked: 403,
  email_not_configured: 503,
};

/** An expected failure with a stable code: becomes `{error: {code, message}}` with its HTTP status. */
export class HubError extends Error {
  override readonly name = 'HubError';
  constructor(
    readonly code: HttpErrorCode,
    message: string,
    readonly status: number = STATUS[code] ?? (RULE_CODES.includes(code as never) ? 422 : 400),
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

/**
 * One error handler for every route: coded errors keep their code, Fastify's own
 * client errors (bad JSON, too large, validation) become 4xx with a code, and
 * anything else is a 500 whose internals stay in the log.
 */
/**
 * The error handler as the first part of the hub: a route keeps the error
 * handler its scope had when the route was added, so every part that serves
 * routes declares this one as a dependency.
 */
export const errorsPlugin = declarePlugin({ name: 'errors' }, async (app) => installErrorHandler(app));

function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | HubError | Error, request, reply) => {
    if (error instanceof HubError) {
      return reply.status(error.status).send({ error: { code: error.code, message: error.message, ...error.details } });
    }
    const fastifyError = error as FastifyError;
    if (fastifyError.validation) {
      return reply.status(400).send({ error: { code: 'bad_request', message: fastifyError.message } });
    }
    const status = fastifyError.statusCode ?? 500;
    if (status === 413) return reply.status(413).send({ error: { code: 'too_large', message: 'request body too large' } });
    if (status >= 400 && status < 500) {
      const code = status === 401 ? 'unauthorized' : status === 404 ? 'not_found' : status === 429 ? 'rate_limited' : 'bad_request';
      return reply.status(status).send({ error: { code, message: fastifyError.message } });
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send({ error: { code: 'internal', message: 'internal error (see the hub log)' } });
  });
  app.setNotFoundHandler((request, reply) => reply.status(404).send({ error: { code: 'not_found', message: `no route ${request.method} ${request.url}` } }));
}
