/** Turnover for the operators' reports: one grouped query, never a walk over every transfer. */
import { sql } from 'drizzle-orm';
import type { Tx } from './types';

/** The actions a report counts: sales, top-ups, refunds and memberships. */
export const REPORTED_ACTIONS = ['SAL', 'QRS', 'REF', 'RFD', 'SUB'] as const;
export type ReportedAction = (typeof REPORTED_ACTIONS)[number];

export interface TurnoverGroup {
  /** UTC day of the till's clock when a till signed it, of the hub's otherwise. */
  day: string;
  action: ReportedAction;
  assetId: string;
  /** The till that signed it; null for the cash desk, a wallet or a provider. */
  terminalId: string | null;
  /** The cashier's card at the till. */
  primaryCardId: string | null;
  /** The till's place, else the place whose wallet paid or was paid. */
  placeId: string | null;
  /** How a top-up or membership was paid (`cash`, `card`, `transfer`): the entry's meta, or the cash desk's request. */
  payment: string | null;
  transfers: number;
  amount: number;
}

export interface TurnoverQuery {
  /** ISO timestamps, `from` included, `to` excluded, on the same clock as `day`. */
  from: string;
  to: string;
  placeId?: string;
}

/**
 * How far ahead of the hub's a till's clock may run and its sales still count on their
 * day. A transfer reaches the hub after the till made it, so hub time bounds the scan
 * (index transfers_at) and the report reads only recent rows, not the whole ledger.
 */
export const TILL_CLOCK_AHEAD_MS_MAX = 48 * 3_600_000;

function hubTimeFrom(fromIso: string): string {
  return new Date(Date.parse(fromIso) - TILL_CLOCK_AHEAD_MS_MAX).toISOString();
}

export async function turnoverGroups(tx: Tx, query: TurnoverQuery): Promise<TurnoverGroup[]> {
  const when = sql`coalesce(t.till_at, t.at)`;
  const place = sql`coalesce(tm.place_id, rp.id, sp.id)`;
  // A till's payment method is in its entry's meta, copied to the transfer's; the cash
  // desk's is in its request's body (`method`).
  const payment =
    tx.dialect === 'sqlite'
      ? sql`coalesce(json_extract(t.meta, '$.payment'), json_extract(rq.body, '$.method'))`
      : sql`coalesce(t.meta::jsonb ->> 'payment', rq.body::jsonb ->> 'method')`;
  const placeFilter = query.placeId === undefined ? sql`` : sql` and ${place} = ${query.placeId}`;
  const rows = await tx.all<Record<string, unknown>>(sql`
    select substr(${when}, 1, 10) as day, t.action as action, t.asset_id as asset_id, e.terminal_id as terminal_id,
      t.primary_card_id as primary_card_id, ${place} as place_id, ${payment} as payment,
      count(*) as transfers, sum(t.amount) as amount
    from transfers t
    left join entries e on e.id = t.entry_id
    left join requests rq on rq.id = t.request_id
    left join terminals tm on tm.id = e.terminal_id
    left join places rp on rp.wallet_id = t.receiver_wallet_id
    left join places sp on sp.wallet_id = t.sender_wallet_id
    where t.at >= ${hubTimeFrom(query.from)} and t.action in ('SAL', 'QRS', 'REF', 'RFD', 'SUB') and ${when} >= ${query.from} and ${when} < ${query.to}${placeFilter}
    group by 1, 2, 3, 4, 5, 6, 7`);
  return rows.map(groupOf).sort(byDayPlaceTill);
}

function groupOf(row: Record<string, unknown>): TurnoverGroup {
  return {
    day: String(row.day),
    // The where clause admits only the reported actions.
    action: row.action as ReportedAction,
    assetId: String(row.asset_id),
    terminalId: nullableText(row.terminal_id),
    primaryCardId: nullableText(row.primary_card_id),
    placeId: nullableText(row.place_id),
    payment: nullableText(row.payment),
    // PostgreSQL returns count and sum as text (bigint, numeric).
    transfers: Number(row.transfers),
    amount: Number(row.amount),
  };
}

/** Sorted here, not in SQL: the dialects put nulls at opposite ends. */
function byDayPlaceTill(a: TurnoverGroup, b: TurnoverGroup): number {
  const keys = (group: TurnoverGroup) => [group.day, group.placeId, group.terminalId, group.primaryCardId, group.assetId, group.action, group.payment].map((key) => key ?? '');
  const left = keys(a);
  const right = keys(b);
  for (let index = 0; index < left.length; index++) {
    const order = left[index]!.localeCompare(right[index]!);
    if (order !== 0) return order;
  }
  return 0;
}

function nullableText(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}
