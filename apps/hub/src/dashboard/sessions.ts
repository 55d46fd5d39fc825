import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock';

/** A dashboard login lasts a festival shift; then the operator types the token again. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
const SESSIONS_MAX = 1_000;
export const SESSION_COOKIE = 'fedow_dashboard';

interface Session {
  tokenHash: string;
  expiresAt: number;
}

/**
 * Dashboard sessions, in memory: the cookie holds a random id, never the token. The
 * id maps to the hash of the operator token it was opened with; the caller checks
 * that hash still exists on every request, so deleting the token ends its sessions.
 * A hub restart logs everyone out, which is fine for a handful of operators.
 */
export class DashboardSessions {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly clock: Clock) {}

  open(tokenHash: string): string {
    this.prune();
    if (this.sessions.size >= SESSIONS_MAX) {
      const oldest = this.sessions.keys().next().value;
      if (oldest !== undefined) this.sessions.delete(oldest);
    }
    const id = randomBytes(32).toString('hex');
    this.sessions.set(id, { tokenHash, expiresAt: this.clock.now().getTime() + SESSION_TTL_MS });
    return id;
  }

  /** The token hash of a live session, or undefined. */
  tokenHash(id: string | undefined): string | undefined {
    if (id === undefined) return undefined;
    const session = this.sessions.get(id);
    if (!session) return undefined;
    if (session.expiresAt <= this.clock.now().getTime()) {
      this.sessions.delete(id);
      return undefined;
    }
    return session.tokenHash;
  }

  close(id: string | undefined): void {
    if (id !== undefined) this.sessions.delete(id);
  }

  private prune(): void {
    const now = this.clock.now().getTime();
    for (const [id, session] of this.sessions) if (session.expiresAt <= now) this.sessions.delete(id);
  }
}

/** The value of one cookie from a Cookie header (no cookie plugin for one cookie). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}
