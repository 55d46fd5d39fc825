import { iso } from '../clock';
import type { HubContext } from '../context';
import { HubError } from '../errors';
import * as repo from '../storage/repo';
import type { Tx } from '../storage/types';

/** The hub's time, as every stored time is written (RFC 3339 ms). */
export function now(context: HubContext): string {
  return iso(context.clock.now());
}

export function notFound(what: string, id: string): HubError {
  return new HubError('not_found', `unknown ${what} ${id}`);
}

export async function requirePlace(tx: Tx, id: string): Promise<repo.Place> {
  const place = await repo.getPlace(tx, id);
  if (!place) throw notFound('place', id);
  return place;
}

export async function requireAsset(tx: Tx, id: string): Promise<repo.Asset> {
  const asset = await repo.getAsset(tx, id);
  if (!asset) throw notFound('asset', id);
  return asset;
}

/**
 * Runs a write transaction, turning a unique-key violation (two operators creating
 * the same name at once: the check before the insert cannot see the other one) into
 * a 409 instead of a 500.
 */
export async function write<T>(context: HubContext, what: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  try {
    return await context.storage.transaction(fn);
  } catch (error) {
    if (isUniqueViolation(error)) throw new HubError('conflict', `${what} already exists`);
    throw error;
  }
}

export function isUniqueViolation(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Object && depth < 4; depth += 1) {
    const code = 'code' in current ? current.code : undefined;
    // SQLite: SQLITE_CONSTRAINT_UNIQUE / _PRIMARYKEY; PostgreSQL: unique_violation.
    if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505') return true;
    current = 'cause' in current ? current.cause : undefined;
  }
  return false;
}
