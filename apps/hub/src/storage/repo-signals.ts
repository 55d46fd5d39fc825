/** Signals between processes (signals/relay.ts). */
import { asc, gt, lt, sql } from 'drizzle-orm';
import type { Tx } from './types';

export interface SignalRow {
  id: number;
  origin: string;
  kind: string;
  payload: string;
}

export async function insertSignal(tx: Tx, row: { origin: string; kind: string; payload: string; at: string }): Promise<void> {
  await tx.db.insert(tx.t.signals).values(row);
}

export async function listSignalsAfter(tx: Tx, id: number, limit: number): Promise<SignalRow[]> {
  const { signals } = tx.t;
  const rows = await tx.db.select({ id: signals.id, origin: signals.origin, kind: signals.kind, payload: signals.payload }).from(signals).where(gt(signals.id, id)).orderBy(asc(signals.id)).limit(limit);
  return rows.map((row) => ({ ...row, id: Number(row.id) }));
}

export async function latestSignalId(tx: Tx): Promise<number> {
  const [row] = await tx.db.select({ id: sql<number | string | null>`max(${tx.t.signals.id})` }).from(tx.t.signals);
  return Number(row?.id ?? 0);
}

export async function pruneSignals(tx: Tx, before: string): Promise<void> {
  await tx.db.delete(tx.t.signals).where(lt(tx.t.signals.at, before));
}

/** PostgreSQL: a NOTIFY on `channel` (delivered at commit, to every session listening). */
export async function notify(tx: Tx, channel: string, payload: string): Promise<void> {
  await tx.all(sql`select pg_notify(${channel}, ${payload})`);
}
