import { parseArgs } from 'node:util';
import { AMOUNT_MAX, decimalAmount, UuidInput } from '@fedow/protocol';
import { z } from 'zod';
import { setShiftAlertThreshold, shiftsCsv, shiftsReport } from '../shifts/report';
import { integer, type Io, oneAction, print, table, UsageError, validate } from './io';
import { withContext, withExistingContext } from './open';

export const SHIFTS_USAGE = 'fedow shifts --list [--place ID] [--from YYYY-MM-DD --to YYYY-MM-DD] [--csv] | --alert-threshold CENTS|default --place ID  [--json]';

const ACTIONS = ['list', 'alert-threshold'] as const;
const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a day is written YYYY-MM-DD');

/** Cashier shifts: list them (float, expected, counted, difference), or set a place's alert threshold. */
export async function shiftsCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      list: { type: 'boolean' },
      'alert-threshold': { type: 'string' },
      place: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      csv: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  const action = oneAction(values, ACTIONS, 'shifts');
  const place = values.place === undefined ? undefined : validate(UuidInput, values.place, 'place');
  if (action === 'alert-threshold') {
    if (place === undefined) throw new UsageError('--alert-threshold needs --place');
    const text = values['alert-threshold']!;
    const threshold = text === 'default' ? null : validate(z.number().int().min(0).max(AMOUNT_MAX), integer(text, 'alert-threshold'), 'alert-threshold');
    const set = await withContext(io, (context) => setShiftAlertThreshold(context, place, threshold));
    print(io, values.json, set, () => [`place ${set.place}: a shift differing by more than ${decimalAmount(set.threshold, 2)} € raises an alert${set.default ? ' (the default)' : ''}`]);
    return 0;
  }
  const range = {
    ...(values.from === undefined ? {} : { from: validate(Day, values.from, 'from') }),
    ...(values.to === undefined ? {} : { to: validate(Day, values.to, 'to') }),
    ...(place === undefined ? {} : { place }),
  };
  // A read: it never creates a database (issue 16.12).
  const report = await withExistingContext(io, (context) => shiftsReport(context, range));
  if (values.csv) {
    io.stdout.write(shiftsCsv(report));
    return 0;
  }
  const euros = (cents: number | null) => (cents === null ? '—' : `${decimalAmount(cents, 2)} €`);
  print(io, values.json, { ...report }, () =>
    report.shifts.length === 0
      ? ['no shift']
      : table([
          ['opened', 'closed', 'place', 'till', 'cashier', 'float', 'expected', 'counted', 'difference', 'alert'],
          ...report.shifts.map((shift) => [
            shift.openedAt,
            shift.closedAt ?? 'open',
            shift.placeName,
            shift.tillName,
            shift.cashier,
            euros(shift.float),
            euros(shift.expected),
            euros(shift.counted),
            euros(shift.difference),
            shift.alert ? 'ALERT' : '',
          ]),
        ]),
  );
  return 0;
}
