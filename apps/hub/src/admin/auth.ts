import type { FastifyInstance } from 'fastify';
import type { HubContext } from '../context';
import { HubError } from '../errors';
import { hashToken } from '../identity/bootstrap';
import * as repo from '../storage/repo';

/**
 * Every route of this scope needs an operator token (`Authorization: Bearer …`). Tokens
 * are stored as SHA-256: a lookup by hash leaks no timing about the token itself.
 */
export function requireOperator(app: FastifyInstance, context: HubContext): void {
  app.addHook('onRequest', async (request) => {
    const match = /^Bearer +(\S+)$/i.exec(request.headers.authorization ?? '');
    if (!match?.[1]) throw new HubError('unauthorized', 'an operator token is required: Authorization: Bearer <token>');
    if (!(await repo.getOperatorToken(context.storage.read, hashToken(match[1])))) {
      throw new HubError('unauthorized', 'unknown operator token');
    }
  });
}
