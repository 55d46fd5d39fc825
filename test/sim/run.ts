/**
 * A simulation campaign: `npm run sim -- --schedules 10000 --seed 1` runs the
 * schedules seed, seed+1, ... with a progress bar, and stops at the first
 * failure with its seed, the last events and the one-line replay command.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_SCHEDULE, runSchedule, ScheduleFailure } from './schedule';

const { values } = parseArgs({ options: { schedules: { type: 'string', default: '100' }, seed: { type: 'string', default: '1' }, steps: { type: 'string' } } });
const schedules = Number(values.schedules);
const first = Number(values.seed);
const options = { ...DEFAULT_SCHEDULE, ...(values.steps ? { steps: Number(values.steps) } : {}) };

const totals: Record<string, number> = {};
const started = performance.now();
let shown = -1;
for (let index = 0; index < schedules; index++) {
  const seed = first + index;
  try {
    const result = await runSchedule(seed, options);
    for (const [what, n] of Object.entries(result.outcomes)) totals[what] = (totals[what] ?? 0) + n;
  } catch (error) {
    if (process.stderr.isTTY) process.stderr.write('\n');
    if (error instanceof ScheduleFailure) {
      console.error(error.message);
      console.error(`last events:\n  ${error.trace.join('\n  ')}`);
      console.error(`replay: npm run sim -- --seed ${error.seed} --schedules 1${values.steps ? ` --steps ${values.steps}` : ''}`);
    } else console.error(error);
    process.exit(1);
  }
  const percent = Math.floor(((index + 1) * 100) / schedules);
  if (percent !== shown) {
    shown = percent;
    const elapsed = (performance.now() - started) / 1000;
    if (process.stderr.isTTY) process.stderr.write(`\rschedules [${'#'.repeat(Math.round(percent * 0.3))}${'.'.repeat(30 - Math.round(percent * 0.3))}] ${index + 1}/${schedules} ${percent}% ${elapsed.toFixed(0)} s`);
    else if (percent % 5 === 0) process.stderr.write(`schedules ${index + 1}/${schedules} (${percent}%) ${elapsed.toFixed(0)} s\n`);
  }
}
if (process.stderr.isTTY) process.stderr.write('\n');
console.log(`${schedules} schedules from seed ${first} (${options.steps} steps, ${options.tills} tills, ${options.cards} cards each) in ${((performance.now() - started) / 1000).toFixed(0)} s: 0 violations`);
console.log(JSON.stringify(totals));
process.exit(0);
