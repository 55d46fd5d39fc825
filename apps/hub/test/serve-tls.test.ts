/** `fedow serve --tls-cert --tls-key`: https and the /sync WebSocket straight from the hub, with a certificate openssl makes here. */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import type { TLSSocket } from 'node:tls';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { cliProcess, FEDOW_BIN as BIN } from './support/cli-process';

let dir = '';
let env: NodeJS.ProcessEnv;
let ca: Buffer;
const { fedow } = cliProcess(() => ({ cwd: dir, env }));

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fedow-tls-'));
  env = { ...process.env, DATABASE_URL: `sqlite:${join(dir, 'data', 'fedow.sqlite')}`, HUB_KEY: '', HUB_KEY_FILE: '', LOG_LEVEL: 'error' };
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'ignore' });
  ca = readFileSync(join(dir, 'cert.pem'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The hub in a child process; resolves with its address once it prints it. */
async function serve(...args: string[]): Promise<{ child: ChildProcess; address: string; output: () => string }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--host', '127.0.0.1', ...args], { cwd: dir, env });
  let stdout = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  const address = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no address in ${stdout}`)), 30_000);
    child.stdout!.on('data', () => {
      const match = /listening on (https?:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => reject(new Error(`fedow serve exited ${code}: ${stdout}`)));
  });
  return { child, address, output: () => stdout };
}

function get(url: string, options: { ca?: Buffer } = {}): Promise<{ status: number; body: string; protocol: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca: options.ca }, (res) => {
      // Read while the socket is still attached: it is gone by 'end'.
      const protocol = (res.socket as TLSSocket).getProtocol() ?? '';
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, protocol }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function stop(child: ChildProcess): Promise<number | null> {
  const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  return exit;
}

describe('fedow serve over TLS', () => {
  it('answers https with the given certificate, and the /sync WebSocket upgrades over it', async () => {
    const hub = await serve('--tls-cert', join(dir, 'cert.pem'), '--tls-key', join(dir, 'key.pem'));
    try {
      expect(hub.address).toMatch(/^https:\/\//);
      const health = await get(`${hub.address}/healthz`, { ca });
      expect(health.status).toBe(200);
      expect(health.protocol).toMatch(/^TLSv1\.[23]$/);
      // A client that does not trust the certificate is refused by TLS itself.
      await expect(get(`${hub.address}/healthz`)).rejects.toThrow(/self[- ]signed/);
      const socket = new WebSocket(`${hub.address.replace('https', 'wss')}/sync`, { ca });
      await new Promise<void>((resolve, reject) => {
        socket.once('open', () => resolve());
        socket.once('error', reject);
      });
      // Both ways: the hub reads a frame over TLS and answers by closing on a malformed one.
      const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
      socket.send('not json');
      expect(await closed).toBeGreaterThanOrEqual(1000);
    } finally {
      expect(await stop(hub.child)).toBe(0);
    }
  });

  it('refuses half a TLS configuration and files that are not PEM', async () => {
    const half = await fedow('serve', '--port', '0', '--tls-cert', join(dir, 'cert.pem'));
    expect(half.code).toBe(2);
    expect(half.stderr).toContain('give --tls-cert and --tls-key together');
    writeFileSync(join(dir, 'not.pem'), 'hello');
    const notPem = await fedow('serve', '--port', '0', '--tls-cert', join(dir, 'not.pem'), '--tls-key', join(dir, 'key.pem'));
    expect(notPem.code).toBe(1);
    expect(notPem.stderr).toContain('--tls-cert');
    expect(notPem.stderr).toContain('not a PEM file');
    const absent = await fedow('serve', '--port', '0', '--tls-cert', join(dir, 'cert.pem'), '--tls-key', join(dir, 'absent.pem'));
    expect(absent.code).toBe(1);
    expect(absent.stderr).toContain('ENOENT');
  });
});
