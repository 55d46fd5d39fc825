/**
 * The shifts report: every cashier shift with its float, the cash the ledger
 * expected, the cash counted and the difference, as JSON or CSV. Read-only.
 * Money in euro cents (the drawer holds euros), formatted only in the CSV.
 */
import { decimalAmount, SHIFT_ALERT_THRESHOLD_DEFAULT, type CashCount } from '@fedow/protocol';
import type { HubContext } from '../context';
import { HubError } from '../errors';
import { dayRange } from '../reports/turnover';
import * as repo from '../storage/repo';

/** A report lists at most this many shifts: narrow the days or the place for more. */
export const SHIFTS_LISTED_MAX = 5_000;

export interface ShiftLine {
  id: string;
  status: 'open' | 'closed';
  place: string;
  placeName: string;
  till: string;
  tillName: string;
  /** The cashier card that opened it, and the one that closed it. */
  cashier: string;
  closedBy: string | null;
  /** Till clock. */
  openedAt: string;
  closedAt: string | null;
  float: number;
  floatCount: CashCount | null;
  expected: number | null;
  tillExpected: number | null;
  counted: number | null;
  count: CashCount | null;
  difference: number | null;
  alertThreshold: number | null;
  alert: boolean;
}

export interface ShiftsReport {
  from: string | null;
  to: string | null;
  place: string | null;
  shifts: ShiftLine[];
  /** The place's threshold, or the default when it sets none, per place listed. */
  thresholds: Record<string, number>;
}

export interface ShiftsRange {
  from?: string;
  to?: string;
  place?: string;
}

export async function shiftsReport(context: HubContext, range: ShiftsRange): Promise<ShiftsReport> {
  if ((range.from === undefined) !== (range.to === undefined)) throw new HubError('bad_request', 'give both days of the range (from and to), or neither');
  const bounds = range.from !== undefined && range.to !== undefined ? dayRange(range.from, range.to) : null;
  const tx = context.storage.read;
  const rows = await repo.listShifts(tx, {
    limit: SHIFTS_LISTED_MAX + 1,
    ...(range.place === undefined ? {} : { placeId: range.place }),
    ...(bounds === null ? {} : { from: bounds.fromIso, to: bounds.toIso }),
  });
  if (rows.length > SHIFTS_LISTED_MAX) throw new HubError('bad_request', `more than ${SHIFTS_LISTED_MAX} shifts: narrow the days or the place`);
  const places = new Map((await repo.listPlaces(tx)).map((place) => [place.id, place]));
  const tills = new Map((await repo.listTerminals(tx)).map((terminal) => [terminal.id, terminal.name]));
  const shifts = rows.map((row): ShiftLine => ({
    id: row.id,
    status: row.closeSeq === null ? 'open' : 'closed',
    place: row.placeId,
    placeName: places.get(row.placeId)?.name ?? row.placeId,
    till: row.terminalId,
    tillName: tills.get(row.terminalId) ?? row.terminalId,
    cashier: row.cashier,
    closedBy: row.closedBy,
    openedAt: row.openedAt,
    closedAt: row.closedAt,
    float: row.float,
    floatCount: parseCount(row.floatCount),
    expected: row.expected,
    tillExpected: row.tillExpected,
    counted: row.counted,
    count: parseCount(row.count),
    difference: row.difference,
    alertThreshold: row.alertThreshold,
    alert: row.alert,
  }));
  const thresholds = Object.fromEntries([...new Set(shifts.map((shift) => shift.place))].map((id) => [id, places.get(id)?.shiftAlertThreshold ?? SHIFT_ALERT_THRESHOLD_DEFAULT]));
  return { from: range.from ?? null, to: range.to ?? null, place: range.place ?? null, shifts, thresholds };
}

function parseCount(text: string | null): CashCount | null {
  // Written by ingest from a validated entry: JSON of a CashCount.
  return text === null ? null : (JSON.parse(text) as CashCount);
}

const HEADER = ['opened_at', 'closed_at', 'place', 'till', 'cashier', 'closed_by', 'status', 'currency_code', 'float', 'expected', 'counted', 'difference', 'alert'];

/** One row per shift, amounts in euros with a decimal point (what spreadsheets parse). */
export function shiftsCsv(report: ShiftsReport): string {
  const euros = (cents: number | null) => (cents === null ? '' : decimalAmount(cents, 2));
  const rows = report.shifts.map((shift) => [
    shift.openedAt,
    shift.closedAt ?? '',
    shift.placeName,
    shift.tillName,
    shift.cashier,
    shift.closedBy ?? '',
    shift.status,
    'EUR',
    euros(shift.float),
    euros(shift.expected),
    euros(shift.counted),
    euros(shift.difference),
    shift.alert ? 'yes' : 'no',
  ]);
  return [HEADER, ...rows].map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}

/** As the turnover CSV: quoted when needed, a leading =+-@ neutralised unless it is a negative number. */
function cell(text: string): string {
  const safe = /^[=+\-@]/.test(text) && !/^-\d/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Sets a place's alert threshold in cents (null: back to the default). */
export async function setShiftAlertThreshold(context: HubContext, placeId: string, threshold: number | null): Promise<{ place: string; threshold: number; default: boolean }> {
  const updated = await context.storage.transaction((tx) => repo.setPlaceShiftThreshold(tx, placeId, threshold));
  if (!updated) throw new HubError('not_found', `no place ${placeId}`);
  return { place: placeId, threshold: threshold ?? SHIFT_ALERT_THRESHOLD_DEFAULT, default: threshold === null };
}
