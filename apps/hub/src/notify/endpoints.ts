import { WEBHOOK_DELIVERIES_PAGE_MAX, WEBHOOK_URL_CHARS_MAX } from '@fedow/protocol';
import type { HubContext } from '../context';
import { notFound, now, requirePlace } from '../directory/common';
import { HubError } from '../errors';
import { isWebhookEventType, WEBHOOK_EVENT_TYPES, type WebhookEventType } from '../outbox/events';
import * as repo from '../storage/repo';
import type { WebhookDeliveryStatus } from '../storage/schema-values';
import type { Attempt } from './deliverer';
import { newWebhookSecret } from './signature';

/** Subscriptions and deliveries as the admin API, the CLI and the dashboard show them. */


export interface EndpointView {
  id: string;
  place: string | null;
  url: string;
  events: WebhookEventType[];
  createdAt: string;
  createdBy: string;
  removedAt: string | null;
  deliveries: Record<WebhookDeliveryStatus, number>;
}

export interface DeliveryView {
  id: string;
  seq: number;
  endpoint: string;
  messageId: string;
  type: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  attemptLog: Attempt[];
  createdAt: string;
  nextAttemptAt: string | null;
  finishedAt: string | null;
  replayOf: string | null;
  body: string;
}

export interface NewEndpoint {
  url: string;
  events: readonly string[];
  place?: string | null;
  createdBy: string;
}

/** Adds an endpoint; the answer carries its secret, shown this once (and by `list --secrets` for an admin). */
export async function addEndpoint(context: HubContext, input: NewEndpoint): Promise<EndpointView & { secret: string }> {
  const url = checkUrl(input.url);
  const events = checkEvents(input.events);
  const row = { id: context.newId(), placeId: input.place ?? null, url, events: JSON.stringify(events), secret: newWebhookSecret(), createdAt: now(context), createdBy: input.createdBy, removedAt: null };
  await context.storage.transaction(async (tx) => {
    if (row.placeId !== null) await requirePlace(tx, row.placeId);
    await repo.insertWebhookEndpoint(tx, row);
  });
  return { ...endpointView(row, new Map()), secret: row.secret };
}

export async function listEndpoints(context: HubContext, filter: { place?: string; includeRemoved?: boolean } = {}): Promise<EndpointView[]> {
  const read = context.storage.read;
  const rows = await repo.listWebhookEndpoints(read, { placeId: filter.place, includeRemoved: filter.includeRemoved });
  const counts = new Map<string, Record<WebhookDeliveryStatus, number>>();
  for (const { endpointId, status, n } of await repo.countDeliveriesByStatus(read)) {
    const count = counts.get(endpointId) ?? { pending: 0, delivered: 0, dead: 0 };
    count[status] = n;
    counts.set(endpointId, count);
  }
  return rows.map((row) => endpointView(row, counts));
}

/** The endpoint's secret, for an admin who lost it. */
export async function endpointSecret(context: HubContext, id: string): Promise<string> {
  const endpoint = await repo.getWebhookEndpoint(context.storage.read, id);
  if (!endpoint) throw notFound('webhook endpoint', id);
  return endpoint.secret;
}

/** Removes an endpoint: nothing more is addressed to it, and what it still had to receive is given up. */
export async function removeEndpoint(context: HubContext, id: string): Promise<EndpointView> {
  const at = now(context);
  await context.storage.transaction(async (tx) => {
    if (!(await repo.getWebhookEndpoint(tx, id))) throw notFound('webhook endpoint', id);
    if (!(await repo.removeWebhookEndpoint(tx, id, at))) throw new HubError('conflict', `webhook endpoint ${id} was already removed`);
    await repo.abandonDeliveries(tx, id, at);
  });
  const [view] = (await listEndpoints(context, { includeRemoved: true })).filter((endpoint) => endpoint.id === id);
  return view!;
}

export async function listDeliveries(
  context: HubContext,
  filter: { endpoint?: string; place?: string; statuses?: readonly WebhookDeliveryStatus[]; beforeSeq?: number; limit?: number },
): Promise<DeliveryView[]> {
  const read = context.storage.read;
  const limit = Math.min(filter.limit ?? 50, WEBHOOK_DELIVERIES_PAGE_MAX);
  if (filter.endpoint !== undefined && !(await repo.getWebhookEndpoint(read, filter.endpoint))) throw notFound('webhook endpoint', filter.endpoint);
  const endpointIds = filter.place === undefined ? undefined : (await repo.listWebhookEndpoints(read, { placeId: filter.place, includeRemoved: true })).map((endpoint) => endpoint.id);
  const rows = await repo.listWebhookDeliveries(read, { endpointId: filter.endpoint, endpointIds, statuses: filter.statuses, beforeSeq: filter.beforeSeq, limit });
  return rows.map(deliveryView);
}

/**
 * Sends a delivery's message again (delivered or dead-lettered): a new delivery
 * at the END of its endpoint's queue, same `webhook-id` and body, so a receiver
 * that deduplicates by id sees the same message. The endpoint must still exist.
 */
export async function replayDelivery(context: HubContext, id: string): Promise<DeliveryView> {
  const at = now(context);
  const replay = await context.storage.transaction(async (tx) => {
    const original = await repo.getWebhookDelivery(tx, id);
    if (!original) throw notFound('webhook delivery', id);
    const endpoint = await repo.getWebhookEndpoint(tx, original.endpointId);
    if (!endpoint || endpoint.removedAt !== null) throw new HubError('conflict', `the endpoint of delivery ${id} was removed`);
    if (original.status === 'pending') throw new HubError('conflict', `delivery ${id} is still pending: it is being tried`);
    const row = { id: context.newId(), endpointId: original.endpointId, messageId: original.messageId, type: original.type, body: original.body, status: 'pending' as const, createdAt: at, nextAttemptAt: at, replayOf: original.id };
    await repo.insertWebhookDeliveries(tx, [row]);
    return row.id;
  });
  return deliveryView((await repo.getWebhookDelivery(context.storage.read, replay))!);
}

function checkUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new HubError('bad_request', `${text} is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new HubError('bad_request', 'a webhook URL is http or https');
  if (text.length > WEBHOOK_URL_CHARS_MAX) throw new HubError('bad_request', `a webhook URL is at most ${WEBHOOK_URL_CHARS_MAX} characters`);
  if (url.username !== '' || url.password !== '') throw new HubError('bad_request', 'a webhook URL carries no password: the signature authenticates the hub');
  return url.toString();
}

function checkEvents(events: readonly string[]): WebhookEventType[] {
  if (events.length === 0) throw new HubError('bad_request', `name at least one event: ${WEBHOOK_EVENT_TYPES.join(', ')}`);
  const unknown = events.filter((event) => !isWebhookEventType(event));
  if (unknown.length > 0) throw new HubError('bad_request', `unknown event ${unknown.join(', ')}: choose among ${WEBHOOK_EVENT_TYPES.join(', ')}`);
  // The documented order, without repeats.
  return WEBHOOK_EVENT_TYPES.filter((event) => events.includes(event));
}

function endpointView(row: repo.WebhookEndpoint, counts: Map<string, Record<WebhookDeliveryStatus, number>>): EndpointView {
  return {
    id: row.id,
    place: row.placeId,
    url: row.url,
    events: JSON.parse(row.events) as WebhookEventType[],
    createdAt: row.createdAt,
    createdBy: row.createdBy,
    removedAt: row.removedAt,
    deliveries: counts.get(row.id) ?? { pending: 0, delivered: 0, dead: 0 },
  };
}

function deliveryView(row: repo.WebhookDelivery): DeliveryView {
  return {
    id: row.id,
    seq: row.seq,
    endpoint: row.endpointId,
    messageId: row.messageId,
    type: row.type,
    status: row.status,
    attempts: row.attempts,
    attemptLog: JSON.parse(row.attemptLog) as Attempt[],
    createdAt: row.createdAt,
    nextAttemptAt: row.status === 'pending' ? row.nextAttemptAt : null,
    finishedAt: row.finishedAt,
    replayOf: row.replayOf,
    body: row.body,
  };
}
