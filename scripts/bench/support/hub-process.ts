import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** A hub run the way an operator runs it (`fedow serve`), in its own process so its RSS is its own. */
export interface HubProcess {
  pid: number;
  /** ws://127.0.0.1:PORT/sync */
  syncUrl: string;
  /** Resident set size of the hub process, bytes (VmRSS). */
  rss(): number;
  /** CPU seconds the hub process has used so far, all its threads (user + system). */
  cpuSeconds(): number;
  /** CPU seconds its main thread, the ingest's one serial stage, has used so far: user and kernel apart. */
  mainThreadCpu(): { user: number; kernel: number };
  stop(): Promise<void>;
}

/** `database`: a SQLite file's path, or a database URL (`sqlite:…`, `postgres://…`; `env` then names its hub key, HUB_KEY_FILE). */
export async function startHubProcess(database: string, nodeOptions: readonly string[] = [], env: Readonly<Record<string, string>> = {}): Promise<HubProcess> {
  const child = spawn(process.execPath, [...nodeOptions, 'apps/hub/bin/fedow.mjs', 'serve', '--port', '0', '--host', '127.0.0.1'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: database.includes('://') || database.startsWith('sqlite:') ? database : `sqlite:${database}`, LOG_LEVEL: 'warn', HUB_KEY: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    if (stderr.length > 20_000) stderr = stderr.slice(-20_000);
  });
  const address = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => reject(new Error(`the hub did not start within 30 s: ${stderr}`)), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /listening on (http:\/\/[\d.]+:\d+)/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the hub exited with ${code} before listening: ${stderr}`));
    });
  });
  // If the bench dies, the hub must not outlive it.
  const reap = () => child.kill('SIGKILL');
  process.once('exit', reap);
  child.on('exit', () => process.removeListener('exit', reap));
  child.on('exit', (code, signal) => {
    if (code !== 0 && signal !== 'SIGTERM' && signal !== 'SIGKILL') console.error(`bench: the hub exited with ${code ?? signal}: ${stderr}`);
  });
  return {
    pid: child.pid!,
    syncUrl: `${address.replace('http://', 'ws://')}/sync`,
    rss: () => vmRss(child.pid!),
    cpuSeconds: () => cpuSeconds(child.pid!),
    mainThreadCpu: () => statTimes(`/proc/${child.pid!}/task/${child.pid!}/stat`),
    stop: () => stop(child),
  };
}

function vmRss(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]) * 1024;
}

/** Clock ticks per second of /proc's times: 100 on Linux (USER_HZ). */
const TICKS_PER_SECOND = 100;

function cpuSeconds(pid: number): number {
  const { user, kernel } = statTimes(`/proc/${pid}/stat`);
  return user + kernel;
}

/** A process's or a thread's (`/proc/PID/task/TID/stat`) user and kernel CPU seconds. */
function statTimes(path: string): { user: number; kernel: number } {
  // Fields after the command's closing parenthesis (which may hold spaces): utime and stime are the 12th and 13th.
  const stat = readFileSync(path, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { user: Number(fields[11]) / TICKS_PER_SECOND, kernel: Number(fields[12]) / TICKS_PER_SECOND };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
