import type { FastifyReply, FastifyRequest } from 'fastify';
import type { HubContext } from '../context';
import { HubError } from '../errors';
import type { Source } from '../money/source';
import * as repo from '../storage/repo';
import type { OperatorRole } from '../storage/schema-values';
import { readCookie, SESSION_COOKIE, type DashboardSessions } from './sessions';
import type { DashboardStream } from './stream';
import type { TillMemory } from './tills';
import type { VerifyRunner } from './verify-runner';

/** What the dashboard's routes share. */
export interface Dashboard {
  context: HubContext;
  sessions: DashboardSessions;
  stream: DashboardStream;
  verify: VerifyRunner;
  memory: TillMemory;
}

/** A live session whose operator token still exists and is not revoked (revoking a token logs its sessions out). */
export async function signedIn(dashboard: Dashboard, request: FastifyRequest): Promise<boolean> {
  return (await sessionToken(dashboard, request)) !== undefined;
}

/** The signed-in token's name and role, for the page to show and to hide what the role may not do. */
export async function signedInOperator(dashboard: Dashboard, request: FastifyRequest): Promise<{ name: string; role: OperatorRole } | null> {
  const token = await sessionToken(dashboard, request);
  return token ? { name: token.label, role: token.role } : null;
}

async function sessionToken(dashboard: Dashboard, request: FastifyRequest): Promise<repo.OperatorToken | undefined> {
  const tokenHash = dashboard.sessions.tokenHash(readCookie(request.headers.cookie, SESSION_COOKIE));
  if (tokenHash === undefined) return undefined;
  const token = await repo.getOperatorToken(dashboard.context.storage.read, tokenHash);
  return token && token.revokedAt === null ? token : undefined;
}

/**
 * The signed-in operator as the source of a ledger request, when its role is one
 * of `roles`: every dashboard action is recorded under the token's name.
 */
export async function dashboardOperator(dashboard: Dashboard, request: FastifyRequest, roles: readonly OperatorRole[] = ['admin']): Promise<Source> {
  const token = await sessionToken(dashboard, request);
  if (!token) throw new HubError('unauthorized', 'sign in again');
  if (!roles.includes(token.role)) throw new HubError('forbidden', `the ${token.role} token "${token.label}" may not do this`);
  return { kind: 'operator', name: token.label };
}

/**
 * Writes come from the dashboard's own page. SameSite=Strict already keeps the cookie
 * off cross-site requests; a browser's Origin header naming another host is refused too.
 */
export function sameOrigin(request: FastifyRequest): void {
  if (request.method === 'GET' || request.method === 'HEAD') return;
  const origin = request.headers.origin;
  if (origin === undefined) return;
  let host: string | null = null;
  try {
    host = new URL(origin).host;
  } catch {
    host = null;
  }
  if (host !== request.headers.host) throw new HubError('unauthorized', 'cross-origin request refused', 403);
}

export function setSessionCookie(reply: FastifyReply, request: FastifyRequest, id: string, maxAgeSeconds: number): void {
  // Secure only over HTTPS: a festival hub is often reached over plain HTTP on its LAN.
  const secure = request.protocol === 'https' ? '; Secure' : '';
  reply.header('set-cookie', `${SESSION_COOKIE}=${id}; Path=/dashboard; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure}`);
}
