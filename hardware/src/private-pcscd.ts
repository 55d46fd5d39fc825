/**
 * A pcscd of our own, beside the system one, for tests that must stop, restart or
 * monopolise a reader without disturbing anybody else's.
 *
 * pcscd's runtime directory (/run/pcscd: socket and pid file) is compiled in, so the
 * daemon runs in a private mount namespace where a temporary directory is bind-mounted
 * over /run/pcscd; the socket is then reachable from outside at `<dir>/pcscd.comm`, and
 * clients find it through PCSCLITE_CSOCK_NAME. Its vpcd readers listen on ports of
 * our choosing. Needs root (unshare -m, mount), pcscd and vsmartcard-vpcd.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const VPCD_DRIVER_PATH = '/usr/lib/pcsc/drivers/serial/libifdvpcd.so';
const READY_MS_MAX = 10_000;
const POLL_MS = 50;
const PORT_TRIES_MAX = 20;

export interface PrivatePcscd {
  /** Give this to PCSCLITE_CSOCK_NAME (or `createPcscReader({ socketPath })`). */
  readonly socketPath: string;
  /** vpcd port of slot 0 ("Virtual PCD 00 00"); slot 1 is `port + 1`. */
  readonly port: number;
  readonly running: boolean;
  /** Kills the daemon: its readers vanish for every client. */
  stop(): Promise<void>;
  /** Starts it again with the same socket and ports. */
  start(): Promise<void>;
  /** Stops it and deletes its directory. */
  dispose(): Promise<void>;
}

export type PrivatePcscdResult = { ok: true; pcscd: PrivatePcscd } | { ok: false; reason: string };

/** Why a private pcscd cannot run here, or null when it can. */
export function privatePcscdUnsupported(): string | null {
  if (process.getuid?.() !== 0) return 'needs root (unshare -m and mount)';
  if (!existsSync('/usr/sbin/pcscd')) return 'pcscd is not installed (apt-get install pcscd)';
  if (!existsSync(VPCD_DRIVER_PATH)) return 'vpcd driver missing (apt-get install vsmartcard-vpcd)';
  return null;
}

export async function startPrivatePcscd(): Promise<PrivatePcscdResult> {
  const unsupported = privatePcscdUnsupported();
  if (unsupported) return { ok: false, reason: `private pcscd unavailable: ${unsupported}` };
  const port = await findPortPair();
  if (port === null) return { ok: false, reason: 'private pcscd unavailable: no free pair of ports' };
  const directory = await mkdtemp(path.join(os.tmpdir(), 'fedow-pcscd-'));
  const runDirectory = path.join(directory, 'run');
  const configDirectory = path.join(directory, 'reader.conf.d');
  await mkdir(runDirectory);
  await mkdir(configDirectory);
  await writeFile(path.join(configDirectory, 'vpcd'), readerConf(port));
  const pcscd = new Daemon(directory, runDirectory, configDirectory, port);
  const started = await pcscd.startChecked();
  if (!started.ok) {
    await pcscd.dispose();
    return started;
  }
  return { ok: true, pcscd };
}

function readerConf(port: number): string {
  // DEVICENAME /dev/null:<port> makes vpcd listen (slot n on port + n) rather than connect out.
  return `FRIENDLYNAME "Virtual PCD"\nDEVICENAME /dev/null:${port}\nLIBPATH ${VPCD_DRIVER_PATH}\nCHANNELID ${port}\n`;
}

class Daemon implements PrivatePcscd {
  private child: ChildProcess | null = null;
  private output = '';
  readonly socketPath: string;

  constructor(
    private readonly directory: string,
    private readonly runDirectory: string,
    private readonly configDirectory: string,
    readonly port: number,
  ) {
    this.socketPath = path.join(runDirectory, 'pcscd.comm');
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(): Promise<void> {
    const started = await this.startChecked();
    if (!started.ok) throw new Error(started.reason);
  }

  async startChecked(): Promise<{ ok: true } | { ok: false; reason: string }> {
    if (this.running) return { ok: true };
    await rm(this.socketPath, { force: true });
    await rm(path.join(this.runDirectory, 'pcscd.pid'), { force: true });
    // unshare and sh both exec, so the child's pid is pcscd's own.
    const script = `mount --bind '${this.runDirectory}' /run/pcscd && exec pcscd --foreground -c '${this.configDirectory}'`;
    const child = spawn('unshare', ['-m', 'sh', '-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.stdout?.on('data', (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-4000)));
    child.stderr?.on('data', (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-4000)));
    const deadline = Date.now() + READY_MS_MAX;
    while (Date.now() < deadline) {
      if (!this.running) return { ok: false, reason: `private pcscd exited: ${this.output.trim()}` };
      if ((await canConnect({ path: this.socketPath })) && (await canConnect({ host: '127.0.0.1', port: this.port }))) {
        return { ok: true };
      }
      await sleep(POLL_MS);
    }
    await this.stop();
    return { ok: false, reason: `private pcscd not ready after ${READY_MS_MAX} ms: ${this.output.trim()}` };
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    await exited;
    this.child = null;
  }

  async dispose(): Promise<void> {
    await this.stop();
    await rm(this.directory, { recursive: true, force: true });
  }
}

/** Probes without sending anything; vpcd drops a connection that never answers. */
function canConnect(target: { path: string } | { host: string; port: number }): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(target);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** vpcd binds every interface, so check the pair is free there, not only on loopback. */
async function findPortPair(): Promise<number | null> {
  for (let attempt = 0; attempt < PORT_TRIES_MAX; attempt++) {
    // Even ports from 40000 to 59998, so that port + 1 stays in range.
    const port = 40_000 + Math.floor(Math.random() * 10_000) * 2;
    if ((await portFree(port)) && (await portFree(port + 1))) return port;
  }
  return null;
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '0.0.0.0', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
