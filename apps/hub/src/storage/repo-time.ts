/** Time spent in a place (issue 14.4): a door till's badge taps, and the bookings already made from them. */
import { and, asc, desc, eq, gte, like, lt } from 'drizzle-orm';
import type { Request, TimeRulesRow } from './rows';
import type { Tx } from './types';

export interface BadgeTap {
  id: string;
  cardId: string;
  tillAt: string;
}

/** The BDG transfers a place's tills recorded with till time in [from, to), each with its card. */
export async function badgeTaps(tx: Tx, placeWallet: string, from: string, to: string): Promise<BadgeTap[]> {
  const { transfers } = tx.t;
  const rows = await tx.db
    .select({ id: transfers.id, cardId: transfers.cardId, tillAt: transfers.tillAt })
    .from(transfers)
    .where(and(eq(transfers.action, 'BDG'), eq(transfers.receiverWalletId, placeWallet), gte(transfers.tillAt, from), lt(transfers.tillAt, to)))
    .orderBy(asc(transfers.tillAt), asc(transfers.id));
  return rows.flatMap((row) => (row.cardId !== null && row.tillAt !== null ? [{ id: row.id, cardId: row.cardId, tillAt: row.tillAt }] : []));
}

/** The hub's requests whose idempotency key starts with `prefix` (no LIKE wildcard in it: ids and dates only). */
export async function hubRequestsByKeyPrefix(tx: Tx, prefix: string): Promise<Request[]> {
  const { requests } = tx.t;
  if (!/^[0-9A-Za-z:-]+$/.test(prefix)) throw new Error(`hubRequestsByKeyPrefix: ${prefix} is not made of ids and dates`);
  return tx.db
    .select()
    .from(requests)
    .where(and(eq(requests.source, 'hub'), eq(requests.actor, 'hub'), like(requests.idempotencyKey, `${prefix}%`)))
    .orderBy(asc(requests.receivedAt));
}

/** Sets a place's time rules (one row per place). */
export async function upsertTimeRules(tx: Tx, row: TimeRulesRow): Promise<void> {
  const { timeRules } = tx.t;
  const { placeId: _placeId, ...set } = row;
  await tx.db.insert(timeRules).values(row).onConflictDoUpdate({ target: timeRules.placeId, set });
}

export async function getTimeRules(tx: Tx, placeId: string): Promise<TimeRulesRow | undefined> {
  const { timeRules } = tx.t;
  const [row] = await tx.db.select().from(timeRules).where(eq(timeRules.placeId, placeId));
  return row;
}

export async function listTimeRules(tx: Tx): Promise<TimeRulesRow[]> {
  const { timeRules } = tx.t;
  return tx.db.select().from(timeRules).orderBy(asc(timeRules.placeId));
}

/** The hub's time-spent bookings of one card, the latest first (the key names the card: `time:<place>:<asset>:<card>:<day>:<minutes>`). */
export async function timeBookingsOfCard(tx: Tx, cardId: string, limit: number): Promise<Request[]> {
  const { requests } = tx.t;
  if (!/^[0-9a-f-]+$/.test(cardId)) throw new Error(`timeBookingsOfCard: ${cardId} is not an id`);
  return tx.db
    .select()
    .from(requests)
    .where(and(eq(requests.source, 'hub'), eq(requests.kind, 'time-spent'), eq(requests.status, 'applied'), like(requests.idempotencyKey, `time:%:${cardId}:%`)))
    .orderBy(desc(requests.receivedAt))
    .limit(limit);
}
