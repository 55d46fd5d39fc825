/** `fedow …` in this process, on a hub data folder of its own: the CLI's rough edges without a child process each. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { main } from '../../src/cli/main';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliHome {
  dir: string;
  run(...args: string[]): Promise<CliRun>;
  /** The one JSON object a `--json` command printed. */
  json(...args: string[]): Promise<any>;
  close(): void;
}

const VARIABLES = ['FEDOW_DATA_DIR', 'DATABASE_URL', 'HUB_KEY_FILE', 'HUB_KEY'] as const;

/** Sets FEDOW_DATA_DIR to a fresh folder (or `existing`) while the commands run (the CLI reads the environment). */
export function cliHome(existing?: string): CliHome {
  const dir = existing ?? mkdtempSync(join(tmpdir(), 'fedow-cli-home-'));
  const saved = new Map(VARIABLES.map((name) => [name, process.env[name]]));
  const run = async (...args: string[]): Promise<CliRun> => {
    for (const name of VARIABLES) delete process.env[name];
    process.env.FEDOW_DATA_DIR = dir;
    const out: string[] = [];
    const err: string[] = [];
    const sink = (lines: string[]) => new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) });
    try {
      const code = await main(args, { stdout: sink(out), stderr: sink(err) });
      return { code, stdout: out.join(''), stderr: err.join('') };
    } finally {
      for (const [name, value] of saved) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  };
  return {
    dir,
    run,
    async json(...args) {
      const result = await run(...args, '--json');
      if (result.code !== 0) throw new Error(`fedow ${args.join(' ')} exited ${result.code}: ${result.stdout}${result.stderr}`);
      return JSON.parse(result.stdout);
    },
    close: () => {
      if (existing === undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}
