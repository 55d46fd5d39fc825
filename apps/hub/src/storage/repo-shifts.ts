/** Cashier shifts (schema `shifts`): the rows ingest writes, and the reads the reports make. */
import { and, asc, eq, gte, lt, sql, type SQL } from 'drizzle-orm';
import type * as s from './schema-pg';
import type { Tx } from './types';

export type ShiftRow = typeof s.shifts.$inferSelect;
export type NewShift = Pick<ShiftRow, 'id' | 'terminalId' | 'placeId' | 'cashier' | 'openSeq' | 'openedAt' | 'float' | 'floatCount'>;
export type ShiftClose = Pick<ShiftRow, 'closeSeq' | 'closedAt' | 'closedBy' | 'counted' | 'count' | 'expected' | 'tillExpected' | 'difference' | 'alertThreshold' | 'alert'>;

/** Stores an opening; false when the shift is already stored (an entry is applied once, so only a bug repeats it). */
export async function insertShift(tx: Tx, row: NewShift): Promise<boolean> {
  const inserted = await tx.db.insert(tx.t.shifts).values(row).onConflictDoNothing().returning({ id: tx.t.shifts.id });
  return inserted.length === 1;
}

export async function getShift(tx: Tx, id: string): Promise<ShiftRow | undefined> {
  const [row] = await tx.db.select().from(tx.t.shifts).where(eq(tx.t.shifts.id, id));
  return row;
}

/** Closes an open shift of `terminalId`; false when there is none under that id, or it is closed already. */
export async function closeShiftRow(tx: Tx, terminalId: string, id: string, close: ShiftClose): Promise<boolean> {
  const { shifts } = tx.t;
  const updated = await tx.db
    .update(shifts)
    .set(close)
    .where(and(eq(shifts.id, id), eq(shifts.terminalId, terminalId), sql`${shifts.closeSeq} is null`))
    .returning({ id: shifts.id });
  return updated.length === 1;
}

/** What went through a till's drawer between two of its entries: applied transfers, grouped. */
export interface DrawerGroup {
  action: string;
  payment: string | null;
  category: string;
  decimals: number;
  amount: number;
}

/**
 * The transfers of `terminalId`'s entries with afterSeq < seq < beforeSeq that may
 * move cash (top-ups, memberships, refunds), summed per action, payment method and
 * asset kind. The till's chain orders them: clocks do not matter.
 */
export async function drawerGroups(tx: Tx, terminalId: string, afterSeq: number, beforeSeq: number): Promise<DrawerGroup[]> {
  const payment = tx.dialect === 'sqlite' ? sql`json_extract(t.meta, '$.payment')` : sql`t.meta::jsonb ->> 'payment'`;
  const rows = await tx.all<Record<string, unknown>>(sql`
    select t.action as action, ${payment} as payment, a.category as category, a.decimals as decimals, sum(t.amount) as amount
    from transfers t
    join entries e on e.id = t.entry_id
    join assets a on a.id = t.asset_id
    where e.terminal_id = ${terminalId} and e.seq > ${afterSeq} and e.seq < ${beforeSeq} and t.action in ('REF', 'SUB', 'RFD')
    group by 1, 2, 3, 4`);
  // PostgreSQL returns sums as text (numeric).
  return rows.map((row) => ({
    action: String(row.action),
    payment: row.payment === null || row.payment === undefined ? null : String(row.payment),
    category: String(row.category),
    decimals: Number(row.decimals),
    amount: Number(row.amount),
  }));
}

export interface ShiftQuery {
  placeId?: string;
  /** Openings from this till time (inclusive) to that one (exclusive), RFC 3339. */
  from?: string;
  to?: string;
  limit: number;
}

/** Shifts by opening time, oldest first. */
export async function listShifts(tx: Tx, query: ShiftQuery): Promise<ShiftRow[]> {
  const { shifts } = tx.t;
  const where: SQL[] = [];
  if (query.placeId !== undefined) where.push(eq(shifts.placeId, query.placeId));
  if (query.from !== undefined) where.push(gte(shifts.openedAt, query.from));
  if (query.to !== undefined) where.push(lt(shifts.openedAt, query.to));
  return tx.db
    .select()
    .from(shifts)
    .where(where.length > 0 ? and(...where) : undefined)
    .orderBy(asc(shifts.openedAt), asc(shifts.id))
    .limit(query.limit);
}

/** Shifts whose difference went beyond their threshold, newest first: the dashboard's alerts. */
export async function listShiftAlerts(tx: Tx, limit: number): Promise<ShiftRow[]> {
  const { shifts } = tx.t;
  return tx.db.select().from(shifts).where(eq(shifts.alert, true)).orderBy(sql`${shifts.closedAt} desc`).limit(limit);
}

/** Sets a place's shift alert threshold (cents); null returns it to the default. False: no such place. */
export async function setPlaceShiftThreshold(tx: Tx, placeId: string, threshold: number | null): Promise<boolean> {
  const { places } = tx.t;
  const updated = await tx.db.update(places).set({ shiftAlertThreshold: threshold }).where(eq(places.id, placeId)).returning({ id: places.id });
  return updated.length === 1;
}
