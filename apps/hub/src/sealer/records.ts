/** Stored rows ↔ the ledger's block and transfer shapes: one mapping, shared by the sealer and verify. */
import type { Block, TransferRecord } from '@fedow/ledger';
import type { Block as BlockRow, Transfer } from '../storage/rows';

/**
 * A stored transfer as the ledger hashes it. `meta` is stored as JSON text and
 * hashed as the object it encodes (JCS), so the text's formatting does not matter.
 */
export function transferRecord(row: Transfer): TransferRecord {
  return {
    seq: row.seq,
    id: row.id,
    action: row.action,
    sender: row.senderWalletId,
    receiver: row.receiverWalletId,
    asset: row.assetId,
    amount: row.amount,
    card: row.cardId,
    primaryCard: row.primaryCardId,
    // Ids are UUIDs: a transfer's origin is a till's entry or a request, never both.
    entry: row.entryId ?? row.requestId,
    at: row.at,
    tillAt: row.tillAt,
    meta: parseMeta(row.meta),
    hash: row.hash,
    block: row.blockHeight,
  };
}

/** Blocks are stored without the hub key they name: there is one hub per database. */
export function blockRecord(row: BlockRow, hub: string): Block {
  return { ...row, hub };
}

export function blockRow(block: Block): BlockRow {
  const { hub: _hub, ...row } = block;
  return row;
}

function parseMeta(text: string | null): Record<string, unknown> | null {
  if (text === null) return null;
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`transfer meta is not a JSON object: ${text.slice(0, 80)}`);
  // Checked just above: a plain JSON object.
  return value as Record<string, unknown>;
}
