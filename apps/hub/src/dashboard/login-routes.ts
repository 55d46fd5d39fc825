import type { FastifyInstance } from 'fastify';
import { FailureLimiter } from '../admin/rate-limit';
import { hashToken } from '../identity/bootstrap';
import * as repo from '../storage/repo';
import { languageOf, loginPage } from './html';
import { sameOrigin, setSessionCookie, type Dashboard } from './access';
import { readCookie, SESSION_COOKIE, SESSION_TTL_MS } from './sessions';

/** Wrong tokens per address and minute before the login answers 429 (as pairing). */
const LOGIN_FAILURES_MAX = 10;
const LOGIN_FAILURE_WINDOW_MS = 60_000;
/** A token is 64 hex characters; the form body stays tiny. */
const LOGIN_BODY_BYTES_MAX = 4_096;

/**
 * The login form posts the operator token (application/x-www-form-urlencoded, so it
 * works without the page's script). A right token opens a session: the cookie holds
 * its random id, HttpOnly and SameSite=Strict; the token itself is never stored.
 */
export async function loginRoutes(app: FastifyInstance, dashboard: Dashboard): Promise<void> {
  const limiter = new FailureLimiter(dashboard.context.clock, LOGIN_FAILURES_MAX, LOGIN_FAILURE_WINDOW_MS);
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: LOGIN_BODY_BYTES_MAX }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(typeof body === 'string' ? body : body.toString('utf8'))));
  });

  app.get('/dashboard/login', async (request, reply) =>
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(loginPage(languageOf(request.headers['accept-language']), null)),
  );

  app.post('/dashboard/login', { bodyLimit: LOGIN_BODY_BYTES_MAX }, async (request, reply) => {
    sameOrigin(request);
    const language = languageOf(request.headers['accept-language']);
    const page = (status: number, error: 'refused' | 'limited') => reply.status(status).type('text/html; charset=utf-8').send(loginPage(language, error));
    if (limiter.blocked(request.ip)) return page(429, 'limited');
    const body = request.body;
    const token = typeof body === 'object' && body !== null && 'token' in body && typeof body.token === 'string' ? body.token.trim() : '';
    const tokenHash = hashToken(token);
    const stored = token === '' ? undefined : await repo.getOperatorToken(dashboard.context.storage.read, tokenHash);
    // A revoked token opens no session (its open sessions end at their next request).
    if (!stored || stored.revokedAt !== null) {
      limiter.fail(request.ip);
      return page(401, 'refused');
    }
    setSessionCookie(reply, request, dashboard.sessions.open(tokenHash), SESSION_TTL_MS / 1000);
    return reply.redirect('/dashboard', 303);
  });

  app.post('/dashboard/logout', async (request, reply) => {
    sameOrigin(request);
    dashboard.sessions.close(readCookie(request.headers.cookie, SESSION_COOKIE));
    setSessionCookie(reply, request, '', 0);
    return reply.redirect('/dashboard/login', 303);
  });
}
