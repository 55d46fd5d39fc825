/**
 * Operators (named tokens with roles, audit) and corrections: a cashdesk token
 * cannot correct, a viewer moves nothing, revoked and rotated secrets fail, wrong
 * bearer tokens are rate limited; COR both ways; a balance corrupted by hand is
 * found by `verify --repair` and restored by `--apply`. Both dialects.
 */
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { DIALECTS, freshDatabase } from '../../../test/support/dialects';
import { CLI_OPERATOR } from '../src/money/source';
import { applyRepairs, proposeRepairs } from '../src/verify/repair';
import { verifyChain } from '../src/verify/verify-chain';
import { factoryCsv, removeTestDirs, seedPlace, startTestHub, type TestHub } from './admin-support';

afterAll(removeTestDirs);

describe.each(DIALECTS)('operators and corrections on %s', (dialect) => {
  const database = freshDatabase(dialect);
  let hub: TestHub;
  afterEach(async () => {
    await hub?.close();
  });

  async function start() {
    hub = await startTestHub(await database());
    const { place, asset } = await seedPlace(hub);
    expect((await hub.call('POST', `/api/v1/cards/import?place=${place.id}`, factoryCsv(3), { 'content-type': 'text/csv' })).status).toBe(201);
    expect((await hub.call('POST', '/api/v1/topups', { card: '0A000001', asset: asset.id, amount: 1_000 }, { 'idempotency-key': 'seed' })).status).toBe(201);
    const wallet: string = (await hub.call('GET', '/api/v1/cards/0A000001')).json.wallet;
    return { place, asset, wallet };
  }

  const as = (token: string, extra: Record<string, string> = {}) => ({ authorization: `Bearer ${token}`, ...extra });
  const requestCount = async () => Number((await hub.context.storage.read.all<{ n: number | string }>(sql`select count(*) as n from requests`))[0]!.n);
  async function newToken(name: string, role: string): Promise<string> {
    hub.clock.advance(1_000);
    const created = await hub.call('POST', '/api/v1/tokens', { name, role });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    expect(created.json).toMatchObject({ name, role, revokedAt: null, token: expect.stringMatching(/^fedow_/) });
    return created.json.token;
  }
  async function verified() {
    expect((await verifyChain(hub.context)).firstDiscrepancy).toBeNull();
  }

  it('lets a cashdesk token top up but not correct, and a viewer read but move nothing', async () => {
    const { asset, wallet } = await start();
    const cashdesk = await newToken('caisse 1', 'cashdesk');
    const viewer = await newToken('regard', 'viewer');
    const before = await requestCount();
    const correction = { wallet, asset: asset.id, amount: 10, direction: 'credit', reason: 'test' };
    expect(await hub.call('POST', '/api/v1/corrections', correction, as(cashdesk, { 'idempotency-key': 'c-1' }))).toMatchObject({ status: 403, json: { error: { code: 'forbidden' } } });
    for (const [url, body] of [
      ['/api/v1/topups', { card: '0A000002', asset: asset.id, amount: 500 }],
      ['/api/v1/corrections', correction],
      ['/api/v1/tokens', { name: 'intrus', role: 'admin' }],
    ] as const) {
      expect((await hub.call('POST', url, body, as(viewer, { 'idempotency-key': `v-${url}` }))).status).toBe(403);
    }
    expect((await hub.call('GET', '/api/v1/tokens', undefined, as(viewer))).status).toBe(403);
    expect(await requestCount()).toBe(before);
    expect((await hub.call('GET', '/api/v1/cards/0A000002', undefined, as(viewer))).json.balances).toEqual({});

    const topUp = await hub.call('POST', '/api/v1/topups', { card: '0A000002', asset: asset.id, amount: 500 }, as(cashdesk, { 'idempotency-key': 't-1' }));
    expect(topUp.status).toBe(201);
    const audit = await hub.call('GET', '/api/v1/requests?actor=caisse%201', undefined, as(viewer));
    expect(audit.status).toBe(200);
    expect(audit.json.requests).toEqual([
      expect.objectContaining({ source: 'operator', actor: 'caisse 1', kind: 'topup', status: 'applied', transfers: [expect.objectContaining({ action: 'CRE', amount: 500 }), expect.objectContaining({ action: 'REF', amount: 500 })] }),
    ]);
    await verified();
  });

  it('refuses revoked and rotated secrets, a taken name, and revoking the last admin token', async () => {
    await start();
    const viewer = await newToken('regard', 'viewer');
    const cashdesk = await newToken('caisse', 'cashdesk');
    expect((await hub.call('POST', '/api/v1/tokens', { name: ' regard ', role: 'admin' })).status).toBe(409);
    expect((await hub.call('POST', '/api/v1/tokens/regard/revoke')).json).toMatchObject({ name: 'regard', revokedAt: expect.any(String) });
    expect(await hub.call('GET', '/api/v1/places', undefined, as(viewer))).toMatchObject({ status: 401, json: { error: { code: 'unauthorized' } } });
    expect((await hub.call('POST', '/api/v1/tokens/regard/revoke')).status).toBe(404);

    hub.clock.advance(1_000);
    const rotated = await hub.call('POST', '/api/v1/tokens/caisse/rotate');
    expect(rotated.json).toMatchObject({ name: 'caisse', role: 'cashdesk', token: expect.stringMatching(/^fedow_/) });
    expect((await hub.call('GET', '/api/v1/places', undefined, as(cashdesk))).status).toBe(401);
    expect((await hub.call('GET', '/api/v1/places', undefined, as(rotated.json.token))).status).toBe(200);

    expect(await hub.call('POST', '/api/v1/tokens/first%20start/revoke')).toMatchObject({ status: 409, json: { error: { code: 'conflict', message: expect.stringContaining('last active admin') } } });
    const second = await newToken('second admin', 'admin');
    expect((await hub.call('POST', '/api/v1/tokens/first%20start/revoke', undefined, as(second))).status).toBe(200);
    const list = (await hub.call('GET', '/api/v1/tokens', undefined, as(second))).json.tokens;
    expect(list.map((token: { name: string; role: string; revokedAt: string | null }) => [token.name, token.role, token.revokedAt !== null])).toEqual([
      ['first start', 'admin', true],
      ['regard', 'viewer', true],
      ['caisse', 'cashdesk', true],
      ['caisse', 'cashdesk', false],
      ['second admin', 'admin', false],
    ]);
    expect(JSON.stringify(list)).not.toContain('fedow_');
  });

  it('documents every operator route in the OpenAPI document', async () => {
    hub = await startTestHub(await database());
    const paths = (await hub.call('GET', '/api/docs/json')).json.paths;
    for (const [path, method] of [
      ['/api/v1/tokens', 'get'],
      ['/api/v1/tokens', 'post'],
      ['/api/v1/tokens/{name}/revoke', 'post'],
      ['/api/v1/tokens/{name}/rotate', 'post'],
      ['/api/v1/corrections', 'post'],
      ['/api/v1/requests', 'get'],
    ] as const) {
      expect(paths[path]?.[method]?.summary, `${method} ${path}`).toEqual(expect.any(String));
    }
    expect(Object.keys(paths['/api/v1/corrections'].post.responses)).toEqual(expect.arrayContaining(['200', '201', '400', '401', '403', '404', '409', '422', '429']));
  });

  it('answers 429 after ten wrong bearer tokens a minute from one address, even to a right one', async () => {
    await start();
    for (let attempt = 0; attempt < 10; attempt += 1) expect((await hub.call('GET', '/api/v1/places', undefined, as(`fedow_wrong${attempt}`))).status).toBe(401);
    expect(await hub.call('GET', '/api/v1/places', undefined, as('fedow_wrong'))).toMatchObject({ status: 429, json: { error: { code: 'rate_limited' } } });
    expect((await hub.call('GET', '/api/v1/places')).status).toBe(429);
    hub.clock.advance(61_000);
    expect((await hub.call('GET', '/api/v1/places')).status).toBe(200);
  });

  it('corrects a wallet both ways with a reason, shown in the audit; verify passes after each', async () => {
    const { asset, wallet } = await start();
    // A second apart: the audit lists newest first, and requests of one millisecond have no order.
    const correctBy = (body: object, key: string) => (hub.clock.advance(1_000), hub.call('POST', '/api/v1/corrections', body, { 'idempotency-key': key }));
    const credit = await correctBy({ wallet, asset: asset.id, amount: 250, direction: 'credit', reason: 'till 3 miscounted' }, 'cor-1');
    expect(credit.status).toBe(201);
    expect(credit.json.transfers).toEqual([expect.objectContaining({ action: 'COR', receiver: wallet, amount: 250 })]);
    // The COR names no card, yet the tills hear of the card's new balance.
    const changed = await hub.context.storage.read.all<{ first_tag_id: string }>(
      sql`select c.first_tag_id from card_changes x join cards c on c.id = x.card_id where x.seq = (select max(seq) from card_changes)`,
    );
    expect(changed).toEqual([{ first_tag_id: '0A000001' }]);
    await verified();
    const debit = await correctBy({ wallet, asset: asset.id, amount: 1_200, direction: 'debit', reason: 'double top-up' }, 'cor-2');
    expect(debit.json.transfers).toEqual([expect.objectContaining({ action: 'COR', sender: wallet, amount: 1_200 })]);
    expect((await hub.call('GET', '/api/v1/cards/0A000001')).json.balances[asset.id]).toBe(50);
    await verified();
    expect(await correctBy({ wallet, asset: asset.id, amount: 51, direction: 'debit', reason: 'x' }, 'cor-3')).toMatchObject({ status: 422, json: { error: { code: 'insufficient_funds' } } });
    expect((await correctBy({ wallet, asset: asset.id, amount: 5, direction: 'credit', reason: '  ' }, 'cor-4')).status).toBe(400);
    expect((await hub.call('POST', '/api/v1/corrections', { wallet, asset: asset.id, amount: 5, direction: 'credit', reason: 'y' })).status).toBe(400);
    expect((await correctBy({ wallet, asset: asset.id, amount: 5, direction: 'sideways', reason: 'y' }, 'cor-5')).status).toBe(400);

    const first = await hub.call('GET', '/api/v1/requests?kind=correction&limit=2');
    expect(first.json.requests.map((row: { note: string; status: string; actor: string }) => [row.note, row.status, row.actor])).toEqual([
      ['x', 'rejected', 'first start'],
      ['double top-up', 'applied', 'first start'],
    ]);
    const second = await hub.call('GET', `/api/v1/requests?kind=correction&limit=2&before=${encodeURIComponent(first.json.next)}`);
    expect(second.json.requests.map((row: { note: string }) => row.note)).toEqual(['till 3 miscounted']);
    expect(second.json.next).toBeNull();
    await verified();
  });

  it('finds every balance corrupted by hand, proposes the exact repairs, and --apply makes verify pass', async () => {
    const { asset, wallet, place } = await start();
    expect((await hub.call('POST', '/api/v1/topups', { card: '0A000002', asset: asset.id, amount: 400 }, { 'idempotency-key': 'seed-2' })).status).toBe(201);
    const other: string = (await hub.call('GET', '/api/v1/cards/0A000002')).json.wallet;
    await hub.context.storage.transaction(async (tx) => {
      await tx.run(sql`update balances set value = value + 37 where wallet_id = ${wallet} and asset_id = ${asset.id}`);
      // The place's row may exist at 0 (it passed money on, and its activity is kept for melting): 5 it never received either way.
      await tx.run(sql`insert into balances (wallet_id, asset_id, value) values (${place.wallet}, ${asset.id}, 5) on conflict (wallet_id, asset_id) do update set value = balances.value + 5`);
      await tx.run(sql`delete from balances where wallet_id = ${other} and asset_id = ${asset.id}`);
    });
    expect((await verifyChain(hub.context)).firstDiscrepancy?.kind).toBe('balance');
    const report = await proposeRepairs(hub.context);
    expect(report.chain).toBeNull();
    const byWallet = (a: { wallet: string }, b: { wallet: string }) => (a.wallet < b.wallet ? -1 : 1);
    expect([...report.drifts].sort(byWallet)).toEqual(
      [
        { wallet, asset: asset.id, stored: 1_037, replayed: 1_000, difference: 37 },
        { wallet: place.wallet, asset: asset.id, stored: 5, replayed: 0, difference: 5 },
        { wallet: other, asset: asset.id, stored: 0, replayed: 400, difference: -400 },
      ].sort(byWallet),
    );
    const applied = await applyRepairs(hub.context, { kind: 'operator', name: CLI_OPERATOR }, report);
    expect(applied.map((row) => row.outcome.status)).toEqual(report.drifts.map(() => 'applied'));
    expect(applied.every((row) => row.outcome.transfers.length === 0)).toBe(true);
    await verified();
    expect((await proposeRepairs(hub.context)).drifts).toEqual([]);
    expect((await hub.call('GET', '/api/v1/cards/0A000001')).json.balances[asset.id]).toBe(1_000);
    const audit = await hub.call('GET', '/api/v1/requests?actor=cli');
    expect(audit.json.requests).toHaveLength(3);
    expect(audit.json.requests).toContainEqual(expect.objectContaining({ kind: 'correction', status: 'applied', note: 'repair: stored 1037, replay 1000', transfers: [] }));
    // Booked again (a retry of the same report): answered, nothing applied twice.
    expect((await applyRepairs(hub.context, { kind: 'operator', name: CLI_OPERATOR }, report)).every((row) => row.outcome.replayed)).toBe(true);
    await verified();
  });
});
