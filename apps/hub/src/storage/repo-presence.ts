/** Till presence as a running hub records it, for processes that do not hold its sockets. */
import { and, eq, notInArray } from 'drizzle-orm';
import type { TillPresenceRow } from './rows';
import type { Tx } from './types';

/**
 * Replaces what `recordedBy` recorded with `rows` (one snapshot of its live tills):
 * its rows of tills gone are deleted, the others upserted. Rows another hub wrote
 * are left alone, unless that hub now holds the till (the row then moves to it).
 */
export async function recordPresence(tx: Tx, recordedBy: string, rows: Omit<TillPresenceRow, 'recordedBy'>[]): Promise<void> {
  const { tillPresence } = tx.t;
  const live = rows.map((row) => row.terminalId);
  const mine = eq(tillPresence.recordedBy, recordedBy);
  await tx.db.delete(tillPresence).where(live.length === 0 ? mine : and(mine, notInArray(tillPresence.terminalId, live)));
  for (const row of rows) {
    const values = { ...row, recordedBy };
    await tx.db.insert(tillPresence).values(values).onConflictDoUpdate({ target: tillPresence.terminalId, set: values });
  }
}

export async function listPresence(tx: Tx): Promise<TillPresenceRow[]> {
  return tx.db.select().from(tx.t.tillPresence);
}
