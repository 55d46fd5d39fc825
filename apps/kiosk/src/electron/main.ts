/**
 * The Electron shell, kept thin: one kiosk window, one instance, the terminal
 * agent in this (main) process, the bridge over IPC. Everything a till does is in
 * packages/terminal and src/ui; this file only wires them and keeps them alive:
 * - the renderer crashes or hangs → the window reloads (the agent keeps its state);
 * - the agent throws out of its own callbacks → it is closed and opened again on
 *   the same data directory (the journal is committed before any "approved").
 *
 * Environment: FEDOW_READER (pcsc | wedge | simulator, default pcsc), FEDOW_WEDGE_* (the
 * wedge's format, packages/terminal/src/agent/wedge-config.ts), FEDOW_LANGUAGE,
 * FEDOW_DATA_DIR (default <userData>/till). Pairing is done on the pairing screen.
 * Bundled to dist/electron/main.cjs by `npm run build -w @fedow/kiosk`.
 */
import { join } from 'node:path';
import { app, BrowserWindow, ipcMain, session } from 'electron';
import { createReader, type ReaderConfig } from '@fedow/nfc';
import { openAgent, wedgeFormatFromEnv, type TillAgent } from '@fedow/terminal';
import { createDispatcher } from '../bridge/agent-handlers';
import { IPC_COMMAND, IPC_EVENT, type BridgeEvent } from '../bridge/contract';

const RELOADS_PER_MINUTE_MAX = 5;
const AGENT_RESTART_MS = 2_000;

let window: BrowserWindow | null = null;
let agent: TillAgent | null = null;
let unsubscribe: (() => void) | null = null;
const reloads: number[] = [];

function log(line: string): void {
  process.stdout.write(`${new Date().toISOString()} ${line}\n`);
}

function send(event: BridgeEvent): void {
  if (window && !window.isDestroyed()) window.webContents.send(IPC_EVENT, event);
}

function readerConfig(kind: string): ReaderConfig {
  if (kind === 'wedge' || kind === 'keyboard-wedge') {
    // The window's key events reach the agent through the bridge (ui/wedge.ts → wedgeLine).
    const format = wedgeFormatFromEnv(process.env);
    if (!format.ok) throw new Error(format.message);
    return { kind: 'keyboard-wedge', format: format.format };
  }
  if (kind === 'simulator') return { kind: 'simulator' };
  return { kind: 'pcsc' };
}

async function startAgent(): Promise<void> {
  const created = await createReader(readerConfig(process.env.FEDOW_READER ?? 'pcsc'));
  if (!created.ok) throw new Error(`card reader: ${created.reason}`);
  const opened = openAgent({
    dataDir: process.env.FEDOW_DATA_DIR ?? join(app.getPath('userData'), 'till'),
    reader: created.reader,
    language: process.env.FEDOW_LANGUAGE === 'en' ? 'en' : 'fr',
  });
  unsubscribe = opened.subscribe(send);
  opened.start();
  agent = opened;
  send({ type: 'bridge', connected: true });
}

/** The agent failed outside any command: close what is left and open it again. */
async function restartAgent(reason: unknown): Promise<void> {
  log(`agent failed, restarting: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`);
  send({ type: 'bridge', connected: false });
  const previous = agent;
  agent = null;
  unsubscribe?.();
  await previous?.close().catch(() => undefined);
  setTimeout(() => void startAgent().catch(restartAgent), AGENT_RESTART_MS);
}

function createWindow(): BrowserWindow {
  const created = new BrowserWindow({
    kiosk: true,
    fullscreen: true,
    autoHideMenuBar: true,
    backgroundColor: '#0d0f12',
    webPreferences: {
      preload: join(__dirname, 'preload.cjs'),
      contextIsolation: true,
      nodeIntegration: false,
      sandbox: true,
      spellcheck: false,
    },
  });
  const page = join(__dirname, '..', 'ui', 'index.html');
  void created.loadFile(page);
  // The till shows one local page: no navigation, no pop-ups.
  created.webContents.on('will-navigate', (event) => event.preventDefault());
  created.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  created.webContents.on('render-process-gone', (_event, details) => reloadAfterCrash(created, details.reason));
  created.on('unresponsive', () => reloadAfterCrash(created, 'unresponsive'));
  return created;
}

function reloadAfterCrash(target: BrowserWindow, reason: string): void {
  const now = Date.now();
  reloads.push(now);
  while (reloads.length > 0 && reloads[0]! < now - 60_000) reloads.shift();
  log(`renderer gone (${reason}), reload ${reloads.length}`);
  // A page that crashes in a loop would spin the CPU: past the limit, wait a minute.
  setTimeout(() => !target.isDestroyed() && target.webContents.reload(), reloads.length > RELOADS_PER_MINUTE_MAX ? 60_000 : 500);
}

function main(): void {
  if (!app.requestSingleInstanceLock()) {
    // Two agents on one journal and one reader would fight: the first one wins.
    app.quit();
    return;
  }
  // The approve/decline beep must sound without a click first.
  app.commandLine.appendSwitch('autoplay-policy', 'no-user-gesture-required');
  app.on('second-instance', () => window?.focus());
  process.on('uncaughtException', (error) => void restartAgent(error));
  process.on('unhandledRejection', (error) => void restartAgent(error));

  const dispatch = createDispatcher(() => {
    if (!agent) throw new Error('the till agent is restarting');
    return agent;
  });
  ipcMain.handle(IPC_COMMAND, (event, command: unknown, args: unknown) => {
    // Only our own window's page may drive the till.
    if (!window || event.sender !== window.webContents) return { ok: false, error: 'not the till window' };
    return dispatch(command, args);
  });

  void app.whenReady().then(async () => {
    session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
    await startAgent().catch(restartAgent);
    window = createWindow();
  });
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', () => {
    unsubscribe?.();
    void agent?.close();
  });
}

main();
