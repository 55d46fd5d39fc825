/**
 * The links between transfers, entries and requests that LEDGER.md's invariants
 * rest on (an applied source behind every transfer, offline sales behind a debt),
 * and the chain's row counts.
 */
import { and, asc, count, eq, isNotNull, ne, or, sql } from 'drizzle-orm';
import { inList } from './batch';
import type { Tx } from './types';

/**
 * Bodies of applied entries behind SAL transfers from `walletId` in `assetId` whose
 * body says `"auth":"offline"` (invariant 5). Bodies are stored as JCS text, so the
 * member is written exactly like that; inside a JSON string the quotes would be
 * escaped, so a note cannot fake it. The caller still parses what comes back.
 */
export async function offlineSaleBodies(tx: Tx, walletId: string, assetId: string, limit: number): Promise<string[]> {
  const { transfers, entries } = tx.t;
  const rows = await tx.db
    .select({ body: entries.body })
    .from(transfers)
    .innerJoin(entries, eq(entries.id, transfers.entryId))
    .where(
      and(
        eq(transfers.action, 'SAL'),
        eq(transfers.senderWalletId, walletId),
        eq(transfers.assetId, assetId),
        eq(entries.status, 'applied'),
        sql`${entries.body} like ${'%"auth":"offline"%'}`,
      ),
    )
    .limit(limit);
  return rows.map((row) => row.body);
}

/** Which of these entry ids at least one transfer names. */
export async function entriesWithTransfers(tx: Tx, entryIds: readonly string[]): Promise<Set<string>> {
  const { transfers } = tx.t;
  const found = new Set<string>();
  if (entryIds.length === 0) return found;
  const rows = await tx.db.selectDistinct({ entryId: transfers.entryId }).from(transfers).where(inList(tx, transfers.entryId, [...new Set(entryIds)]));
  for (const row of rows) if (row.entryId !== null) found.add(row.entryId);
  return found;
}

/** A transfer that names an entry which was not applied (a rejected entry moves no money), or undefined. */
export async function transferOfUnappliedEntry(tx: Tx): Promise<{ seq: number; entryId: string } | undefined> {
  const { transfers, entries } = tx.t;
  const [row] = await tx.db
    .select({ seq: transfers.seq, entryId: entries.id })
    .from(transfers)
    .innerJoin(entries, eq(entries.id, transfers.entryId))
    .where(and(isNotNull(transfers.entryId), ne(entries.status, 'applied')))
    .orderBy(asc(transfers.seq))
    .limit(1);
  return row;
}

/** The first transfer that names a request that was not applied, or names both an entry and a request. */
export async function transferOfUnappliedRequest(tx: Tx): Promise<{ seq: number; requestId: string } | undefined> {
  const { transfers, requests } = tx.t;
  const [row] = await tx.db
    .select({ seq: transfers.seq, requestId: requests.id })
    .from(transfers)
    .innerJoin(requests, eq(requests.id, transfers.requestId))
    .where(and(isNotNull(transfers.requestId), or(ne(requests.status, 'applied'), isNotNull(transfers.entryId))))
    .orderBy(asc(transfers.seq))
    .limit(1);
  return row;
}

/** Row counts, for progress totals. */
export async function countChain(tx: Tx): Promise<{ blocks: number; transfers: number; entries: number; balances: number }> {
  const { blocks, transfers, entries, balances } = tx.t;
  const one = async (query: Promise<{ n: number }[]>) => (await query)[0]?.n ?? 0;
  return {
    blocks: await one(tx.db.select({ n: count() }).from(blocks)),
    transfers: await one(tx.db.select({ n: count() }).from(transfers)),
    entries: await one(tx.db.select({ n: count() }).from(entries)),
    balances: await one(tx.db.select({ n: count() }).from(balances)),
  };
}
