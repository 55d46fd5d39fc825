/** Requests: what every source other than a till asked the ledger, with its outcome. */
import { and, asc, desc, eq, gt, lt, or, type SQL } from 'drizzle-orm';
import { inList } from './batch';
import { selectRows } from './fast-select';
import { prepared } from './prepared';
import type { NewRequest, Request, Transfer } from './rows';
import type { RequestSource } from './schema-values';
import type { Tx } from './types';

const INSERT_REQUEST =
  'INSERT INTO requests (id, source, actor, idempotency_key, kind, body, hash, received_at, status, reason, result) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';

export async function insertRequest(tx: Tx, row: NewRequest): Promise<void> {
  // One per request: a cached statement costs less than building one (fast-select.ts says why).
  if (tx.sqlite) {
    const { id, source, actor, idempotencyKey, kind, body, hash, receivedAt, status, reason, result } = row;
    prepared(tx.sqlite, INSERT_REQUEST).run(id, source, actor, idempotencyKey, kind, body, hash, receivedAt, status, reason ?? null, result);
    return;
  }
  await tx.db.insert(tx.t.requests).values(row);
}

/** The request a source already made under this idempotency key, if any. */
export async function getRequestByKey(tx: Tx, source: RequestSource, actor: string, idempotencyKey: string): Promise<Request | undefined> {
  const { requests } = tx.t;
  if (tx.sqlite) return selectRows(tx.sqlite, requests, 'where ("source" = ? and "actor" = ? and "idempotency_key" = ?)', [source, actor, idempotencyKey])[0];
  const [row] = await tx.db
    .select()
    .from(requests)
    .where(and(eq(requests.source, source), eq(requests.actor, actor), eq(requests.idempotencyKey, idempotencyKey)));
  return row;
}

export async function getRequests(tx: Tx, ids: readonly string[]): Promise<Request[]> {
  const { requests } = tx.t;
  if (ids.length === 0) return [];
  return tx.db.select().from(requests).where(inList(tx, requests.id, [...new Set(ids)]));
}

/**
 * Newest first. `before` pages back: a received-at time, or the cursor
 * `<receivedAt>|<id>` of the last row of the previous page (rows of the same
 * millisecond are then neither skipped nor repeated).
 */
export async function listRequests(tx: Tx, options: { source?: RequestSource; actor?: string; kind?: string; before?: string; limit: number }): Promise<Request[]> {
  const { requests } = tx.t;
  const conditions = [
    options.source === undefined ? undefined : eq(requests.source, options.source),
    options.actor === undefined ? undefined : eq(requests.actor, options.actor),
    options.kind === undefined ? undefined : eq(requests.kind, options.kind),
    options.before === undefined ? undefined : beforeCursor(tx, options.before),
  ].filter((condition) => condition !== undefined);
  return tx.db
    .select()
    .from(requests)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(requests.receivedAt), desc(requests.id))
    .limit(options.limit);
}

function beforeCursor(tx: Tx, cursor: string): SQL | undefined {
  const { requests } = tx.t;
  const [at = '', id] = cursor.split('|');
  if (id === undefined) return lt(requests.receivedAt, at);
  return or(lt(requests.receivedAt, at), and(eq(requests.receivedAt, at), lt(requests.id, id)));
}

/** Every request in id order (verify walks them all). */
export async function listRequestsAfter(tx: Tx, afterId: string, limit: number): Promise<Request[]> {
  const { requests } = tx.t;
  return tx.db.select().from(requests).where(gt(requests.id, afterId)).orderBy(asc(requests.id)).limit(limit);
}

/** The idempotency keys among `keys` already used by this source: their requests were made. */
export async function usedRequestKeys(tx: Tx, source: 'operator', actor: string, keys: readonly string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const { requests } = tx.t;
  const rows = await tx.db
    .select({ key: requests.idempotencyKey })
    .from(requests)
    .where(and(eq(requests.source, source), eq(requests.actor, actor), inList(tx, requests.idempotencyKey, [...new Set(keys)])));
  return new Set(rows.map((row) => row.key));
}

/** The bodies of the applied requests of a kind, for the import's totals. */
export async function appliedRequestBodies(tx: Tx, kind: string): Promise<string[]> {
  const { requests } = tx.t;
  const rows = await tx.db.select({ body: requests.body }).from(requests).where(and(eq(requests.kind, kind), eq(requests.status, 'applied')));
  return rows.map((row) => row.body);
}

export async function getTransfersByRequest(tx: Tx, requestIds: readonly string[]): Promise<Transfer[]> {
  const { transfers } = tx.t;
  if (requestIds.length === 0) return [];
  return tx.db.select().from(transfers).where(inList(tx, transfers.requestId, [...new Set(requestIds)])).orderBy(asc(transfers.seq));
}
