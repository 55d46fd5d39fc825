/**
 * The card change stream: every change of a card's state gets a seq, in commit
 * order, so that tills catch up with deltas after a full snapshot.
 */
import { asc, desc, gt } from 'drizzle-orm';
import { chunks, lockCommitOrder } from './batch';
import { selectRows } from './fast-select';
import { prepared } from './prepared';
import type { Tx } from './types';

/**
 * Appends the cards whose state changed to the stream tills follow for `update`
 * deltas. Returns the new cursor (the last seq written), or undefined for no cards.
 */
export async function appendCardChanges(tx: Tx, cardIds: readonly string[], changedAt: string): Promise<number | undefined> {
  const unique = [...new Set(cardIds)];
  if (unique.length === 0) return undefined;
  await lockCommitOrder(tx);
  const { cardChanges } = tx.t;
  let cursor = 0;
  // Each request and push appends a few: a cached statement costs less than building one.
  if (tx.sqlite) {
    const statement = prepared<[string, string]>(tx.sqlite, 'INSERT INTO card_changes (card_id, changed_at) VALUES (?, ?)');
    for (const cardId of unique) cursor = Math.max(cursor, Number(statement.run(cardId, changedAt).lastInsertRowid));
    return cursor;
  }
  for (const chunk of chunks(unique, 2)) {
    const inserted = await tx.db
      .insert(cardChanges)
      .values(chunk.map((cardId) => ({ cardId, changedAt })))
      .returning({ seq: cardChanges.seq });
    for (const row of inserted) cursor = Math.max(cursor, row.seq);
  }
  return cursor;
}

/**
 * Cards changed after `cursor` (each once, in order of their first change in the
 * page), and the cursor to resume from: the seq of the last change read.
 */
export async function listCardChangesAfter(
  tx: Tx,
  cursor: number,
  limit: number,
): Promise<{ cursor: number; cardIds: string[] }> {
  const { cardChanges } = tx.t;
  const rows = tx.sqlite
    ? selectRows(tx.sqlite, cardChanges, 'where "seq" > ? order by "seq" asc limit ?', [cursor, limit])
    : await tx.db.select().from(cardChanges).where(gt(cardChanges.seq, cursor)).orderBy(asc(cardChanges.seq)).limit(limit);
  const last = rows.at(-1);
  return { cursor: last?.seq ?? cursor, cardIds: [...new Set(rows.map((row) => row.cardId))] };
}

/** The current end of the card change stream, 0 when empty: a full snapshot's cursor. */
export async function latestCardChange(tx: Tx): Promise<number> {
  const { cardChanges } = tx.t;
  const [row] = await tx.db.select({ seq: cardChanges.seq }).from(cardChanges).orderBy(desc(cardChanges.seq)).limit(1);
  return row?.seq ?? 0;
}
