import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from '@fedow/protocol';
import * as repo from '../storage/repo';
import type { Tx } from '../storage/types';

export { WEBHOOK_EVENT_TYPES, type WebhookEventType } from '@fedow/protocol';

export function isWebhookEventType(value: string): value is WebhookEventType {
  return (WEBHOOK_EVENT_TYPES as readonly string[]).includes(value);
}

/**
 * The data of each event, as the outbox stores it and a receiver gets it under
 * `data`. Which places an event concerns is worked out when it is dispatched
 * (notify/scope.ts), off the transaction that wrote it.
 */
export interface EventData {
  'entry.rejected': { terminal: string; seq: number; entry: string; kind: string; reason: string | null };
  'card.blocked': { card: string; wallet: string; asset: string; balance: number; reason: 'debt' };
  'card.unblocked': { card: string; wallet: string };
  'card.lost': { card: string; at: string };
  'terminal.offline': { terminal: string; at: string };
  'terminal.frozen': { terminal: string; reason: 'fork' | 'quarantine' };
  'block.sealed': { height: number; transfers: number; lastSeq: number; hash: string };
  'payout.requested': { payout: string; wallet: string; asset: string; amount: number };
  'membership.sold': { wallet: string; asset: string; start: string; validUntil: string };
}

/** An event to write in the transaction of the change it announces. */
export type OutboxEvent = { [Type in keyof EventData]: { type: Type; data: EventData[Type] } }[keyof EventData];

/** Writes events in `tx`: they commit, or vanish, with the change. */
export async function recordEvents(tx: Tx, events: readonly OutboxEvent[], at: string): Promise<void> {
  await repo.insertOutboxEvents(
    tx,
    events.map((event) => ({ type: event.type, payload: JSON.stringify(event.data), at })),
  );
}

/**
 * Transfer ids per `transfer.applied` row. The dispatcher never splits a row,
 * and while tills push it turns about one row into deliveries per transaction
 * (notify/deliverer.ts): a push's thousand transfers in one row made a
 * dispatch transaction of 40–60 ms on the main thread, the ingest's serial
 * stage. A hundred keep it to a few milliseconds, for one more row in the
 * push's multi-row insert.
 */
export const TRANSFERS_PER_ROW = 100;

/**
 * The transfers one transaction applied, in rows of `TRANSFERS_PER_ROW` (ingest
 * writes hundreds per push: one multi-row insert per push, not hundreds); the
 * dispatcher reads the transfers back and makes one message per transfer.
 */
export async function recordTransfersApplied(tx: Tx, transferIds: readonly string[], at: string): Promise<void> {
  if (transferIds.length === 0) return;
  const rows: repo.NewOutboxEvent[] = [];
  for (let start = 0; start < transferIds.length; start += TRANSFERS_PER_ROW) {
    rows.push({ type: 'transfer.applied', payload: JSON.stringify(transferIds.slice(start, start + TRANSFERS_PER_ROW)), at });
  }
  await repo.insertOutboxEvents(tx, rows);
}
