/** `fedow …` as an operator runs it: a real child process, in a folder and an environment the suite sets up. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

export const FEDOW_BIN = fileURLToPath(new URL('../../bin/fedow.mjs', import.meta.url));

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The runner and its `--json` form; `where` is read at each run (suites set it in beforeAll). */
export function cliProcess(where: () => { cwd: string; env: NodeJS.ProcessEnv }) {
  const fedow = (...args: string[]): Promise<Run> =>
    new Promise((resolve) => {
      const { cwd, env } = where();
      execFile(process.execPath, [FEDOW_BIN, ...args], { cwd, env, timeout: 30_000 }, (error, stdout, stderr) => {
        resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
      });
    });
  /** `--json` prints exactly one JSON object. */
  const json = async (...args: string[]): Promise<Record<string, any>> => {
    const run = await fedow(...args, '--json');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim().split('\n')).toHaveLength(1);
    return JSON.parse(run.stdout);
  };
  return { fedow, json };
}
