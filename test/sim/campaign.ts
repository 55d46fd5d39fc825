import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { withBundle } from './bundle';
import type { ScheduleOptions } from './schedule';

/**
 * A campaign spread over worker processes, one per core: a schedule is one
 * process's work from start to end (its own virtual clock, files and event
 * loop), so schedules share nothing and run side by side. Job j of J runs
 * seeds first+j, first+j+J, …; the first failure stops every job, and what is
 * reported is the lowest seed that failed among those already run.
 */

export interface CampaignOptions {
  first: number;
  schedules: number;
  jobs: number;
  schedule: ScheduleOptions;
  /** Called after each schedule with how many are done. */
  onProgress?: (done: number) => void;
}

export type CampaignResult =
  | { ok: true; totals: Record<string, number>; seconds: number }
  | { ok: false; seed: number; message: string; trace: string[]; seconds: number };

/** What a worker sends for each schedule it ran. */
export type WorkerMessage =
  | { type: 'passed'; seed: number; outcomes: Record<string, number> }
  | { type: 'failed'; seed: number; message: string; trace: string[] };

export interface WorkerPlan {
  seeds: number[];
  schedule: ScheduleOptions;
}

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));

export function replayCommand(seed: number, steps?: number): string {
  return `npm run sim -- --seed ${seed} --schedules 1${steps === undefined ? '' : ` --steps ${steps}`}`;
}

export async function runCampaign(options: CampaignOptions): Promise<CampaignResult> {
  const started = performance.now();
  return withBundle(WORKER, (worker) => runJobs(worker, options, started));
}

async function runJobs(worker: string, options: CampaignOptions, started: number): Promise<CampaignResult> {
  const seconds = () => Math.round((performance.now() - started) / 1000);
  const jobs = Math.max(1, Math.min(options.jobs, options.schedules));
  const totals: Record<string, number> = {};
  const failures: Array<Extract<WorkerMessage, { type: 'failed' }>> = [];
  const children: ChildProcess[] = [];
  let done = 0;
  const stopAll = () => {
    for (const child of children) if (child.exitCode === null) child.kill();
  };
  const runs = Array.from({ length: jobs }, (_, job) => {
    const seeds = Array.from({ length: Math.ceil((options.schedules - job) / jobs) }, (_, index) => options.first + job + index * jobs);
    // Source maps: an unexpected error's stack names the TypeScript sources, not the bundle.
    const child = fork(worker, [], { execArgv: ['--enable-source-maps'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    children.push(child);
    child.send({ seeds, schedule: options.schedule } satisfies WorkerPlan);
    return new Promise<void>((resolve, reject) => {
      let finished = 0;
      child.on('message', (message: WorkerMessage) => {
        finished++;
        if (message.type === 'failed') {
          failures.push(message);
          stopAll();
          return;
        }
        for (const [what, n] of Object.entries(message.outcomes)) totals[what] = (totals[what] ?? 0) + n;
        options.onProgress?.(++done);
      });
      child.on('exit', (code, signal) => {
        if (failures.length > 0 || (code === 0 && finished === seeds.length)) resolve();
        else reject(new Error(`simulation job ${job} ended with ${signal ?? `code ${code}`} after ${finished} of ${seeds.length} schedules`));
      });
    });
  });
  try {
    await Promise.all(runs);
  } finally {
    stopAll();
  }
  if (failures.length > 0) {
    const first = failures.reduce((low, failure) => (failure.seed < low.seed ? failure : low));
    return { ok: false, seed: first.seed, message: first.message, trace: first.trace, seconds: seconds() };
  }
  return { ok: true, totals, seconds: seconds() };
}
