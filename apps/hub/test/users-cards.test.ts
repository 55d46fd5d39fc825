/**
 * Users and their cards (issue 11): a user is found or created by e-mail; linking
 * a card moves every balance to the user (FUS); a lost card's money reaches its
 * replacement; a card in debt is refused. Every scenario ends with verify.
 */
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { DIALECTS, freshDatabase } from '../../../test/support/dialects';
import { hashToken } from '../src/identity/bootstrap';
import * as repo from '../src/storage/repo';
import { verifyChain } from '../src/verify/verify-chain';
import { factoryCsv, removeTestDirs, seedPlace, startTestHub, type TestHub } from './admin-support';
import { offlineSale } from './support/till-debt';

afterAll(removeTestDirs);

/** Cards of factoryCsv(6): tags 0A000000…0A000005, printed numbers 67772160…67772165. */
const [CASHIER, CARD, OTHER, THIRD] = ['0A000000', '0A000001', '0A000002', '0A000003'];
const printed = (tag: string) => String(parseInt(tag, 16) % 100_000_000).padStart(8, '0');

describe.each(DIALECTS)('users and cards on %s', (dialect) => {
  const database = freshDatabase(dialect);
  let hub: TestHub;
  afterEach(async () => {
    await hub?.close();
  });

  async function start() {
    hub = await startTestHub(await database());
    const { place, asset } = await seedPlace(hub);
    expect((await hub.call('POST', `/api/v1/cards/import?place=${place.id}`, factoryCsv(6), { 'content-type': 'text/csv' })).status).toBe(201);
    const fed = (await hub.call('GET', '/api/v1/assets')).json.assets.find((a: { category: string }) => a.category === 'FED');
    return { place, asset, fed };
  }

  const post = (url: string, body: object, key?: string, token?: string) =>
    hub.call('POST', url, body, { ...(key === undefined ? {} : { 'idempotency-key': key }), ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) });
  const topUp = (card: string, asset: string, amount: number, key: string, reference?: string) => post('/api/v1/topups', { card, asset, amount, ...(reference ? { reference } : {}) }, key);
  const card = async (tag: string) => (await hub.call('GET', `/api/v1/cards/${tag}`)).json;

  async function verified() {
    expect((await verifyChain(hub.context)).firstDiscrepancy).toBeNull();
  }

  async function tokenWithRole(role: 'cashdesk' | 'viewer'): Promise<string> {
    const token = `fedow_test_${role}`;
    await hub.context.storage.transaction((tx) => repo.insertOperatorToken(tx, { hash: hashToken(token), label: `${role} desk`, createdAt: '2026-07-14T20:00:00.000Z', role }));
    return token;
  }

  it('documents every route in the OpenAPI document, with a summary, its tag and its error statuses', async () => {
    await start();
    const paths = (await hub.call('GET', '/api/docs/json')).json.paths;
    const routes: [string, string][] = [
      ['/api/v1/users', 'post'],
      ['/api/v1/users', 'get'],
      ['/api/v1/users/{email}', 'get'],
      ['/api/v1/cards/{tag}/link', 'post'],
      ['/api/v1/cards/{tag}/replace', 'post'],
    ];
    for (const [path, method] of routes) {
      const operation = paths[path]?.[method];
      expect(operation?.summary, `${method} ${path}`).toEqual(expect.any(String));
      expect(operation.tags).toContain('users');
    }
    expect(Object.keys(paths['/api/v1/cards/{tag}/link'].post.responses)).toEqual(expect.arrayContaining(['200', '201', '400', '401', '403', '404', '409', '422']));
  });

  it('finds or creates a user by e-mail, lower-cased, once even when asked at the same time', async () => {
    await start();
    const created = await post('/api/v1/users', { email: '  Alice@Example.ORG ' });
    expect(created).toMatchObject({ status: 201, json: { email: 'alice@example.org', created: true } });
    const again = await post('/api/v1/users', { email: 'alice@example.org' });
    expect(again).toMatchObject({ status: 200, json: { id: created.json.id, wallet: created.json.wallet, created: false } });
    const racing = await Promise.all(Array.from({ length: 6 }, () => post('/api/v1/users', { email: 'Bob@example.org' })));
    expect(racing.map((answer) => answer.status).sort()).toEqual([200, 200, 200, 200, 200, 201]);
    expect(new Set(racing.map((answer) => answer.json.id)).size).toBe(1);
    expect((await post('/api/v1/users', { email: 'not an e-mail' })).status).toBe(400);
    expect((await post('/api/v1/users', { email: 'x@example.org', extra: 1 })).status).toBe(400);

    const listed = await hub.call('GET', '/api/v1/users?limit=2');
    expect(listed.json.users.map((user: { email: string }) => user.email)).toEqual(['admin@barduport.org', 'alice@example.org']);
    const next = await hub.call('GET', `/api/v1/users?limit=2&after=${encodeURIComponent(listed.json.next)}`);
    expect(next.json).toMatchObject({ users: [{ email: 'bob@example.org' }], next: null });
    expect((await hub.call('GET', '/api/v1/users?search=ALICE')).json.users).toHaveLength(1);
    expect((await hub.call('GET', '/api/v1/users?search=%25')).json.users).toHaveLength(0);
    expect((await hub.call('GET', '/api/v1/users?limit=0')).status).toBe(400);
    expect((await hub.call('GET', '/api/v1/users/nobody@example.org')).status).toBe(404);
    await verified();
  });

  it('links a card with balances in two assets: both reach the user, in one request, once', async () => {
    const { asset, fed } = await start();
    expect((await topUp(CARD, asset.id, 1_500, 't-1')).status).toBe(201);
    expect((await topUp(CARD, fed.id, 2_000, 't-2', 'VIR-7')).status).toBe(201);
    const before = await card(CARD);

    const linked = await post(`/api/v1/cards/${printed(CARD)}/link`, { email: 'Carla@Example.org' }, 'l-1');
    expect(linked.status).toBe(201);
    expect(linked.json.user.email).toBe('carla@example.org');
    expect(linked.json.transfers.map((t: { action: string; amount: number }) => [t.action, t.amount]).sort()).toEqual([
      ['FUS', 1_500],
      ['FUS', 2_000],
    ]);
    expect(new Set(linked.json.transfers.map((t: { sender: string }) => t.sender))).toEqual(new Set([before.wallet]));
    const after = await card(CARD);
    expect(after).toMatchObject({ wallet: linked.json.user.wallet, card: { userEmail: 'carla@example.org' }, balances: { [asset.id]: 1_500, [fed.id]: 2_000 } });

    const user = (await hub.call('GET', '/api/v1/users/CARLA@example.org')).json;
    expect(user.balances).toEqual({ [asset.id]: 1_500, [fed.id]: 2_000 });
    expect(user.cards.map((c: { firstTagId: string }) => c.firstTagId)).toEqual([CARD]);
    expect(user.wallets.map((w: { kind: string; card: string | null; balances: object }) => [w.kind, w.card, w.balances])).toEqual([
      ['user', null, { [asset.id]: 1_500, [fed.id]: 2_000 }],
      ['ephemeral', CARD, { [asset.id]: 0, [fed.id]: 0 }],
    ]);
    expect(user.history.transfers.map((t: { action: string; direction: string; counterpart: string; card: string }) => [t.action, t.direction, t.counterpart, t.card])).toEqual([
      ['FUS', 'in', CARD, CARD],
      ['FUS', 'in', CARD, CARD],
    ]);
    const page = (await hub.call('GET', '/api/v1/users/carla@example.org?limit=1')).json.history;
    expect(page.transfers).toHaveLength(1);
    const older = (await hub.call('GET', `/api/v1/users/carla@example.org?limit=1&before=${page.nextBefore}`)).json.history;
    expect(older).toMatchObject({ transfers: [{ seq: page.nextBefore - 1 }], nextBefore: null });

    // Replayed: the same answer, nothing moved again; the key for another body is refused.
    const replay = await post(`/api/v1/cards/${printed(CARD)}/link`, { email: 'carla@example.org' }, 'l-1');
    expect(replay.status).toBe(200);
    expect(replay.json.transfers).toEqual(linked.json.transfers);
    expect((await post(`/api/v1/cards/${CARD}/link`, { email: 'dan@example.org' }, 'l-1')).json.error.code).toBe('idempotency_conflict');
    const twice = await post(`/api/v1/cards/${CARD}/link`, { email: 'dan@example.org' }, 'l-2');
    expect(twice).toMatchObject({ status: 422, json: { error: { code: 'card_has_user' } } });
    // The refused link created no user.
    expect((await hub.call('GET', '/api/v1/users/dan@example.org')).status).toBe(404);
    expect((await card(CARD)).balances).toEqual({ [asset.id]: 1_500, [fed.id]: 2_000 });
    await verified();
  });

  it('links two cards to the same new e-mail at the same time: one user holds both', async () => {
    const { asset } = await start();
    await topUp(CARD, asset.id, 100, 't-1');
    await topUp(OTHER, asset.id, 200, 't-2');
    const [first, second] = await Promise.all([post(`/api/v1/cards/${CARD}/link`, { email: 'hal@example.org' }, 'h-1'), post(`/api/v1/cards/${OTHER}/link`, { email: 'HAL@example.org' }, 'h-2')]);
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(first.json.user.id).toBe(second.json.user.id);
    const user = (await hub.call('GET', '/api/v1/users/hal@example.org')).json;
    expect(user.balances).toEqual({ [asset.id]: 300 });
    expect(user.cards).toHaveLength(2);
    await verified();
  });

  it('refuses bad input, a wrong role and a missing key, and changes nothing', async () => {
    const { asset } = await start();
    await topUp(CARD, asset.id, 500, 't-1');
    const viewer = await tokenWithRole('viewer');
    const cashdesk = await tokenWithRole('cashdesk');
    expect((await post(`/api/v1/cards/${CARD}/link`, { email: 'eve@example.org' }, 'r-1', viewer)).json.error.code).toBe('forbidden');
    expect((await post('/api/v1/users', { email: 'eve@example.org' }, undefined, viewer)).status).toBe(403);
    expect((await post(`/api/v1/cards/${CARD}/replace`, { by: OTHER }, 'r-1', viewer)).status).toBe(403);
    expect((await post(`/api/v1/cards/${CARD}/link`, { email: 'eve@example.org' })).json.error.code).toBe('bad_request');
    expect((await post(`/api/v1/cards/${CARD}/link`, { email: 'eve' }, 'r-2')).status).toBe(400);
    expect((await post(`/api/v1/cards/${CARD}/link`, {}, 'r-3')).status).toBe(400);
    expect((await post(`/api/v1/cards/FFFFFFFF/link`, { email: 'eve@example.org' }, 'r-4')).json.error.code).toBe('unknown_card');
    expect((await post(`/api/v1/cards/${CARD}/replace`, { by: 'FFFFFFFF' }, 'r-5')).json.error.code).toBe('unknown_card');
    expect((await post(`/api/v1/cards/${CARD}/replace`, { by: CARD }, 'r-6')).status).toBe(422);
    expect((await hub.call('GET', '/api/v1/users/eve@example.org')).status).toBe(404);
    expect((await card(CARD)).card.lostAt).toBeNull();
    // The cash desk may link; the request is recorded under its token's name.
    expect((await post(`/api/v1/cards/${CARD}/link`, { email: 'eve@example.org' }, 'r-7', cashdesk)).status).toBe(201);
    const rows = await hub.context.storage.read.all<{ actor: string; status: string }>(sql`select actor, status from requests where kind = 'link'`);
    expect(rows).toEqual([{ actor: 'cashdesk desk', status: 'applied' }]);
    await verified();
  });

  it('carries a lost card’s money to its replacement: a user’s card by its user, an anonymous card by a FUS per asset', async () => {
    const { asset, fed } = await start();
    await topUp(CARD, asset.id, 800, 't-1');
    await post(`/api/v1/cards/${CARD}/link`, { email: 'fay@example.org' }, 'l-1');
    await topUp(OTHER, asset.id, 50, 't-2');
    expect((await hub.call('POST', `/api/v1/cards/${CARD}/lost`)).json.blocked).toBe(true);
    const replaced = await post(`/api/v1/cards/${CARD}/replace`, { by: printed(OTHER) }, 'x-1');
    expect(replaced.status).toBe(201);
    expect(replaced.json.user.email).toBe('fay@example.org');
    expect(replaced.json.transfers.map((t: { action: string; amount: number }) => [t.action, t.amount])).toEqual([['FUS', 50]]);
    expect(await card(OTHER)).toMatchObject({ card: { userEmail: 'fay@example.org' }, balances: { [asset.id]: 850 }, blocked: false });
    expect((await hub.call('GET', '/api/v1/users/fay@example.org')).json.cards.map((c: { firstTagId: string; lostAt: string | null }) => [c.firstTagId, c.lostAt !== null])).toEqual([
      [CARD, true],
      [OTHER, false],
    ]);

    // An anonymous card, not yet declared lost: found by its printed number, declared lost by the replacement.
    await topUp(THIRD, asset.id, 300, 't-3');
    await topUp(THIRD, fed.id, 700, 't-4', 'VIR-9');
    const fresh = '0A000004';
    const anonymous = await post(`/api/v1/cards/${THIRD}/replace`, { by: printed(fresh) }, 'x-2');
    expect(anonymous.status).toBe(201);
    expect(anonymous.json.user).toBeNull();
    expect(anonymous.json.transfers.map((t: { action: string; amount: number }) => [t.action, t.amount]).sort()).toEqual([
      ['FUS', 300],
      ['FUS', 700],
    ]);
    expect((await card(fresh)).balances).toEqual({ [asset.id]: 300, [fed.id]: 700 });
    expect(await card(THIRD)).toMatchObject({ blocked: true, reason: 'lost', balances: { [asset.id]: 0, [fed.id]: 0 } });
    // Replayed: nothing moves twice; a lost card cannot be the replacement.
    expect((await post(`/api/v1/cards/${THIRD}/replace`, { by: printed(fresh) }, 'x-2')).status).toBe(200);
    expect((await card(fresh)).balances).toEqual({ [asset.id]: 300, [fed.id]: 700 });
    expect((await post(`/api/v1/cards/${fresh}/replace`, { by: THIRD }, 'x-3')).json.error.code).toBe('card_lost');
    await verified();
  });

  it('refuses to link or replace a card in debt, and keeps the debt where it is', async () => {
    const { place, asset } = await start();
    expect((await hub.call('POST', `/api/v1/cards/${CASHIER}/primary`, { place: place.id })).status).toBe(200);
    await topUp(CARD, asset.id, 500, 't-1');
    expect(await offlineSale(hub, { place: place.id, cashier: CASHIER, card: CARD, asset: asset.id, amount: 800 })).toEqual(['applied']);
    expect(await card(CARD)).toMatchObject({ blocked: true, reason: 'debt', balances: { [asset.id]: -300 } });

    const link = await post(`/api/v1/cards/${CARD}/link`, { email: 'gus@example.org' }, 'd-1');
    expect(link).toMatchObject({ status: 422, json: { error: { code: 'card_blocked' } } });
    expect((await hub.call('GET', '/api/v1/users/gus@example.org')).status).toBe(404);
    const replace = await post(`/api/v1/cards/${CARD}/replace`, { by: OTHER }, 'd-2');
    expect(replace).toMatchObject({ status: 422, json: { error: { code: 'card_blocked' } } });
    // A refusal is stored and answered again to a retry.
    expect((await post(`/api/v1/cards/${CARD}/link`, { email: 'gus@example.org' }, 'd-1')).json.error.code).toBe('card_blocked');
    expect(await card(CARD)).toMatchObject({ card: { userEmail: null, lostAt: null }, balances: { [asset.id]: -300 } });
    await verified();
  });
});
