/**
 * A simulation campaign: `npm run sim -- --schedules 10000 --seed 1` runs the
 * schedules seed, seed+1, ... with a progress bar, on one worker process per
 * core (`--jobs` to choose), and stops at the first failure with its seed, the
 * last events and the one-line replay command.
 */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { replayCommand, runCampaign } from './campaign';
import { DEFAULT_SCHEDULE } from './schedule';

const { values } = parseArgs({
  options: { schedules: { type: 'string', default: '100' }, seed: { type: 'string', default: '1' }, steps: { type: 'string' }, jobs: { type: 'string', default: String(availableParallelism()) } },
});
const schedules = Number(values.schedules);
const first = Number(values.seed);
const jobs = Number(values.jobs);
const steps = values.steps === undefined ? undefined : Number(values.steps);
const schedule = { ...DEFAULT_SCHEDULE, ...(steps === undefined ? {} : { steps }) };

const started = performance.now();
let shown = -1;
const progress = (done: number) => {
  const percent = Math.floor((done * 100) / schedules);
  if (percent === shown) return;
  shown = percent;
  const elapsed = ((performance.now() - started) / 1000).toFixed(0);
  if (process.stderr.isTTY) process.stderr.write(`\rschedules [${'#'.repeat(Math.round(percent * 0.3))}${'.'.repeat(30 - Math.round(percent * 0.3))}] ${done}/${schedules} ${percent}% ${elapsed} s`);
  else process.stderr.write(`schedules ${done}/${schedules} (${percent}%) ${elapsed} s\n`);
};

const result = await runCampaign({ first, schedules, jobs, schedule, onProgress: progress });
if (process.stderr.isTTY) process.stderr.write('\n');
if (!result.ok) {
  console.error(result.message);
  console.error(`last events:\n  ${result.trace.join('\n  ')}`);
  console.error(`replay: ${replayCommand(result.seed, steps)}`);
  process.exit(1);
}
console.log(`${schedules} schedules from seed ${first} (${schedule.steps} steps, ${schedule.tills} tills, ${schedule.cards} cards each, ${jobs} jobs) in ${result.seconds} s: 0 violations`);
console.log(JSON.stringify(result.totals));
process.exit(0);
