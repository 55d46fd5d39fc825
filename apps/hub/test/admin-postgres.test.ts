/** The same admin operations on PostgreSQL: duplicates, an all-or-nothing CSV import, pairing. */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type TestPostgres } from '../../../support/postgres';
import { factoryCsv, seedPlace, startTestHub, type TestHub } from './admin-support';

let server: TestPostgres;
let hub: TestHub;

beforeAll(async () => {
  server = await startPostgres();
  hub = await startTestHub(await server.createDatabase());
});
afterAll(async () => {
  await hub?.close();
  await server?.stop();
});

describe('admin API on PostgreSQL', () => {
  it('creates places and assets once, with the FST transfer', async () => {
    const { place, asset } = await seedPlace(hub, 'Bar');
    expect((await hub.call('POST', '/api/v1/places', { name: 'Bar', email: 'x@y.org' })).status).toBe(409);
    expect((await hub.call('POST', '/api/v1/assets', { name: 'Jeton', currencyCode: 'J', category: 'TLF', placeOrigin: place.id })).status).toBe(409);
    const transfers = (await hub.call('GET', '/api/v1/transfers')).json.transfers;
    expect(transfers.filter((t: { assetId: string }) => t.assetId === asset.id).map((t: { action: string }) => t.action)).toEqual(['FST']);
  });

  it('imports a CSV in one transaction and stores nothing of a broken one', async () => {
    const { place } = await seedPlace(hub, 'Cantine');
    const headers = { 'content-type': 'text/csv' };
    const broken = await hub.call('POST', `/api/v1/cards/import?place=${place.id}`, factoryCsv(100).replace('0A000050', '0A00005'), headers);
    expect(broken).toMatchObject({ status: 400, json: { error: { line: 82 } } });
    const ok = await hub.call('POST', `/api/v1/cards/import?place=${place.id}&primary=true`, factoryCsv(100), headers);
    expect(ok.json.imported).toBe(100);
    const clash = await hub.call('POST', `/api/v1/cards/import?place=${place.id}`, factoryCsv(5, 0x0a000063), headers);
    expect(clash.status).toBe(409);
    const [row] = await hub.context.storage.read.all<{ n: string | number }>(sql`select count(*) as n from cards`);
    expect(Number(row?.n)).toBe(100);
  });

  it('pairs a till once', async () => {
    const { place } = await seedPlace(hub, 'Kiosque');
    const code = (await hub.call('POST', '/api/v1/terminals/pairing-codes', { place: place.id, name: 'K1' })).json.code;
    const body = { code, publicKey: 'c'.repeat(64), name: 'K1', agent: 'test' };
    expect((await hub.call('POST', '/api/v1/terminals/pair', body, { authorization: '' })).status).toBe(201);
    expect((await hub.call('POST', '/api/v1/terminals/pair', body, { authorization: '' })).status).toBe(410);
  });
});
