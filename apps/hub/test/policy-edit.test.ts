/** The offline policy is editable per place and per till, and reaches connected tills at once (issue 16). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HubMessage } from '@fedow/protocol';
import { DIALECTS, freshDatabase } from '../../../test/support/dialects';
import { main } from '../src/cli/main';
import { verifyChain } from '../src/verify/verify-chain';
import { CASHIER, seedHub, type Seeded, listenForTills } from '../../../support/seed';
import { SpecTill } from '../../../support/spec-till';

describe.each(DIALECTS)('editing the offline policy on %s', (dialect) => {
  const databaseUrl = freshDatabase(dialect);
  let world: Seeded;
  let url: string;

  beforeEach(async () => {
    world = await seedHub({ databaseUrl: await databaseUrl() });
    url = await listenForTills(world);
  });

  afterEach(async () => {
    const verdict = await verifyChain(world.hub.context);
    await world.close();
    expect(verdict.firstDiscrepancy).toBeNull();
  });

  const call = async (method: 'PATCH' | 'PUT', path: string, body: unknown) => {
    const response = await world.hub.app.inject({ method, url: path, payload: body as object, headers: { authorization: `Bearer ${world.hub.identity.operatorToken}` } });
    return { status: response.statusCode, json: response.json() };
  };
  const policyUpdate = (till: SpecTill) =>
    till.next((message) => message.type === 'update' && message.policy !== undefined && message.cards.length === 0) as Promise<Extract<HubMessage, { type: 'update' }>>;

  it('changes a place’s policy, tells its connected till at once, and the hub applies it to the next entries', async () => {
    const till = new SpecTill(await world.till(), url);
    await till.connect();
    await till.next((message) => message.type === 'update');
    const changed = await call('PATCH', `/api/v1/places/${world.placeA.id}`, { offlinePolicy: { maxOfflineSale: 300 }, enrollUnknownCards: true });
    expect(changed.status).toBe(200);
    expect(changed.json).toMatchObject({ enrollUnknownCards: true, offlinePolicy: { maxOfflineSale: 300, maxOfflineCardSpend: 10_000 } });
    expect((await policyUpdate(till)).policy).toMatchObject({ maxOfflineSale: 300 });
    const ack = await till.push([
      // Beyond the balance offline: debt within the old cap (5,000), refused above the new one.
      till.entry('REF', { card: world.cards[0]!, primary: CASHIER, asset: world.local, amount: 100 }),
      till.entry('SAL', { card: world.cards[0]!, primary: CASHIER, asset: world.local, amount: 400, auth: 'offline' }),
      // Unknown cards are enrolled now.
      till.entry('REF', { card: 'ABCDEF01', primary: CASHIER, asset: world.local, amount: 100 }),
    ]);
    expect(ack.results.map((result) => result.reason ?? result.status)).toEqual(['applied', 'offline_policy_exceeded', 'applied']);
    till.close();
  });

  it('refuses a value out of range and stores nothing', async () => {
    const refused = await call('PATCH', `/api/v1/places/${world.placeA.id}`, { offlinePolicy: { maxOfflineMinutes: -5 } });
    expect(refused).toMatchObject({ status: 400, json: { error: { code: 'bad_request' } } });
    const empty = await call('PATCH', `/api/v1/places/${world.placeA.id}`, {});
    expect(empty.status).toBe(400);
    const unknown = await call('PATCH', '/api/v1/places/01900000-0000-7000-8000-000000000000', { enrollUnknownCards: true });
    expect(unknown.status).toBe(404);
    const place = (await world.hub.app.inject({ method: 'GET', url: '/api/v1/places', headers: { authorization: `Bearer ${world.hub.identity.operatorToken}` } })).json().places;
    expect(place.find((p: { id: string }) => p.id === world.placeA.id)).toMatchObject({ enrollUnknownCards: false, offlinePolicy: { maxOfflineMinutes: 720 } });
  });

  it('sets and clears a till’s overrides, which that till hears at once', async () => {
    const seeded = await world.till();
    const till = new SpecTill(seeded, url);
    await till.connect();
    await till.next((message) => message.type === 'update');
    const set = await call('PUT', `/api/v1/terminals/${seeded.id}/policy`, { overrides: { maxOfflineSale: 100, offlineRefunds: true } });
    expect(set).toMatchObject({ status: 200, json: { overrides: { maxOfflineSale: 100, offlineRefunds: true }, policy: { maxOfflineSale: 100, offlineRefunds: true, maxOfflineExposure: 100_000 } } });
    expect((await policyUpdate(till)).policy).toMatchObject({ maxOfflineSale: 100, offlineRefunds: true });
    const cleared = await call('PUT', `/api/v1/terminals/${seeded.id}/policy`, { overrides: null });
    expect(cleared.json).toMatchObject({ overrides: null, policy: { maxOfflineSale: 5000, offlineRefunds: false } });
    expect((await policyUpdate(till)).policy).toMatchObject({ maxOfflineSale: 5000 });
    till.close();
  });
});

describe('the policy from the command line', () => {
  it('sets a place’s and a till’s policy with flags in minor units, and refuses a bad flag with exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fedow-policy-cli-'));
    const saved = { DATABASE_URL: process.env.DATABASE_URL, HUB_KEY_FILE: process.env.HUB_KEY_FILE };
    process.env.DATABASE_URL = `sqlite:${join(dir, 'fedow.sqlite')}`;
    process.env.HUB_KEY_FILE = join(dir, 'hub.key');
    const run = async (...args: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const sink = (lines: string[]) => new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) });
      const code = await main(args, { stdout: sink(out), stderr: sink(err) });
      return { code, stdout: out.join(''), stderr: err.join('') };
    };
    try {
      const created = JSON.parse((await run('places', '--create', '--name', 'Bar', '--email', 'bar@example.org', '--json')).stdout);
      const set = await run('places', '--policy', created.id, '--max-offline-sale', '1500', '--offline-refunds', 'yes', '--enroll-unknown', 'yes', '--json');
      expect(set.code, set.stderr).toBe(0);
      expect(JSON.parse(set.stdout)).toMatchObject({ enrollUnknownCards: true, offlinePolicy: { maxOfflineSale: 1500, offlineRefunds: true } });
      const human = await run('places', '--policy', created.id, '--max-offline-minutes', '60');
      expect(human.stdout).toContain('sale ≤ 1500');
      expect(human.stdout).toContain('60 min offline');
      expect((await run('places', '--policy', created.id, '--offline-refunds', 'perhaps')).code).toBe(2);
      expect((await run('places', '--policy', created.id)).code).toBe(2);
      expect((await run('places', '--policy', created.id, '--max-offline-sale', '-3')).code).toBe(2);
    } finally {
      process.env.DATABASE_URL = saved.DATABASE_URL;
      process.env.HUB_KEY_FILE = saved.HUB_KEY_FILE;
      if (saved.DATABASE_URL === undefined) delete process.env.DATABASE_URL;
      if (saved.HUB_KEY_FILE === undefined) delete process.env.HUB_KEY_FILE;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
