/**
 * One job of a campaign (campaign.ts): receives its seeds, runs them in order,
 * reports each schedule, and stops at its first failure.
 */
import type { WorkerMessage, WorkerPlan } from './campaign';
import { runSchedule, ScheduleFailure } from './schedule';

const send = (message: WorkerMessage) => new Promise<void>((resolve, reject) => process.send!(message, (error: Error | null) => (error ? reject(error) : resolve())));

// Stopped by the campaign (another job failed) or by Ctrl-C: exit handlers remove the worlds' files.
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => process.exit(1));
// The campaign's process is gone (killed): nobody is left to report to.
process.once('disconnect', () => process.exit(1));

process.once('message', async (plan: WorkerPlan) => {
  for (const seed of plan.seeds) {
    try {
      const result = await runSchedule(seed, plan.schedule);
      await send({ type: 'passed', seed, outcomes: result.outcomes });
    } catch (error) {
      const failure = error instanceof ScheduleFailure ? error : new ScheduleFailure(seed, error instanceof Error ? (error.stack ?? error.message) : String(error), []);
      await send({ type: 'failed', seed, message: failure.message, trace: failure.trace });
      process.exit(1);
    }
  }
  process.exit(0);
});
