/** `fedow …` as an operator runs it: a real child process, in a folder and an environment the suite sets up. */
import { execFile } from 'node:child_process';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { main } from '../../src/cli/main';

export const FEDOW_BIN = fileURLToPath(new URL('../../bin/fedow.mjs', import.meta.url));

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

type Where = () => { cwd: string; env: NodeJS.ProcessEnv };

/** The runner and its `--json` form; `where` is read at each run (suites set it in beforeAll). */
export function cliProcess(where: Where) {
  const fedow = (...args: string[]): Promise<Run> =>
    new Promise((resolve) => {
      const { cwd, env } = where();
      // Generous: a Node and tsx start takes seconds on a loaded machine.
      execFile(process.execPath, [FEDOW_BIN, ...args], { cwd, env, timeout: 90_000 }, (error, stdout, stderr) => {
        resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
      });
    });
  return { fedow, json: jsonOf(fedow) };
}

/**
 * The same commands through the CLI's own entry function, in this process, with the
 * suite's folder and environment for the time of each command: a child process costs
 * a Node and tsx start (about a second, much more on a loaded machine) per command.
 * Suites keep the real process (cliProcess) where the process is what they test.
 * Commands run one at a time: they borrow process.env and the working folder.
 */
export function cliInProcess(where: Where) {
  let running = false;
  const fedow = async (...args: string[]): Promise<Run> => {
    if (running) throw new Error('cliInProcess runs one command at a time (it borrows process.env and the working folder)');
    running = true;
    const { cwd, env } = where();
    const savedEnv = { ...process.env };
    const savedCwd = process.cwd();
    const out: string[] = [];
    const err: string[] = [];
    try {
      replaceEnv(env);
      process.chdir(cwd);
      const code = await main(args, { stdout: sink(out), stderr: sink(err) });
      return { code, stdout: out.join(''), stderr: err.join('') };
    } finally {
      process.chdir(savedCwd);
      replaceEnv(savedEnv);
      running = false;
    }
  };
  return { fedow, json: jsonOf(fedow) };
}

/** `--json` prints exactly one JSON object. */
function jsonOf(fedow: (...args: string[]) => Promise<Run>) {
  return async (...args: string[]): Promise<Record<string, any>> => {
    const run = await fedow(...args, '--json');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim().split('\n')).toHaveLength(1);
    return JSON.parse(run.stdout);
  };
}

function sink(lines: string[]): Writable {
  return new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) });
}

function replaceEnv(env: NodeJS.ProcessEnv): void {
  for (const name of Object.keys(process.env)) if (!(name in env)) delete process.env[name];
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
}
