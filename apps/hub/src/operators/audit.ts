import type { AuditPage, AuditQuery, AuditRow } from '@fedow/protocol';
import type { HubContext } from '../context';
import * as repo from '../storage/repo';

/**
 * The audit of every request (every source but tills' journals): who asked what,
 * when, how it ended and which transfers it made, newest first, a page at a time.
 * `next` is the cursor of the page after this one, or null at the end.
 */
export async function auditPage(context: HubContext, query: AuditQuery): Promise<AuditPage> {
  const tx = context.storage.read;
  const rows = await repo.listRequests(tx, { source: query.source, actor: query.actor, kind: query.kind, before: query.before, limit: query.limit });
  const transfers = await repo.getTransfersByRequest(tx, rows.map((row) => row.id));
  const requests: AuditRow[] = rows.map((row) => ({
    id: row.id,
    at: row.receivedAt,
    source: row.source,
    actor: row.actor,
    kind: row.kind,
    status: row.status,
    reason: row.reason,
    note: noteOf(row.body),
    transfers: transfers
      .filter((transfer) => transfer.requestId === row.id)
      .map((transfer) => ({ seq: transfer.seq, action: transfer.action, sender: transfer.senderWalletId, receiver: transfer.receiverWalletId, asset: transfer.assetId, amount: transfer.amount })),
  }));
  const last = rows.at(-1);
  return { requests, next: last && rows.length === query.limit ? `${last.receivedAt}|${last.id}` : null };
}

/** The operator's own words in a request body (a correction's reason), else null. */
function noteOf(body: string): string | null {
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === 'object' && parsed !== null && 'reason' in parsed && typeof parsed.reason === 'string' ? parsed.reason : null;
  } catch {
    return null;
  }
}
