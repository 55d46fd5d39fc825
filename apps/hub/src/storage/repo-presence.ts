/** Till presence as a running hub records it, for processes that do not hold its sockets. */
import { and, eq, not, sql, type SQL } from 'drizzle-orm';
import type BetterSqlite3 from 'better-sqlite3';
import { inList } from './batch';
import { prepared } from './prepared';
import type { TillPresenceRow } from './rows';
import type { Tx } from './types';

/**
 * Replaces what `recordedBy` recorded with `rows` (one snapshot of its live tills):
 * its rows of tills gone are deleted, the others upserted. Rows another hub wrote
 * are left alone, unless that hub now holds the till (the row then moves to it).
 *
 * Two statements whose text is the same whatever the number of tills, the live
 * tills in one parameter (a JSON array on SQLite, column arrays on PostgreSQL).
 * A hub writes this every 5 s: with a `not in (?, …)` of a parameter per till,
 * SQLite's statement cache kept one compiled statement per count of tills seen
 * (~100 MB once 1,000 tills had joined); with an upsert per till, a write of
 * 1,000 tills took ~0.5 s of the event loop and 23 MB of garbage.
 */
export async function recordPresence(tx: Tx, recordedBy: string, rows: readonly Omit<TillPresenceRow, 'recordedBy'>[]): Promise<void> {
  if (tx.sqlite) return recordPresenceSqlite(tx.sqlite, recordedBy, rows);
  const { tillPresence } = tx.t;
  const mine = eq(tillPresence.recordedBy, recordedBy);
  if (rows.length === 0) {
    await tx.db.delete(tillPresence).where(mine);
    return;
  }
  await tx.db.delete(tillPresence).where(and(mine, not(inList(tx, tillPresence.terminalId, rows.map((row) => row.terminalId)))));
  await tx.run(sql`
    INSERT INTO till_presence (terminal_id, recorded_by, recorded_at, connected_at, last_message_at, lag_entries)
    ${liveRows(recordedBy, rows)}
    ON CONFLICT (terminal_id) DO UPDATE SET recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at,
      connected_at = excluded.connected_at, last_message_at = excluded.last_message_at, lag_entries = excluded.lag_entries`);
}

// WHERE true: without it SQLite reads the ON CONFLICT that follows as a join's ON.
const SQLITE_LIVE_ROWS = `SELECT json_extract(value, '$[0]'), ?, json_extract(value, '$[1]'), json_extract(value, '$[2]'),
  json_extract(value, '$[3]'), json_extract(value, '$[4]') FROM json_each(?) WHERE true`;

/**
 * The same two statements on SQLite, prepared once: a hub writes its presence every
 * 5 s whether anything changed or not, and building them through drizzle cost more
 * than running them. An empty snapshot deletes every row of `recordedBy` (nothing is
 * NOT IN an empty list) and inserts none.
 */
function recordPresenceSqlite(sqlite: BetterSqlite3.Database, recordedBy: string, rows: readonly Omit<TillPresenceRow, 'recordedBy'>[]): void {
  const live = JSON.stringify(rows.map((row) => [row.terminalId, row.recordedAt, row.connectedAt, row.lastMessageAt, row.lagEntries]));
  prepared(sqlite, `DELETE FROM till_presence WHERE recorded_by = ? AND terminal_id NOT IN (SELECT json_extract(value, '$[0]') FROM json_each(?))`).run(recordedBy, live);
  if (rows.length === 0) return;
  prepared(
    sqlite,
    `INSERT INTO till_presence (terminal_id, recorded_by, recorded_at, connected_at, last_message_at, lag_entries)
    ${SQLITE_LIVE_ROWS}
    ON CONFLICT (terminal_id) DO UPDATE SET recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at,
      connected_at = excluded.connected_at, last_message_at = excluded.last_message_at, lag_entries = excluded.lag_entries`,
  ).run(recordedBy, live);
}

/** The rows as unnest()ed column arrays (PostgreSQL). */
function liveRows(recordedBy: string, rows: readonly Omit<TillPresenceRow, 'recordedBy'>[]): SQL {
  const column = (pick: (row: Omit<TillPresenceRow, 'recordedBy'>) => string | number) => sql.param(rows.map(pick));
  return sql`SELECT terminal_id, ${recordedBy}, recorded_at, connected_at, last_message_at, lag_entries
    FROM unnest(${column((row) => row.terminalId)}::text[], ${column((row) => row.recordedAt)}::text[], ${column((row) => row.connectedAt)}::text[],
      ${column((row) => row.lastMessageAt)}::text[], ${column((row) => row.lagEntries)}::integer[])
      AS u(terminal_id, recorded_at, connected_at, last_message_at, lag_entries)`;
}

export async function listPresence(tx: Tx): Promise<TillPresenceRow[]> {
  return tx.db.select().from(tx.t.tillPresence);
}
