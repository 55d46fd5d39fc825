/**
 * `fedow tokens`, `fedow correct` and `fedow verify --repair/--apply` as an
 * operator runs them on the hub's machine, on the database of a hub that was
 * stopped, then the hub started again to try the tokens: through the CLI's entry
 * function in this process, and a real child process for one command of each kind
 * and the exit codes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHub, type Hub } from '../src/app';
import { configFromEnv } from '../src/config';
import { factoryCsv } from './admin-support';
import { cliInProcess, cliProcess } from './support/cli-process';

let dir = '';
let file = '';
let keyPath = '';
let env: NodeJS.ProcessEnv;
const { fedow, json } = cliInProcess(() => ({ cwd: dir, env }));
const real = cliProcess(() => ({ cwd: dir, env }));

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fedow-operators-cli-'));
  file = join(dir, 'fedow.sqlite');
  keyPath = join(dir, 'hub.key');
  env = { ...process.env, DATABASE_URL: `sqlite:${file}`, HUB_KEY: '', HUB_KEY_FILE: keyPath, LOG_LEVEL: 'error' };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));



async function openHub(): Promise<Hub & { call(method: 'GET' | 'POST', url: string, token: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; json: any }> }> {
  const hub = await buildHub(configFromEnv({}, { databaseUrl: `sqlite:${file}`, keyPath, log: false }));
  return {
    ...hub,
    async call(method, url, token, body, headers = {}) {
      const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
      const response = await hub.app.inject({ method, url, payload, headers: { authorization: `Bearer ${token}`, ...(typeof body === 'object' ? { 'content-type': 'application/json' } : {}), ...headers } });
      return { status: response.statusCode, json: response.body === '' ? undefined : response.json() };
    },
  };
}

// Generous: at a load near 28 on 2 cores, 22 commands did not fit in 60 s.
describe('operators on the command line', { timeout: 180_000 }, () => {
  it('recovers a lost first token, manages tokens, corrects, and repairs a balance corrupted by hand', async () => {
    // A hub with a card holding 1,000; then it stops, and its first token is lost.
    const first = await openHub();
    const lost = first.identity.operatorToken!;
    const place = (await first.call('POST', '/api/v1/places', lost, { name: 'Bar du Port', email: 'admin@port.org' })).json;
    const asset = (await first.call('POST', '/api/v1/assets', lost, { name: 'Jeton', currencyCode: 'JET', category: 'TLF', placeOrigin: place.id })).json;
    expect((await first.call('POST', `/api/v1/cards/import?place=${place.id}`, lost, factoryCsv(2), { 'content-type': 'text/csv' })).status).toBe(201);
    expect((await first.call('POST', '/api/v1/topups', lost, { card: '0A000001', asset: asset.id, amount: 1_000 }, { 'idempotency-key': 'seed' })).status).toBe(201);
    const wallet: string = (await first.call('GET', '/api/v1/cards/0A000001', lost)).json.wallet;
    await first.close();

    const rescue = await json('tokens', '--create', '--name', 'rescue', '--role', 'admin');
    expect(rescue).toMatchObject({ name: 'rescue', role: 'admin', token: expect.stringMatching(/^fedow_/) });
    const human = await fedow('tokens', '--create', '--name', 'caisse', '--role', 'cashdesk');
    expect(human.stdout).toMatch(/new cashdesk token "caisse" \(shown once, keep it\):\nfedow_/);
    expect((await fedow('tokens', '--create', '--name', 'x')).code).toBe(2);
    expect((await fedow('tokens', '--create', '--name', 'x', '--role', 'boss')).code).toBe(2);
    expect((await fedow('tokens', '--list', '--revoke', 'caisse')).code).toBe(2);
    const taken = await real.fedow('tokens', '--create', '--name', 'rescue', '--role', 'viewer');
    expect(taken).toMatchObject({ code: 1, stderr: expect.stringContaining('(conflict)') });
    expect((await json('tokens', '--revoke', 'first start')).revokedAt).toEqual(expect.any(String));
    const rotated = await json('tokens', '--rotate', 'rescue');
    expect(rotated.token).not.toBe(rescue.token);
    const listed = await json('tokens', '--list');
    expect(listed.tokens.map((token: { name: string; revokedAt: string | null }) => `${token.name}:${token.revokedAt === null ? 'active' : 'revoked'}`).sort()).toEqual(
      ['caisse:active', 'first start:revoked', 'rescue:active', 'rescue:revoked'],
    );
    expect((await fedow('tokens', '--list')).stdout).toMatch(/^name\s+role\s+created\s+revoked\n/);

    const credit = await json('correct', '--wallet', wallet, '--asset', asset.id, '--amount', '25', '--credit', '--reason', 'miscount at bar 2');
    expect(credit).toMatchObject({ status: 'applied', transfers: [{ action: 'COR', receiver: wallet, amount: 25 }] });
    expect((await fedow('correct', '--wallet', wallet, '--asset', asset.id, '--amount', '25', '--credit', '--debit', '--reason', 'x')).code).toBe(2);
    expect((await fedow('correct', '--wallet', wallet, '--asset', asset.id, '--amount', '25', '--debit')).code).toBe(2);
    const refused = await real.fedow('correct', '--wallet', wallet, '--asset', asset.id, '--amount', '99999', '--debit', '--reason', 'too much');
    expect(refused).toMatchObject({ code: 1, stderr: expect.stringContaining('(insufficient_funds)') });

    // Someone edits the database by hand.
    const db = new Database(file);
    db.prepare('update balances set value = value - 300 where wallet_id = ? and asset_id = ?').run(wallet, asset.id);
    db.close();
    const broken = await real.fedow('verify');
    expect(broken).toMatchObject({ code: 1, stdout: expect.stringContaining('chain BROKEN: balance') });
    const proposed = await fedow('verify', '--repair', '--json');
    expect(proposed.code).toBe(1);
    expect(JSON.parse(proposed.stdout).repairs).toEqual([{ wallet, asset: asset.id, stored: 725, replayed: 1_025, difference: -300 }]);
    expect((await fedow('verify', '--repair')).stdout).toMatch(/1 balance\(s\) differ[^]*725\s+1025\s+-300/);
    expect((await fedow('verify')).code).toBe(1); // --repair wrote nothing
    const applied = await json('verify', '--apply');
    expect(applied.applied).toEqual([expect.objectContaining({ wallet, stored: 725, replayed: 1_025, status: 'applied' })]);
    expect(applied.verify.ok).toBe(true);
    expect((await fedow('verify')).stdout).toContain('chain OK');
    expect((await fedow('verify', '--repair')).stdout).toContain('nothing to repair');

    // The hub again: the rotated rescue token works, the old secrets do not; the audit names the operators.
    const again = await openHub();
    try {
      expect((await again.call('GET', '/api/v1/places', lost)).status).toBe(401);
      expect((await again.call('GET', '/api/v1/places', rescue.token)).status).toBe(401);
      const audit = await again.call('GET', '/api/v1/requests?actor=cli', rotated.token);
      expect(audit.status).toBe(200);
      expect(audit.json.requests.map((row: { kind: string; status: string; note: string }) => [row.kind, row.status, row.note]).sort()).toEqual([
        ['correction', 'applied', 'miscount at bar 2'],
        ['correction', 'applied', 'repair: stored 725, replay 1025'],
        ['correction', 'rejected', 'too much'],
      ]);
      expect((await again.call('GET', '/api/v1/cards/0A000001', rotated.token)).json.balances[asset.id]).toBe(1_025);
    } finally {
      await again.close();
    }
  });
});
