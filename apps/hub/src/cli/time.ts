import { parseArgs } from 'node:util';
import { TimeBook, TimeRulesSet, UuidInput } from '@fedow/protocol';
import { bookDueTime, bookPlaceDay, setTimeRules } from '../money/time-spent';
import { integer, type Io, oneAction, print, required, UsageError, validate } from './io';
import { withContext } from './open';

export const TIME_USAGE =
  'fedow time --rules PLACE --asset TIM --mode accrue|debit [--round MIN] [--cap MIN] [--closing HH:MM] | --book PLACE --day YYYY-MM-DD | --due  [--json]';

const ACTIONS = ['rules', 'book', 'due'] as const;

/** Time spent in a place: set a place's rules, book a closed day, or what the schedule books. */
export async function timeCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      rules: { type: 'string' },
      asset: { type: 'string' },
      mode: { type: 'string' },
      round: { type: 'string' },
      cap: { type: 'string' },
      closing: { type: 'string' },
      book: { type: 'string' },
      day: { type: 'string' },
      due: { type: 'boolean' },
      json: { type: 'boolean', default: false },
    },
  });
  const action = oneAction(values, ACTIONS, 'time');
  if (action === 'rules') {
    const place = validate(UuidInput, values.rules, 'rules');
    const input = validate(TimeRulesSet, {
      asset: required(values, 'asset', 'rules'),
      mode: required(values, 'mode', 'rules'),
      roundingMinutes: values.round === undefined ? undefined : integer(values.round, 'round'),
      dailyCapMinutes: values.cap === undefined ? undefined : integer(values.cap, 'cap'),
      closingTime: values.closing,
    });
    const rules = await withContext(io, (context) => setTimeRules(context, { ...input, place }));
    print(io, values.json, { ...rules }, () => [
      `place ${rules.place}: ${rules.mode} ${rules.asset}, started blocks of ${rules.roundingMinutes} min, cap ${rules.dailyCapMinutes ?? 'none'}, closing ${rules.closingTime} UTC`,
    ]);
    return 0;
  }
  if (action === 'book') {
    const order = validate(TimeBook, { place: values.book, day: values.day });
    const days = await withContext(io, (context) => bookPlaceDay(context, order.place, order.day));
    print(io, values.json, { days }, () =>
      days.map((day) => `card ${day.card}: ${day.minutes === null ? 'a visit still open' : `${day.minutes} min`}${day.outcome ? ` (${day.outcome.replayed ? 'already booked' : `booked ${day.outcome.status}`})` : ''}`),
    );
    return 0;
  }
  if (values.due !== true) throw new UsageError('--due takes no value');
  const results = await withContext(io, (context) => bookDueTime(context));
  print(io, values.json, { results }, () => results.filter((result) => result.booked > 0).map((result) => `place ${result.place}, ${result.day}: ${result.booked} card day(s) booked`));
  return 0;
}
