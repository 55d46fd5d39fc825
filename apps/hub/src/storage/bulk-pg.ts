/**
 * The two hot writes of a large decision on PostgreSQL (a push's hundreds of
 * transfers, a melt page's thousands), as one statement each over unnest()ed
 * column arrays: a fixed handful of parameters whatever the row count. The
 * query builder's multi-row INSERT built a parameter per cell, and building it
 * cost more than running it (a melt page of 2,000: 13 × 2,000 parameters).
 */
import { sql } from 'drizzle-orm';
import type { MergedBalanceDelta } from './repo-ledger';
import type { Balance, NewTransfer } from './rows';
import type { Tx } from './types';

const column = <Row>(rows: readonly Row[], pick: (row: Row) => string | number | null | undefined) => sql.param(rows.map((row) => pick(row) ?? null));

/** Inserts transfers in the rows' order (seq follows it); returns each one's seq, by id. */
export async function insertTransfersUnnest(tx: Tx, rows: readonly NewTransfer[]): Promise<Map<string, number>> {
  const inserted = await tx.all<{ seq: string | number; id: string }>(sql`
    INSERT INTO transfers (id, action, sender_wallet_id, receiver_wallet_id, asset_id, amount, card_id, primary_card_id, entry_id, request_id, at, till_at, meta)
    SELECT id, action, sender, receiver, asset, amount, card, primary_card, entry, request, at, till_at, meta
    FROM unnest(${column(rows, (row) => row.id)}::text[], ${column(rows, (row) => row.action)}::text[],
      ${column(rows, (row) => row.senderWalletId)}::text[], ${column(rows, (row) => row.receiverWalletId)}::text[],
      ${column(rows, (row) => row.assetId)}::text[], ${column(rows, (row) => row.amount)}::bigint[],
      ${column(rows, (row) => row.cardId)}::text[], ${column(rows, (row) => row.primaryCardId)}::text[],
      ${column(rows, (row) => row.entryId)}::text[], ${column(rows, (row) => row.requestId)}::text[],
      ${column(rows, (row) => row.at)}::text[], ${column(rows, (row) => row.tillAt)}::text[], ${column(rows, (row) => row.meta)}::text[])
      WITH ORDINALITY AS u(id, action, sender, receiver, asset, amount, card, primary_card, entry, request, at, till_at, meta, ordinal)
    ORDER BY ordinal
    RETURNING seq, id`);
  return new Map(inserted.map((row) => [row.id, Number(row.seq)]));
}

/** Adds merged deltas to their balances (creating missing rows), with the same activity rules as the SQLite writer; returns the new rows. */
export async function applyBalanceDeltasUnnest(tx: Tx, rows: readonly MergedBalanceDelta[]): Promise<Balance[]> {
  const updated = await tx.all<{ wallet_id: string; asset_id: string; value: string | number; active_at: string | null; melted: string | number }>(sql`
    INSERT INTO balances (wallet_id, asset_id, value, active_at, melted)
    SELECT * FROM unnest(${column(rows, (row) => row.walletId)}::text[], ${column(rows, (row) => row.assetId)}::text[],
      ${column(rows, (row) => row.delta)}::bigint[], ${column(rows, (row) => row.activeAt)}::text[], ${column(rows, (row) => row.melted)}::bigint[])
    ON CONFLICT (wallet_id, asset_id) DO UPDATE SET value = balances.value + excluded.value,
      active_at = coalesce(excluded.active_at, balances.active_at),
      melted = CASE WHEN excluded.active_at IS NULL THEN balances.melted + excluded.melted ELSE excluded.melted END
    RETURNING wallet_id, asset_id, value, active_at, melted`);
  return updated.map((row) => ({ walletId: row.wallet_id, assetId: row.asset_id, value: Number(row.value), activeAt: row.active_at, melted: Number(row.melted) }));
}
