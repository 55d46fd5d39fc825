/**
 * Turnover: sales, top-ups, refunds and memberships per day, place, till, cashier
 * card, asset and payment method, from the ledger's transfers. Read-only: a report
 * never writes, so it needs no ledger rule of its own.
 */
import type { HubContext } from '../context';
import { HubError } from '../errors';
import * as repo from '../storage/repo';
import { KIND_OF, methodOf, type TurnoverLine, type TurnoverReport } from './turnover-lines';

export * from './turnover-lines';

/** A report covers at most this many days: one grouped query over a bounded range. */
export const REPORT_DAYS_MAX = 366;

export interface TurnoverRange {
  from: string;
  to: string;
  place?: string;
}

export async function turnoverReport(context: HubContext, range: TurnoverRange): Promise<TurnoverReport> {
  const { fromIso, toIso } = dayRange(range.from, range.to);
  const tx = context.storage.read;
  const groups = await repo.turnoverGroups(tx, { from: fromIso, to: toIso, ...(range.place === undefined ? {} : { placeId: range.place }) });
  const assets = await repo.getAssets(tx, [...new Set(groups.map((group) => group.assetId))]);
  const tags = await repo.cardTags(tx, groups.flatMap((group) => (group.primaryCardId ? [group.primaryCardId] : [])));
  const places = Object.fromEntries((await repo.listPlaces(tx)).map((place) => [place.id, place.name]));
  const tills = Object.fromEntries((await repo.listTerminals(tx)).map((terminal) => [terminal.id, terminal.name]));
  const lines = groups.map(
    (group): TurnoverLine => ({
      day: group.day,
      kind: KIND_OF[group.action],
      action: group.action,
      asset: group.assetId,
      place: group.placeId,
      till: group.terminalId,
      cashier: group.primaryCardId === null ? null : (tags.get(group.primaryCardId) ?? null),
      method: methodOf(KIND_OF[group.action], group.payment, assets.get(group.assetId)?.category === 'FED'),
      count: group.transfers,
      amount: group.amount,
    }),
  );
  return { from: range.from, to: range.to, place: range.place ?? null, lines, names: { places, tills } };
}

/** UTC day bounds of an inclusive range of days; a range backwards or too long is the caller's error. */
export function dayRange(from: string, to: string): { fromIso: string; toIso: string } {
  const start = Date.parse(`${from}T00:00:00.000Z`);
  const end = Date.parse(`${to}T00:00:00.000Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(from) || !/^\d{4}-\d{2}-\d{2}$/.test(to) || Number.isNaN(start) || Number.isNaN(end)) {
    throw new HubError('bad_request', 'days are written YYYY-MM-DD');
  }
  if (end < start) throw new HubError('bad_request', `the report ends (${to}) before it starts (${from})`);
  const days = (end - start) / 86_400_000 + 1;
  if (days > REPORT_DAYS_MAX) throw new HubError('bad_request', `a report covers at most ${REPORT_DAYS_MAX} days, not ${days}`);
  return { fromIso: new Date(start).toISOString(), toIso: new Date(end + 86_400_000).toISOString() };
}

