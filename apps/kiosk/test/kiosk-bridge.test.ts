/**
 * The bridge without a browser: the agent-side dispatcher (arguments checked, a
 * failing agent is an answer, not a crash), the headless server's HTTP and
 * WebSocket doors (same origin only), and the UI's money formatting held to the
 * agent's.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SimulatorReader } from '@fedow/nfc';
import { formatAmount as agentFormat, openAgent, type TillAgent } from '@fedow/terminal';
import { createDispatcher } from '../src/bridge/agent-handlers';
import { COMMAND_NAMES, WS_PATH, type ServerFrame } from '../src/bridge/contract';
import { startHeadlessServer, type HeadlessServer } from '../src/headless/server';
import { formatAmount as uiFormat } from '@fedow/protocol/words';
import { bundleUi } from '../src/ui-bundle';

let dataDir: string;
let agent: TillAgent;
let server: HeadlessServer;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'fedow-kiosk-bridge-'));
  agent = openAgent({ dataDir, reader: new SimulatorReader(), language: 'en' });
  agent.start();
  server = await startHeadlessServer({ agent, ui: await bundleUi({ minify: false }), port: 0 });
});
afterAll(async () => {
  await server?.close();
  await agent?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('agent-side dispatcher', () => {
  const dispatch = () => createDispatcher(() => agent);

  it('answers a command with what the agent returned', async () => {
    const answer = await dispatch()('snapshot', []);
    expect(answer.ok).toBe(true);
    expect(answer.ok && (answer.result as { paired: unknown }).paired).toBeNull();
    expect(await dispatch()('catalogue', [])).toEqual({ ok: true, result: [] });
  });

  it('refuses unknown commands and arguments of the wrong shape, before the agent sees them', async () => {
    const run = dispatch();
    expect(await run('__proto__', [])).toMatchObject({ ok: false, error: 'unknown command __proto__' });
    expect(await run('journal', [])).toMatchObject({ ok: false });
    expect(await run('sale', [{ amount: -5 }])).toMatchObject({ ok: false });
    expect(await run('sale', [{ amount: 100, extra: true }])).toMatchObject({ ok: false });
    expect(await run('refund', [{}, 'not-a-uid'])).toMatchObject({ ok: false });
    expect(await run('badgeMode', ['not-a-uuid'])).toMatchObject({ ok: false });
    expect(await run('pair', ['not a url', 'CODE', 'Bar'])).toMatchObject({ ok: false });
    expect(agent.snapshot().armed).toBeNull();
  });

  it('turns an agent that throws into an answer', async () => {
    const answer = await createDispatcher(() => {
      throw new Error('the till agent is restarting');
    })('snapshot', []);
    expect(answer).toEqual({ ok: false, error: 'snapshot: the till agent is restarting' });
  });

  it('knows every command of the contract', () => {
    expect(new Set(COMMAND_NAMES).size).toBe(COMMAND_NAMES.length);
  });
});

describe('headless server', () => {
  it('serves the bundled UI on loopback, and nothing else', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await fetch(server.url);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('<script src="app.js"></script>');
    const script = await fetch(new URL('app.js', server.url));
    expect(script.headers.get('content-type')).toContain('javascript');
    expect((await script.text()).length).toBeGreaterThan(10_000);
    expect((await fetch(new URL('../../etc/passwd', server.url))).status).toBe(404);
    expect((await fetch(server.url, { method: 'POST' })).status).toBe(405);
  });

  it('takes the bridge only from a page of its own origin', async () => {
    const url = `ws://127.0.0.1:${server.port}${WS_PATH}`;
    await expect(connect(url, 'http://evil.example')).rejects.toThrow(/403/);
    await expect(connect(url, undefined)).rejects.toThrow(/403/);
    const frames: ServerFrame[] = [];
    const socket = await connect(url, `http://127.0.0.1:${server.port}`, frames);
    socket.send(JSON.stringify({ id: 7, command: 'snapshot', args: [] }));
    socket.send(JSON.stringify({ id: 8, command: 'sale', args: [{ amount: 0 }] }));
    await waitUntil(() => frames.filter((frame) => 'id' in frame).length === 2);
    expect(frames[0]).toEqual({ event: { type: 'bridge', connected: true } });
    expect(frames.find((frame) => 'id' in frame && frame.id === 7)).toMatchObject({ ok: true });
    expect(frames.find((frame) => 'id' in frame && frame.id === 8)).toMatchObject({ ok: false });
    // A frame that is not a command closes the socket: the page is ours, it never sends one.
    const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
    socket.send('{"hello":');
    expect(await closed).toBe(1008);
  });
});

describe('UI money formatting', () => {
  it('gives the same words as the agent, in both languages', () => {
    const units = [
      { decimals: 2, currencyCode: 'EUR' },
      { decimals: 0, currencyCode: 'ENT' },
      { decimals: 3, currencyCode: 'MLA' },
    ];
    for (const unit of units) {
      for (const amount of [0, 5, 99, 250, 123_456, -240]) {
        for (const language of ['en', 'fr'] as const) expect(uiFormat(amount, unit, language)).toBe(agentFormat(amount, unit, language));
      }
    }
  });
});

/** Frames are collected from the first one: the server speaks as soon as it accepts. */
function connect(url: string, origin: string | undefined, frames: ServerFrame[] = []): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, origin ? { origin } : {});
    socket.on('message', (data) => frames.push(JSON.parse(data.toString()) as ServerFrame));
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
    socket.once('unexpected-response', (_request, response) => reject(new Error(`HTTP ${response.statusCode}`)));
  });
}

async function waitUntil(predicate: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
