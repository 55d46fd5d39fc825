import { declarePlugin } from '../plugin';
import { bookDueTime } from './time-spent';

/** How often the hub books the time spent of closed days: late offline taps are counted within the hour. */
const TIME_CHECK_MS = 3_600_000;

/**
 * Time spent booked after ingest, by the hub (DECISIONS.md "Time spent in a
 * place"): at start and every hour, every place with time rules. Nothing to do
 * costs one query.
 */
export const timeSchedulePlugin = declarePlugin({ name: 'time-schedule' }, async (app, context) => {
  let running: Promise<void> = Promise.resolve();
  const check = () => {
    running = running
      .then(() => bookDueTime(context))
      .then((results) => {
        const booked = results.reduce((sum, result) => sum + result.booked, 0);
        if (booked > 0) app.log.info({ booked }, 'time spent: card days booked');
      })
      .catch((error: unknown) => app.log.error({ err: error }, 'time spent: booking failed, retrying at the next check'));
  };
  const timer = context.timers.every(TIME_CHECK_MS, check);
  app.addHook('onReady', async () => check());
  app.addHook('preClose', async () => {
    timer.cancel();
    await running;
  });
});
