/**
 * What every till process shares (the bare agent, and the headless till with its
 * UI in apps/kiosk): configuration from the environment, the reader, the agent,
 * pairing on first start, one log line per change, and a clean stop on signals.
 *
 * Environment:
 *   FEDOW_DATA_DIR      where the key and the journal live (default $STATE_DIRECTORY under systemd,
 *                       else $XDG_STATE_HOME/fedow-till, else ~/.local/state/fedow-till)
 *   FEDOW_HUB_URL       the hub's address, e.g. https://hub.example — needed to pair
 *   FEDOW_PAIRING_CODE  first start only: the operator's 8-character code
 *   FEDOW_TILL_NAME     the till's name at pairing (default: the host name)
 *   FEDOW_READER        pcsc | wedge | simulator (default pcsc; the simulator reads UIDs on stdin)
 *   FEDOW_LANGUAGE      fr | en (default fr)
 *   FEDOW_WEDGE_*       the keyboard wedge's format (wedge-config.ts)
 */
import { homedir, hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { createReader, type ReaderConfig } from '@fedow/nfc';
import { openAgent, type AgentEvent, type TillAgent } from './agent';
import type { Language } from '../reason';
import { wedgeFormatFromEnv } from './wedge-config';

export type AgentProcessConfig = { dataDir: string; hubUrl?: string; code?: string; name: string; reader: ReaderConfig; language: Language };

/**
 * The till's key must never land in a working copy git would commit: the default
 * is the user's state folder, not the current directory (the kiosk README runs the
 * service from apps/kiosk). A relative FEDOW_DATA_DIR is read from `cwd`.
 */
export function tillDataDir(env: NodeJS.ProcessEnv, cwd: string = process.cwd()): string {
  if (env.FEDOW_DATA_DIR) return resolve(cwd, env.FEDOW_DATA_DIR);
  if (env.STATE_DIRECTORY) return resolve(cwd, env.STATE_DIRECTORY);
  return join(env.XDG_STATE_HOME || join(env.HOME || homedir(), '.local', 'state'), 'fedow-till');
}

export function agentConfigFromEnv(env: NodeJS.ProcessEnv): { ok: true; config: AgentProcessConfig } | { ok: false; message: string } {
  const readerKind = (env.FEDOW_READER ?? 'pcsc').trim();
  let reader: ReaderConfig;
  if (readerKind === 'pcsc') reader = { kind: 'pcsc' };
  else if (readerKind === 'wedge' || readerKind === 'keyboard-wedge') {
    const format = wedgeFormatFromEnv(env);
    if (!format.ok) return format;
    // Under the till UI the keys arrive through the bridge (agent.wedgeLine); the bare agent reads its stdin.
    reader = { kind: 'keyboard-wedge', format: format.format, input: process.stdin };
  }
  else if (readerKind === 'simulator') reader = { kind: 'simulator', input: process.stdin };
  else return { ok: false, message: `FEDOW_READER must be pcsc, wedge or simulator, not "${readerKind}"` };
  const language = env.FEDOW_LANGUAGE === 'en' ? 'en' : 'fr';
  return {
    ok: true,
    config: {
      dataDir: tillDataDir(env),
      ...(env.FEDOW_HUB_URL ? { hubUrl: env.FEDOW_HUB_URL } : {}),
      ...(env.FEDOW_PAIRING_CODE ? { code: env.FEDOW_PAIRING_CODE } : {}),
      name: env.FEDOW_TILL_NAME ?? hostname(),
      reader,
      language,
    },
  };
}

export function logLine(line: string): void {
  process.stdout.write(`${new Date().toISOString()} ${line}\n`);
}

function describe(event: AgentEvent, last: { sync: string; reader: string; session: string }): string | undefined {
  switch (event.type) {
    case 'state': {
      const { sync, reader, session } = event.state;
      const syncLine = `sync ${sync.status}${sync.reason ? ` (${sync.reason})` : ''} pending=${sync.pendingCount}`;
      const readerLine = `reader ${reader.connected ? 'connected' : 'absent'}${reader.lastError ? ` (${reader.lastError})` : ''}`;
      const sessionLine = session ? `session open (${session.primary})` : 'locked';
      const changed = [syncLine !== last.sync ? syncLine : '', readerLine !== last.reader ? readerLine : '', sessionLine !== last.session ? sessionLine : '']
        .filter(Boolean)
        .join(' · ');
      last.sync = syncLine;
      last.reader = readerLine;
      last.session = sessionLine;
      return changed || undefined;
    }
    case 'decision':
      return event.outcome.approve
        ? `approved ${event.outcome.kind} ${event.outcome.total} card ${event.outcome.card} (${event.outcome.auth})`
        : `declined ${event.outcome.code}: ${event.outcome.reason}`;
    case 'alert':
      return `ALERT ${event.alert.code}: ${event.alert.message}`;
    case 'tap':
      return event.locked ? `tap ${event.card} while locked` : `card check ${event.card}`;
  }
}

/**
 * Opens the reader and the agent, logs what happens, pairs on first start.
 * A number is an exit code: the reader could not be opened.
 */
export async function startAgentProcess(config: AgentProcessConfig): Promise<TillAgent | number> {
  const created = await createReader(config.reader);
  if (!created.ok) {
    logLine(`card reader: ${created.reason}`);
    return 3;
  }
  const agent: TillAgent = openAgent({ dataDir: config.dataDir, reader: created.reader, language: config.language });
  const last = { sync: '', reader: '', session: '' };
  agent.subscribe((event) => {
    const line = describe(event, last);
    if (line) logLine(line);
  });
  agent.start();
  const paired = agent.snapshot().paired;
  if (paired) {
    logLine(`till ${paired.terminal} of ${paired.placeName}, hub ${paired.hubUrl}, data ${config.dataDir}`);
  } else if (config.hubUrl && config.code) {
    const result = await agent.pair(config.hubUrl, config.code, config.name);
    logLine(result.ok ? `paired as ${result.identity.terminal} (${result.identity.placeName})` : `pairing failed: ${result.code}: ${result.message}`);
  } else {
    logLine('not paired: set FEDOW_HUB_URL and FEDOW_PAIRING_CODE, or pair from the till screen');
  }
  return agent;
}

/** Runs `main` until SIGTERM or SIGINT, then its stop; exits with its code. */
export function runProcess(main: () => Promise<number | (() => Promise<void>)>): void {
  main()
    .then(async (outcome) => {
      if (typeof outcome === 'number') return outcome;
      await new Promise<void>((done) => {
        process.once('SIGTERM', done);
        process.once('SIGINT', done);
      });
      logLine('stopping');
      await outcome();
      return 0;
    })
    .then(
      (code) => process.exit(code),
      (error: unknown) => {
        logLine(`fatal: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        process.exit(1);
      },
    );
}
