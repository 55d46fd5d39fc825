import type { FastifyReply, FastifyRequest } from 'fastify';
import type { HubContext } from '../context';
import { HubError } from '../errors';
import * as repo from '../storage/repo';
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

/** A live session whose operator token still exists (deleting a token logs its sessions out). */
export async function signedIn(dashboard: Dashboard, request: FastifyRequest): Promise<boolean> {
  const tokenHash = dashboard.sessions.tokenHash(readCookie(request.headers.cookie, SESSION_COOKIE));
  return tokenHash !== undefined && (await repo.getOperatorToken(dashboard.context.storage.read, tokenHash)) !== undefined;
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
