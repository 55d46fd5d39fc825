import { describe, expect, it } from 'vitest';
import { DEFAULT_SCHEDULE, runSchedule, ScheduleFailure } from './sim/schedule';

/**
 * The deterministic simulation (issue 15, part 1), bounded for the test run:
 * `npm run sim -- --schedules 10000` runs a campaign.
 */
const SCHEDULES = Number(process.env.FEDOW_SIM_SCHEDULES ?? 20);

describe('the simulation of tills and hub under faults', () => {
  it(`holds every invariant over ${SCHEDULES} schedules`, async () => {
    const totals: Record<string, number> = {};
    for (let seed = 1; seed <= SCHEDULES; seed++) {
      try {
        const result = await runSchedule(seed, DEFAULT_SCHEDULE);
        for (const [what, n] of Object.entries(result.outcomes)) totals[what] = (totals[what] ?? 0) + n;
      } catch (error) {
        if (error instanceof ScheduleFailure) throw new Error(`${error.message}\nreplay: npm run sim -- --seed ${error.seed} --schedules 1\n${error.trace.join('\n')}`);
        throw error;
      }
    }
    console.log(JSON.stringify(totals));
    expect(totals['sale approved online'] ?? 0).toBeGreaterThan(0);
  }, 600_000);
});
