/**
 * The headless till as a process (hardware/systemd/fedow-agent.service):
 *   node --import tsx apps/kiosk/src/headless/main.ts
 * then Chromium --kiosk http://127.0.0.1:4780/ (fedow-kiosk.service).
 *
 * Environment: the agent's (FEDOW_DATA_DIR, FEDOW_HUB_URL, FEDOW_PAIRING_CODE,
 * FEDOW_TILL_NAME, FEDOW_READER, FEDOW_LANGUAGE — see packages/terminal/src/agent/agent-process.ts),
 * plus FEDOW_UI_PORT (default 4780) and FEDOW_UI_DIR (a UI built by
 * `npm run build -w @fedow/kiosk`, e.g. apps/kiosk/dist/ui; default: bundled from
 * the sources at start, ~0.1 s, so it can never be stale). Listens on 127.0.0.1 only.
 */
import { resolve } from 'node:path';
import { agentConfigFromEnv, logLine, runProcess, startAgentProcess } from '@fedow/terminal';
import { bundleUi, readBuiltUi } from '../ui-bundle';
import { HEADLESS_PORT_DEFAULT, startHeadlessServer } from './server';

runProcess(async () => {
  const parsed = agentConfigFromEnv(process.env);
  if (!parsed.ok) return (logLine(parsed.message), 2);
  const port = Number(process.env.FEDOW_UI_PORT ?? HEADLESS_PORT_DEFAULT);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) return (logLine('FEDOW_UI_PORT must be a port number'), 2);
  const uiDir = process.env.FEDOW_UI_DIR;
  const ui = uiDir ? await readBuiltUi(resolve(uiDir)) : await bundleUi();
  if (!ui) return (logLine(`FEDOW_UI_DIR=${uiDir}: no index.html, app.js and app.css there`), 2);
  const agent = await startAgentProcess(parsed.config);
  if (typeof agent === 'number') return agent;
  const server = await startHeadlessServer({ agent, ui, port });
  logLine(`till UI on ${server.url}`);
  return async () => {
    await server.close();
    await agent.close();
  };
});
