import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { HubContext } from '../context';
import { HubError } from '../errors';
import { hashToken } from '../identity/bootstrap';
import { FailureLimiter } from './rate-limit';
import type { Source } from '../money/source';
import * as repo from '../storage/repo';
import type { OperatorRole } from '../storage/schema-values';

/** The operator behind a request of the admin API: the token's name and role. */
export interface Operator {
  name: string;
  role: OperatorRole;
}

declare module 'fastify' {
  interface FastifyRequest {
    operator: Operator | null;
  }
  interface FastifyContextConfig {
    /** Roles allowed on this route; by default reads are open to every role and writes to `admin`. */
    roles?: readonly OperatorRole[];
  }
}

/** Roles for the cash desk's work: top-ups, refunds, card links and replacements, lost cards. */
export const CASHDESK_ROLES: readonly OperatorRole[] = ['admin', 'cashdesk'];
/** Corrections, tokens, the directory: the default of every write. */
export const ADMIN_ROLES: readonly OperatorRole[] = ['admin'];
const EVERY_ROLE: readonly OperatorRole[] = ['admin', 'cashdesk', 'viewer'];
const ADMIN_ONLY = ADMIN_ROLES;

/** Wrong bearer tokens per address and minute before the admin API answers 429, as the dashboard's login. */
const BEARER_FAILURES_MAX = 10;
const BEARER_FAILURE_WINDOW_MS = 60_000;

/**
 * Every route of this scope needs an operator token (`Authorization: Bearer …`),
 * not revoked, whose role the route allows. Tokens are stored as SHA-256: a
 * lookup by hash leaks no timing about the token itself.
 */
export function requireOperator(app: FastifyInstance, context: HubContext): void {
  if (!app.hasRequestDecorator('operator')) app.decorateRequest('operator', null);
  const limiter = new FailureLimiter(context.clock, BEARER_FAILURES_MAX, BEARER_FAILURE_WINDOW_MS);
  app.addHook('onRequest', async (request) => {
    // Checked before the lookup: a blocked address learns nothing, not even about a right token.
    if (limiter.blocked(request.ip)) throw new HubError('rate_limited', 'too many wrong operator tokens from this address: wait a minute');
    const match = /^Bearer +(\S+)$/i.exec(request.headers.authorization ?? '');
    if (!match?.[1]) throw new HubError('unauthorized', 'an operator token is required: Authorization: Bearer <token>');
    const token = await repo.getOperatorToken(context.storage.read, hashToken(match[1]));
    if (!token || token.revokedAt !== null) {
      limiter.fail(request.ip);
      throw new HubError('unauthorized', 'unknown or revoked operator token');
    }
    request.operator = { name: token.label, role: token.role };
    const read = request.method === 'GET' || request.method === 'HEAD';
    const allowed = request.routeOptions.config.roles ?? (read ? EVERY_ROLE : ADMIN_ONLY);
    if (!allowed.includes(token.role)) {
      throw new HubError('forbidden', `the ${token.role} token "${token.label}" may not do this (needs ${allowed.join(' or ')})`);
    }
  });
}

/** The request's operator as the source of a ledger request. */
export function operatorSource(request: FastifyRequest): Source {
  if (!request.operator) throw new Error('operatorSource outside the operator scope');
  return { kind: 'operator', name: request.operator.name };
}

/** The `Idempotency-Key` header where it is optional (a request that moves no money yet): undefined when absent. */
export function optionalIdempotencyKey(request: FastifyRequest): string | undefined {
  const key = request.headers['idempotency-key'];
  return typeof key === 'string' && key !== '' ? key : undefined;
}

/** The `Idempotency-Key` header every POST that moves money carries. */
export function idempotencyKey(request: FastifyRequest): string {
  const key = request.headers['idempotency-key'];
  if (typeof key !== 'string' || key === '') throw new HubError('bad_request', 'this request moves money: send an Idempotency-Key header (any unique string, reused on retries)');
  return key;
}
