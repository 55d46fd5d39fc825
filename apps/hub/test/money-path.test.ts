/**
 * The one path for money (DESIGN.md): every request from a source other than a
 * till is stored with its outcome, applied once per idempotency key, decided by
 * the ledger's rules, persisted with the transfers naming it, and replayed by verify.
 */
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { DIALECTS, freshDatabase } from '../../../test/support/dialects';
import { verifyChain } from '../src/verify/verify-chain';
import { factoryCsv, removeTestDirs, seedPlace, startTestHub, type TestHub } from './admin-support';

afterAll(removeTestDirs);

describe.each(DIALECTS)('the money path on %s', (dialect) => {
  const database = freshDatabase(dialect);
  let hub: TestHub;
  afterEach(async () => {
    await hub?.close();
  });

  async function start() {
    hub = await startTestHub(await database());
    const { place, asset } = await seedPlace(hub);
    const imported = await hub.call('POST', `/api/v1/cards/import?place=${place.id}`, factoryCsv(3), { 'content-type': 'text/csv' });
    expect(imported.status).toBe(201);
    const fed = (await hub.call('GET', '/api/v1/assets')).json.assets.find((a: { category: string }) => a.category === 'FED');
    return { place, asset, fed };
  }

  const topUp = (body: object, key: string) => hub.call('POST', '/api/v1/topups', body, { 'idempotency-key': key });

  async function verified() {
    const result = await verifyChain(hub.context);
    expect(result.firstDiscrepancy).toBeNull();
  }

  it('applies a top-up once per idempotency key, answers a retry the same way, and refuses the key for another body', async () => {
    const { asset } = await start();
    const first = await topUp({ card: '0A000001', asset: asset.id, amount: 2000 }, 'k-1');
    expect(first.status).toBe(201);
    expect(first.json.transfers.map((t: { action: string }) => t.action)).toEqual(['CRE', 'REF']);
    const retry = await topUp({ card: '0A000001', asset: asset.id, amount: 2000 }, 'k-1');
    expect(retry.status).toBe(200);
    expect({ ...retry.json, replayed: false }).toEqual(first.json);
    const conflict = await topUp({ card: '0A000001', asset: asset.id, amount: 9999 }, 'k-1');
    expect(conflict).toMatchObject({ status: 409, json: { error: { code: 'idempotency_conflict' } } });
    const card = await hub.call('GET', '/api/v1/cards/0A000001');
    expect(card.json.balances[asset.id]).toBe(2000);
    const missing = await hub.call('POST', '/api/v1/topups', { card: '0A000001', asset: asset.id, amount: 1 });
    expect(missing.status).toBe(400);
    await verified();
  });

  it('credits FED only against a payment reference, and never twice for the same one', async () => {
    const { fed } = await start();
    expect((await topUp({ card: '0A000002', asset: fed.id, amount: 1500 }, 'f-0')).json.error.code).toBe('payment_reference_required');
    expect((await topUp({ card: '0A000002', asset: fed.id, amount: 1500, reference: 'VIR-001', method: 'transfer' }, 'f-1')).status).toBe(201);
    const again = await topUp({ card: '0A000002', asset: fed.id, amount: 1500, reference: 'VIR-001', method: 'transfer' }, 'f-2');
    expect(again).toMatchObject({ status: 422, json: { error: { code: 'payment_reference_used' } } });
    expect((await hub.call('GET', '/api/v1/cards/0A000002')).json.balances[fed.id]).toBe(1500);
    await verified();
  });

  it('stores refused requests with their reason, and their transfers never exist', async () => {
    const { asset } = await start();
    const refused = await topUp({ card: 'FFFFFFFF', asset: asset.id, amount: 100 }, 'u-1');
    expect(refused.status).toBe(404);
    const rejected = await topUp({ card: '0A000001', asset: '01900000-0000-7000-8000-000000000000', amount: 100 }, 'u-2');
    expect(rejected).toMatchObject({ status: 422, json: { error: { code: 'unknown_asset' } } });
    const rows = await hub.context.storage.read.all<{ status: string; reason: string; n: number | string }>(
      sql`select r.status, r.reason, (select count(*) from transfers t where t.request_id = r.id) as n from requests r where r.idempotency_key = 'u-2'`,
    );
    expect(rows.map((row) => ({ ...row, n: Number(row.n) }))).toEqual([{ status: 'rejected', reason: 'unknown_asset', n: 0 }]);
    await verified();
  });

  it('records asset creation and a lost card as operator requests, and the FED asset as the hub’s', async () => {
    const { asset } = await start();
    expect((await hub.call('POST', '/api/v1/cards/0A000001/lost')).json.blocked).toBe(true);
    expect((await hub.call('POST', '/api/v1/cards/0A000001/lost')).json.reason).toBe('lost');
    const rows = await hub.context.storage.read.all<{ source: string; actor: string; kind: string }>(sql`select source, actor, kind from requests`);
    expect(rows.sort((a, b) => (a.kind + a.source < b.kind + b.source ? -1 : 1))).toEqual([
      { source: 'hub', actor: 'hub', kind: 'first' },
      { source: 'operator', actor: 'first start', kind: 'first' },
      { source: 'operator', actor: 'first start', kind: 'lost' },
    ]);
    const firsts = await hub.context.storage.read.all<{ asset_id: string; request_id: string | null }>(sql`select asset_id, request_id from transfers where action = 'FST'`);
    expect(firsts.every((row) => row.request_id !== null)).toBe(true);
    expect(firsts.map((row) => row.asset_id)).toContain(asset.id);
    await verified();
  });

  it('is caught by verify when a stored request body is altered, or a refused request has a transfer', async () => {
    const { asset } = await start();
    await topUp({ card: '0A000001', asset: asset.id, amount: 700 }, 'v-1');
    await hub.context.storage.transaction((tx) => tx.run(sql`update requests set body = replace(body, '700', '900') where idempotency_key = 'v-1'`));
    expect((await verifyChain(hub.context)).firstDiscrepancy?.kind).toBe('request_body');
    await hub.context.storage.transaction((tx) => tx.run(sql`update requests set body = replace(body, '900', '700'), status = 'rejected' where idempotency_key = 'v-1'`));
    expect((await verifyChain(hub.context)).firstDiscrepancy?.kind).toBe('request_transfers');
  });
});
