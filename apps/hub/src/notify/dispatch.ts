import type { HubContext } from '../context';
import { isWebhookEventType, type WebhookEventType } from '../outbox/events';
import * as repo from '../storage/repo';
import type { Tx } from '../storage/types';
import { inScope, loadDirectory, placeOfAsset, placeOfTerminal, transferScope, type Directory, type Scope } from './scope';

/** One message, before it is addressed to the endpoints that want it. */
interface Message {
  id: string;
  type: WebhookEventType;
  body: string;
  scope: Scope;
}

interface ActiveEndpoint {
  id: string;
  placeId: string | null;
  events: ReadonlySet<string>;
}

/**
 * Turns the oldest outbox rows into deliveries, one per message and endpoint
 * that subscribed to it, and deletes the rows — in ONE transaction, so a crash
 * leaves either the rows or the deliveries, never neither. Takes up to
 * `rowsMax` rows, and stops before a row that would bring its messages past
 * `messagesMax` (the first row is always taken: a row is never split). Returns
 * the rows taken (0: the outbox is empty) and whether it stopped short of
 * `rowsMax` rows with more waiting.
 */
export async function dispatchOutbox(context: HubContext, rowsMax: number, messagesMax = Infinity): Promise<{ taken: number; more: boolean }> {
  return context.storage.transaction(async (tx) => {
    const listed = await repo.listOutboxEvents(tx, rowsMax);
    if (listed.length === 0) return { taken: 0, more: false };
    const endpoints = (await repo.listWebhookEndpoints(tx)).map(activeEndpoint);
    const wanted = new Set(endpoints.flatMap((endpoint) => [...endpoint.events]));
    const rows = withinMessages(listed, wanted, messagesMax);
    // With nobody subscribed, an event is simply done with.
    const kept = rows.filter((row) => wanted.has(row.type));
    if (kept.length > 0) {
      const messages = await expand(context, tx, kept);
      const now = context.clock.now().toISOString();
      const deliveries = messages.flatMap((message) =>
        endpoints
          .filter((endpoint) => endpoint.events.has(message.type) && inScope(endpoint.placeId, message.scope))
          .map((endpoint) => ({
            id: context.newId(),
            endpointId: endpoint.id,
            messageId: message.id,
            type: message.type,
            body: message.body,
            status: 'pending' as const,
            createdAt: now,
            nextAttemptAt: now,
          })),
      );
      await repo.insertWebhookDeliveries(tx, deliveries);
    }
    await repo.deleteOutboxEvents(tx, rows.at(-1)!.seq);
    return { taken: rows.length, more: rows.length < listed.length };
  });
}

/**
 * The first rows whose messages (a `transfer.applied` row: one per transfer)
 * stay within `messagesMax`; at least one. A row nobody subscribed to makes
 * no message: it costs its delete only.
 */
function withinMessages(rows: readonly repo.OutboxEvent[], wanted: ReadonlySet<string>, messagesMax: number): repo.OutboxEvent[] {
  if (messagesMax === Infinity) return [...rows];
  let messages = 0;
  const kept: repo.OutboxEvent[] = [];
  for (const row of rows) {
    const count = !wanted.has(row.type) ? 0 : row.type === 'transfer.applied' ? (JSON.parse(row.payload) as unknown[]).length : 1;
    if (kept.length > 0 && messages + count > messagesMax) break;
    kept.push(row);
    messages += count;
  }
  return kept;
}

function activeEndpoint(endpoint: repo.WebhookEndpoint): ActiveEndpoint {
  return { id: endpoint.id, placeId: endpoint.placeId, events: new Set(JSON.parse(endpoint.events) as string[]) };
}

/** The messages of outbox rows, in their order: a `transfer.applied` row becomes one message per transfer. */
async function expand(context: HubContext, tx: Tx, rows: readonly repo.OutboxEvent[]): Promise<Message[]> {
  const directory = await loadDirectory(tx);
  const transferIds = rows.filter((row) => row.type === 'transfer.applied').flatMap((row) => JSON.parse(row.payload) as string[]);
  const transfers = new Map((await repo.getTransfersByIds(tx, transferIds)).map((transfer) => [transfer.id, transfer]));
  const tills = await repo.terminalsOfEntries(tx, [...transfers.values()].flatMap((transfer) => (transfer.entryId ? [transfer.entryId] : [])));
  const messages: Message[] = [];
  for (const row of rows) {
    if (!isWebhookEventType(row.type)) throw new Error(`outbox: unknown event type ${row.type}`);
    if (row.type !== 'transfer.applied') {
      const data = JSON.parse(row.payload) as Record<string, unknown>;
      messages.push(message(`msg_${context.newId()}`, row.type, row.at, data, eventScope(directory, row.type, data)));
      continue;
    }
    for (const id of JSON.parse(row.payload) as string[]) {
      const transfer = transfers.get(id);
      // Written in the same transaction as the row: its absence is a bug.
      if (!transfer) throw new Error(`outbox: transfer ${id} announced but not stored`);
      const terminal = transfer.entryId ? tills.get(transfer.entryId) : undefined;
      messages.push(message(`msg_${transfer.id}`, row.type, row.at, transferData(transfer, terminal), transferScope(directory, transfer, terminal)));
    }
  }
  return messages;
}

/** The Standard Webhooks body: `{type, timestamp, data}`. */
function message(id: string, type: WebhookEventType, at: string, data: Record<string, unknown>, scope: Scope): Message {
  return { id, type, body: JSON.stringify({ type, timestamp: at, data }), scope };
}

function transferData(transfer: repo.Transfer, terminal: string | undefined): Record<string, unknown> {
  return {
    seq: transfer.seq,
    id: transfer.id,
    action: transfer.action,
    sender: transfer.senderWalletId,
    receiver: transfer.receiverWalletId,
    asset: transfer.assetId,
    amount: transfer.amount,
    card: transfer.cardId,
    entry: transfer.entryId,
    request: transfer.requestId,
    terminal: terminal ?? null,
    at: transfer.at,
    tillAt: transfer.tillAt,
  };
}

function eventScope(directory: Directory, type: WebhookEventType, data: Record<string, unknown>): Scope {
  switch (type) {
    case 'entry.rejected':
    case 'terminal.offline':
    case 'terminal.frozen':
      return placeOfTerminal(directory, String(data.terminal));
    case 'membership.sold':
    case 'card.blocked':
      return placeOfAsset(directory, String(data.asset));
    case 'card.lost':
    case 'card.unblocked':
      return 'all';
    case 'block.sealed':
    case 'payout.requested':
    case 'transfer.applied':
      return [];
  }
}
