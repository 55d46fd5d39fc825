import { HOLDER_SESSION_TTL_MS } from '@fedow/protocol';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { iso } from '../clock';
import { readCookie } from '../dashboard/sessions';
import { HubError } from '../errors';
import * as repo from '../storage/repo';
import type { Holder } from './holder';
import { hashSecret, randomSecret } from './secrets';

export const HOLDER_COOKIE = 'fedow_holder';

/**
 * Opens a card holder's session: the cookie holds a random secret, the database
 * its hash (a copy of the table opens nothing), so sessions survive a restart.
 */
export async function openSession(holder: Holder, userId: string): Promise<string> {
  const { context } = holder;
  const secret = randomSecret();
  const now = context.clock.now();
  await context.storage.transaction(async (tx) => {
    await repo.pruneHolderRows(tx, iso(now));
    await repo.insertHolderSession(tx, { idHash: hashSecret(secret), userId, createdAt: iso(now), expiresAt: iso(new Date(now.getTime() + HOLDER_SESSION_TTL_MS)) });
  });
  return secret;
}

/** The signed-in user, or null. */
export async function sessionUser(holder: Holder, request: FastifyRequest): Promise<repo.User | null> {
  const secret = readCookie(request.headers.cookie, HOLDER_COOKIE);
  if (secret === undefined || secret === '') return null;
  const read = holder.context.storage.read;
  const session = await repo.getHolderSession(read, hashSecret(secret), iso(holder.context.clock.now()));
  if (!session) return null;
  return (await repo.getUsers(read, [session.userId])).get(session.userId) ?? null;
}

/** The signed-in user, or 401: everything that moves money or changes a card needs one. */
export async function requireUser(holder: Holder, request: FastifyRequest): Promise<repo.User> {
  const user = await sessionUser(holder, request);
  if (!user) throw new HubError('unauthorized', 'sign in with the link e-mailed to you first');
  return user;
}

export async function closeSession(holder: Holder, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const secret = readCookie(request.headers.cookie, HOLDER_COOKIE);
  if (secret) await holder.context.storage.transaction((tx) => repo.deleteHolderSession(tx, hashSecret(secret)));
  setHolderCookie(reply, request, '', 0);
}

export function setHolderCookie(reply: FastifyReply, request: FastifyRequest, secret: string, maxAgeSeconds: number): void {
  // Secure only over HTTPS: a festival hub is often reached over plain HTTP on its LAN.
  const secure = request.protocol === 'https' ? '; Secure' : '';
  reply.header('set-cookie', `${HOLDER_COOKIE}=${secret}; Path=/qr; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure}`);
}

export const HOLDER_SESSION_TTL_S = Math.floor(HOLDER_SESSION_TTL_MS / 1000);
