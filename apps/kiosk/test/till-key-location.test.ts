/**
 * Issue 16.5: following the kiosk README literally never puts the till's key in
 * a folder git would commit. The command is read from the README itself, run
 * from apps/kiosk as npm runs it, and the agent opened on that data folder.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SimulatorReader } from '@fedow/nfc';
import { KEY_FILE_NAME, openAgent, tillDataDir } from '@fedow/terminal';

const KIOSK_DIR = join(import.meta.dirname, '..');
const REPO = execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd: KIOSK_DIR, encoding: 'utf8' }).trim();

/** The `NAME=value` assignments before `npm run headless` in the README's "Run it". */
function readmeEnvironment(): Record<string, string> {
  const readme = readFileSync(join(KIOSK_DIR, 'README.md'), 'utf8');
  const line = readme.split('\n').find((text) => /^\S.*npm run headless -w @fedow\/kiosk/.test(text));
  if (!line) throw new Error('the kiosk README no longer shows how to run the headless till');
  const assignments = line.slice(0, line.indexOf('npm run')).trim().split(/\s+/).filter(Boolean);
  return Object.fromEntries(assignments.map((assignment) => assignment.split('=') as [string, string]));
}

/** Inside the working copy and not ignored: `git add -A` would take it. */
function committable(path: string): boolean {
  const inside = relative(REPO, path);
  if (inside.startsWith('..') || inside.startsWith(sep)) return false;
  try {
    execFileSync('git', ['check-ignore', '-q', path], { cwd: REPO });
    return false;
  } catch {
    return true;
  }
}

describe('the till key’s folder', () => {
  it('following the kiosk README, the key lands outside anything git would commit', async () => {
    const home = mkdtempSync(join(tmpdir(), 'fedow-home-'));
    try {
      const env: Record<string, string> = { ...readmeEnvironment(), HOME: home };
      expect(env.FEDOW_READER).toBe('simulator');
      const dataDir = tillDataDir(env, KIOSK_DIR);
      expect(committable(join(dataDir, KEY_FILE_NAME))).toBe(false);
      const agent = openAgent({ dataDir, reader: new SimulatorReader() });
      await agent.close();
      expect(existsSync(join(dataDir, KEY_FILE_NAME))).toBe(true);
      expect(dataDir.startsWith(home)).toBe(true);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('the old habit, FEDOW_DATA_DIR=.fedow-till from apps/kiosk or the root, is ignored by git', () => {
    for (const cwd of [KIOSK_DIR, REPO]) {
      expect(committable(join(tillDataDir({ FEDOW_DATA_DIR: '.fedow-till' }, cwd), KEY_FILE_NAME))).toBe(false);
    }
    expect(committable(join(KIOSK_DIR, 'till-data', KEY_FILE_NAME))).toBe(true);
  });

  it('defaults to the user’s state folder, or systemd’s', () => {
    expect(tillDataDir({ HOME: '/home/cashier' })).toBe('/home/cashier/.local/state/fedow-till');
    expect(tillDataDir({ HOME: '/home/cashier', XDG_STATE_HOME: '/var/state' })).toBe('/var/state/fedow-till');
    expect(tillDataDir({ STATE_DIRECTORY: '/var/lib/fedow-agent' })).toBe('/var/lib/fedow-agent');
  });
});
