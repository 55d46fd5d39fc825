/**
 * The headless till as a process (hardware/systemd/fedow-agent.service):
 *   node --import tsx apps/kiosk/src/headless/main.ts
 * then Chromium --kiosk http://127.0.0.1:4780/ (fedow-kiosk.service).
 *
 * Environment: the agent's (FEDOW_DATA_DIR, FEDOW_HUB_URL, FEDOW_PAIRING_CODE,
 * FEDOW_TILL_NAME, FEDOW_READER, FEDOW_LANGUAGE — see packages/terminal/src/agent-main.ts),
 * plus FEDOW_UI_PORT (default 4780) and FEDOW_UI_DIR (a UI built by
 * `npm run build -w @fedow/kiosk`, e.g. apps/kiosk/dist/ui; default: bundled from
 * the sources at start, ~0.1 s, so it can never be stale). Listens on 127.0.0.1 only.
 */
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { createReader, type ReaderConfig } from '@fedow/nfc';
import { openAgent } from '@fedow/terminal';
import { bundleUi, readBuiltUi } from '../ui-bundle';
import { HEADLESS_PORT_DEFAULT, startHeadlessServer } from './server';

function log(line: string): void {
  process.stdout.write(`${new Date().toISOString()} ${line}\n`);
}

function readerConfig(kind: string): ReaderConfig | null {
  if (kind === 'pcsc') return { kind: 'pcsc' };
  if (kind === 'wedge' || kind === 'keyboard-wedge') return { kind: 'keyboard-wedge', input: process.stdin };
  if (kind === 'simulator') return { kind: 'simulator', input: process.stdin };
  return null;
}

async function main(): Promise<number> {
  const env = process.env;
  const reader = readerConfig((env.FEDOW_READER ?? 'pcsc').trim());
  if (!reader) return (log('FEDOW_READER must be pcsc, wedge or simulator'), 2);
  const port = Number(env.FEDOW_UI_PORT ?? HEADLESS_PORT_DEFAULT);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) return (log('FEDOW_UI_PORT must be a port number'), 2);
  const created = await createReader(reader);
  if (!created.ok) return (log(`card reader: ${created.reason}`), 3);
  const agent = openAgent({
    dataDir: resolve(env.FEDOW_DATA_DIR ?? env.STATE_DIRECTORY ?? '.fedow-till'),
    reader: created.reader,
    language: env.FEDOW_LANGUAGE === 'en' ? 'en' : 'fr',
  });
  agent.start();
  if (!agent.snapshot().paired && env.FEDOW_HUB_URL && env.FEDOW_PAIRING_CODE) {
    const result = await agent.pair(env.FEDOW_HUB_URL, env.FEDOW_PAIRING_CODE, env.FEDOW_TILL_NAME ?? hostname());
    log(result.ok ? `paired as ${result.identity.terminal} (${result.identity.placeName})` : `pairing failed: ${result.code}: ${result.message}`);
  }
  const ui = env.FEDOW_UI_DIR ? await readBuiltUi(resolve(env.FEDOW_UI_DIR)) : await bundleUi();
  if (!ui) return (log(`FEDOW_UI_DIR=${env.FEDOW_UI_DIR}: no index.html, app.js and app.css there`), 2);
  const server = await startHeadlessServer({ agent, ui, port });
  log(`till UI on ${server.url}`);
  await new Promise<void>((done) => {
    process.once('SIGTERM', done);
    process.once('SIGINT', done);
  });
  log('stopping');
  await server.close();
  await agent.close();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    log(`fatal: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
