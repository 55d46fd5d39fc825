import type { HubContext } from '../context';
import { HubError } from '../errors';
import { declarePlugin } from '../plugin';
import * as repo from '../storage/repo';
import { compensate, type CompensationPeriod } from './compensation';
import type { RequestOutcome } from './submit';

/** How often compensation runs on its own: never (the default), after each calendar month or each ISO week (UTC). */
export const COMPENSATION_CADENCES = ['off', 'monthly', 'weekly'] as const;
export type CompensationCadence = (typeof COMPENSATION_CADENCES)[number];

/** How often the schedule looks for a closed period not yet compensated. A run already booked is answered, not redone. */
const SCHEDULE_CHECK_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** The calendar month `YYYY-MM` as a period, [first day 00:00Z, first day of the next month 00:00Z). */
export function monthPeriod(month: string): CompensationPeriod {
  const match = /^(\d{4})-(\d{2})$/.exec(month);
  const monthIndex = match ? Number(match[2]) - 1 : -1;
  if (!match || monthIndex < 0 || monthIndex > 11) throw new HubError('bad_request', `a month is YYYY-MM, not ${month}`);
  const year = Number(match[1]);
  return { from: new Date(Date.UTC(year, monthIndex, 1)).toISOString(), to: new Date(Date.UTC(year, monthIndex + 1, 1)).toISOString() };
}

/** The last period of the cadence that ended at or before `now`. */
export function lastClosedPeriod(now: Date, cadence: Exclude<CompensationCadence, 'off'>): CompensationPeriod {
  if (cadence === 'monthly') {
    const to = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
    return { from: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)).toISOString(), to: new Date(to).toISOString() };
  }
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  // getUTCDay: Sunday 0; an ISO week starts on Monday.
  const monday = midnight - ((now.getUTCDay() + 6) % 7) * DAY_MS;
  return { from: new Date(monday - 7 * DAY_MS).toISOString(), to: new Date(monday).toISOString() };
}

/**
 * Compensates every federation over the last closed period. A period already
 * booked is answered by its run; one that overlaps a run asked by hand is left
 * to the operator (reported, not forced).
 */
export async function compensateDue(context: HubContext, cadence: Exclude<CompensationCadence, 'off'>): Promise<{ federation: string; outcome: RequestOutcome | null; error: string | null }[]> {
  const period = lastClosedPeriod(context.clock.now(), cadence);
  const results: { federation: string; outcome: RequestOutcome | null; error: string | null }[] = [];
  for (const federation of await repo.listFederations(context.storage.read)) {
    try {
      results.push({ federation: federation.id, outcome: await compensate(context, { federation: federation.id, ...period }), error: null });
    } catch (error) {
      if (!(error instanceof HubError)) throw error;
      results.push({ federation: federation.id, outcome: null, error: `${error.code}: ${error.message}` });
    }
  }
  return results;
}

/** The schedule as a hub plugin: a check at start and every hour while the hub runs, when a cadence is set. */
export const compensationSchedulePlugin = declarePlugin({ name: 'compensation-schedule' }, async (app, context, config) => {
  const cadence = config.compensation;
  if (cadence === 'off') return;
  let running: Promise<void> = Promise.resolve();
  const check = () => {
    running = running
      .then(() => compensateDue(context, cadence))
      .then((results) => {
        for (const result of results) {
          if (result.error) app.log.warn({ federation: result.federation }, `compensation: ${result.error}`);
          else if (result.outcome && !result.outcome.replayed) app.log.info({ federation: result.federation, request: result.outcome.request }, 'compensation: period booked');
        }
      })
      .catch((error: unknown) => app.log.error({ err: error }, 'compensation: the scheduled run failed, retrying at the next check'));
  };
  const timer = context.timers.every(SCHEDULE_CHECK_MS, check);
  app.addHook('onReady', async () => check());
  app.addHook('preClose', async () => {
    timer.cancel();
    await running;
  });
});
