import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildHub, type Hub } from '../src/app';
import type { Timers } from '../src/clock';
import { configFromEnv } from '../src/config';

/** Timers that never fire on their own: the test sees which periods the hub asked for. */
function recordingTimers(): Timers & { periods: number[] } {
  const periods: number[] = [];
  return {
    periods,
    after: () => ({ cancel() {} }),
    every(ms) {
      periods.push(ms);
      return { cancel() {} };
    },
  };
}

describe("the hub's background timers", () => {
  let hub: Hub | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await hub?.app.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the money schedules (melt sweep, compensation, time spent) run through the timers seam, so a simulation sets their moments', async () => {
    dir = mkdtempSync(join(tmpdir(), 'fedow-timers-'));
    const timers = recordingTimers();
    hub = await buildHub(configFromEnv({}, { keyPath: join(dir, 'hub.key'), log: false, meltSweepMs: 7_777, compensation: 'weekly', databaseUrl: `sqlite:${join(dir, 'fedow.sqlite')}` }), { timers });
    await hub.app.ready();
    // The melt sweep's own period, and the hourly compensation and time-spent checks.
    expect(timers.periods).toContain(7_777);
    expect(timers.periods.filter((ms) => ms === 3_600_000).length).toBe(2);
  });
});
