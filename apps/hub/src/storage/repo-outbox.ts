import { and, asc, desc, eq, isNull, lt, lte, sql } from 'drizzle-orm';
import { inList, lockCommitOrder } from './batch';
import { prepared } from './prepared';
import type { NewWebhookDelivery, NewWebhookEndpoint, OutboxEvent, Transfer, WebhookDelivery, WebhookEndpoint } from './rows';
import type { WebhookDeliveryStatus } from './schema-values';
import type { Tx } from './types';

/** Outgoing webhooks: the outbox written with each change, endpoints, and deliveries. */

export interface NewOutboxEvent {
  type: string;
  payload: string;
  at: string;
}

const INSERT_OUTBOX = 'INSERT INTO outbox_events (type, payload, at) VALUES (@type, @payload, @at)';

/**
 * Appends events to the outbox, inside the transaction of the change they
 * announce; their seqs follow commit order, so the dispatcher keeps it.
 */
export async function insertOutboxEvents(tx: Tx, rows: readonly NewOutboxEvent[]): Promise<void> {
  if (rows.length === 0) return;
  await lockCommitOrder(tx);
  // Ingest writes one per push: a cached statement costs less than building one.
  if (tx.sqlite) {
    const statement = prepared(tx.sqlite, INSERT_OUTBOX);
    for (const row of rows) statement.run(row);
    return;
  }
  await tx.db.insert(tx.t.outboxEvents).values([...rows]);
}

/** The oldest events of the outbox, in commit order. */
export async function listOutboxEvents(tx: Tx, limit: number): Promise<OutboxEvent[]> {
  const { outboxEvents } = tx.t;
  return tx.db.select().from(outboxEvents).orderBy(asc(outboxEvents.seq)).limit(limit);
}

export async function deleteOutboxEvents(tx: Tx, throughSeq: number): Promise<void> {
  await tx.db.delete(tx.t.outboxEvents).where(lte(tx.t.outboxEvents.seq, throughSeq));
}

export async function countOutboxEvents(tx: Tx): Promise<number> {
  const [row] = await tx.db.select({ n: sql<number>`count(*)` }).from(tx.t.outboxEvents);
  return Number(row?.n ?? 0);
}

export async function insertWebhookEndpoint(tx: Tx, row: NewWebhookEndpoint): Promise<void> {
  await tx.db.insert(tx.t.webhookEndpoints).values(row);
}

export async function getWebhookEndpoint(tx: Tx, id: string): Promise<WebhookEndpoint | undefined> {
  const [row] = await tx.db.select().from(tx.t.webhookEndpoints).where(eq(tx.t.webhookEndpoints.id, id));
  return row;
}

/** Endpoints not removed, oldest first; of one place when `placeId` is given. */
export async function listWebhookEndpoints(tx: Tx, filter: { placeId?: string; includeRemoved?: boolean } = {}): Promise<WebhookEndpoint[]> {
  const { webhookEndpoints: e } = tx.t;
  const conditions = [filter.includeRemoved ? undefined : isNull(e.removedAt), filter.placeId === undefined ? undefined : eq(e.placeId, filter.placeId)].filter(
    (condition) => condition !== undefined,
  );
  return tx.db
    .select()
    .from(e)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(asc(e.createdAt), asc(e.id));
}

/** Returns false when it was already removed (or never existed). */
export async function removeWebhookEndpoint(tx: Tx, id: string, at: string): Promise<boolean> {
  const { webhookEndpoints: e } = tx.t;
  const rows = await tx.db
    .update(e)
    .set({ removedAt: at })
    .where(and(eq(e.id, id), isNull(e.removedAt)))
    .returning({ id: e.id });
  return rows.length === 1;
}

export async function insertWebhookDeliveries(tx: Tx, rows: readonly NewWebhookDelivery[]): Promise<void> {
  if (rows.length === 0) return;
  // Delivery seqs are each endpoint's order: they must follow commit order too.
  await lockCommitOrder(tx);
  const CHUNK = 500;
  for (let start = 0; start < rows.length; start += CHUNK) await tx.db.insert(tx.t.webhookDeliveries).values(rows.slice(start, start + CHUNK));
}

/** The first delivery of an endpoint still pending: the only one that may be sent (per-endpoint order). */
export async function headDelivery(tx: Tx, endpointId: string): Promise<WebhookDelivery | undefined> {
  const { webhookDeliveries: d } = tx.t;
  const [row] = await tx.db
    .select()
    .from(d)
    .where(and(eq(d.endpointId, endpointId), eq(d.status, 'pending')))
    .orderBy(asc(d.seq))
    .limit(1);
  return row;
}

export interface DeliveryOutcome {
  status: WebhookDeliveryStatus;
  attempts: number;
  attemptLog: string;
  firstAttemptAt: string;
  nextAttemptAt: string;
  finishedAt: string | null;
}

/** Records an attempt; false when the delivery was no longer pending (its endpoint was removed meanwhile). */
export async function recordDeliveryAttempt(tx: Tx, id: string, outcome: DeliveryOutcome): Promise<boolean> {
  const { webhookDeliveries: d } = tx.t;
  const rows = await tx.db
    .update(d)
    .set(outcome)
    .where(and(eq(d.id, id), eq(d.status, 'pending')))
    .returning({ id: d.id });
  return rows.length === 1;
}

/** An endpoint removed: what it still had to send is given up. */
export async function abandonDeliveries(tx: Tx, endpointId: string, at: string): Promise<void> {
  const { webhookDeliveries: d } = tx.t;
  await tx.db
    .update(d)
    .set({ status: 'dead', finishedAt: at })
    .where(and(eq(d.endpointId, endpointId), eq(d.status, 'pending')));
}

export async function getWebhookDelivery(tx: Tx, id: string): Promise<WebhookDelivery | undefined> {
  const [row] = await tx.db.select().from(tx.t.webhookDeliveries).where(eq(tx.t.webhookDeliveries.id, id));
  return row;
}

/** Newest first, `beforeSeq` to page on; of one endpoint, of some statuses, of some endpoints. */
export async function listWebhookDeliveries(
  tx: Tx,
  filter: { endpointId?: string; endpointIds?: readonly string[]; statuses?: readonly WebhookDeliveryStatus[]; beforeSeq?: number; limit: number },
): Promise<WebhookDelivery[]> {
  const { webhookDeliveries: d } = tx.t;
  if (filter.endpointIds !== undefined && filter.endpointIds.length === 0) return [];
  const conditions = [
    filter.endpointId === undefined ? undefined : eq(d.endpointId, filter.endpointId),
    filter.endpointIds === undefined ? undefined : inList(tx, d.endpointId, [...filter.endpointIds]),
    filter.statuses === undefined ? undefined : inList(tx, d.status, [...filter.statuses]),
    filter.beforeSeq === undefined ? undefined : lt(d.seq, filter.beforeSeq),
  ].filter((condition) => condition !== undefined);
  return tx.db
    .select()
    .from(d)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(d.seq))
    .limit(filter.limit);
}

/** Deliveries per status of each endpoint, for the lists. */
export async function countDeliveriesByStatus(tx: Tx): Promise<{ endpointId: string; status: WebhookDeliveryStatus; n: number }[]> {
  const { webhookDeliveries: d } = tx.t;
  const rows = await tx.db
    .select({ endpointId: d.endpointId, status: d.status, n: sql<number>`count(*)` })
    .from(d)
    .groupBy(d.endpointId, d.status);
  return rows.map((row) => ({ ...row, n: Number(row.n) }));
}

/** Transfers by id, in seq order (the dispatcher's expansion of `transfer.applied`). */
export async function getTransfersByIds(tx: Tx, ids: readonly string[]): Promise<Transfer[]> {
  if (ids.length === 0) return [];
  const { transfers } = tx.t;
  return tx.db.select().from(transfers).where(inList(tx, transfers.id, [...ids])).orderBy(asc(transfers.seq));
}

/** The till of each entry id. */
export async function terminalsOfEntries(tx: Tx, entryIds: readonly string[]): Promise<Map<string, string>> {
  if (entryIds.length === 0) return new Map();
  const { entries } = tx.t;
  const rows = await tx.db.select({ id: entries.id, terminalId: entries.terminalId }).from(entries).where(inList(tx, entries.id, [...entryIds]));
  return new Map(rows.map((row) => [row.id, row.terminalId]));
}
