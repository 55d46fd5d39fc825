/**
 * Outgoing webhooks (apps/hub/src/notify/): endpoints an operator subscribes to
 * the hub's events, and the deliveries of each message, with their attempts.
 * Messages are signed the Standard Webhooks way (webhook-id, webhook-timestamp,
 * webhook-signature: v1,<base64 HMAC-SHA256>).
 */
import { z } from 'zod';
import { Uuid } from './primitives';
import { WEBHOOK_DELIVERIES_PAGE_MAX, WEBHOOK_URL_CHARS_MAX } from './limits';

/** The events an endpoint may subscribe to. */
export const WEBHOOK_EVENT_TYPES = [
  'transfer.applied',
  'entry.rejected',
  'card.blocked',
  'card.unblocked',
  'card.lost',
  'terminal.offline',
  'terminal.frozen',
  'block.sealed',
  'payout.requested',
  'membership.sold',
] as const;
export const WebhookEventType = z.enum(WEBHOOK_EVENT_TYPES);
export type WebhookEventType = z.infer<typeof WebhookEventType>;

export const WebhookDeliveryStatus = z.enum(['pending', 'delivered', 'dead']);

export const WebhookEndpointCreate = z.strictObject({
  url: z.string().trim().min(1).max(WEBHOOK_URL_CHARS_MAX),
  events: z.array(WebhookEventType).min(1).max(WEBHOOK_EVENT_TYPES.length),
  /** Only this place's events; absent: every place's (the whole hub). */
  place: Uuid.optional(),
});
export type WebhookEndpointCreate = z.infer<typeof WebhookEndpointCreate>;

export const WebhookEndpoint = z.strictObject({
  id: Uuid,
  place: Uuid.nullable(),
  url: z.string(),
  events: z.array(WebhookEventType),
  createdAt: z.string(),
  createdBy: z.string(),
  removedAt: z.string().nullable(),
  deliveries: z.strictObject({ pending: z.number().int(), delivered: z.number().int(), dead: z.number().int() }),
});

/** The answer to a creation: the secret is shown this once. */
export const WebhookEndpointCreated = WebhookEndpoint.extend({ secret: z.string() });
export const WebhookEndpointList = z.strictObject({ endpoints: z.array(WebhookEndpoint) });
export const WebhookEndpointParams = z.strictObject({ id: Uuid });
export const WebhookEndpointListQuery = z.strictObject({ place: Uuid.optional(), removed: z.enum(['true', 'false']).optional() });
export const WebhookSecret = z.strictObject({ secret: z.string() });

export const WebhookAttempt = z.strictObject({
  at: z.string(),
  /** The endpoint's HTTP status; null when it did not answer (refused, timed out). */
  status: z.number().int().nullable(),
  error: z.string().nullable(),
  ms: z.number().int(),
});

export const WebhookDelivery = z.strictObject({
  id: Uuid,
  seq: z.number().int(),
  endpoint: Uuid,
  messageId: z.string(),
  type: z.string(),
  status: WebhookDeliveryStatus,
  attempts: z.number().int(),
  attemptLog: z.array(WebhookAttempt),
  createdAt: z.string(),
  nextAttemptAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  replayOf: Uuid.nullable(),
  body: z.string(),
});
export const WebhookDeliveryList = z.strictObject({ deliveries: z.array(WebhookDelivery) });
export const WebhookDeliveryParams = z.strictObject({ id: Uuid });
export const WebhookDeliveryListQuery = z.strictObject({
  endpoint: Uuid.optional(),
  place: Uuid.optional(),
  status: WebhookDeliveryStatus.optional(),
  /** The `seq` of the last delivery of the previous page (they come newest first). */
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(WEBHOOK_DELIVERIES_PAGE_MAX).optional(),
});
