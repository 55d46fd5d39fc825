import { hashBody } from '@fedow/ledger';
import { nodeCrypto } from '@fedow/ledger/crypto-node';
import { genesisBody, PAIRING_CODE_TTL_MS, PAIRING_FAILURES_MAX } from '@fedow/protocol';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importCards } from '../src/directory/cards';
import * as repo from '../src/storage/repo';
import { factoryCsv, removeTestDirs, seedPlace, startTestHub, type TestHub } from './admin-support';

const KEY_A = 'a'.repeat(64);
const KEY_B = 'b'.repeat(64);
const MISSING = '0190a0b0-0000-7000-8000-00000000dead';
const sqlCount = sql`select count(*) as n from cards`;

let hub: TestHub;
beforeEach(async () => {
  hub = await startTestHub();
});
afterEach(async () => {
  await hub.close();
});
afterAll(removeTestDirs);

describe('admin API: authentication and client mistakes', () => {
  it('refuses requests without a valid operator token, but pairing and the docs are public', async () => {
    expect((await hub.call('GET', '/api/v1/places', undefined, { authorization: '' })).json.error.code).toBe('unauthorized');
    const wrong = await hub.call('GET', '/api/v1/places', undefined, { authorization: 'Bearer fedow_not-a-token' });
    expect(wrong.status).toBe(401);
    expect((await hub.call('GET', '/api/v1/places')).status).toBe(200);
    const pair = await hub.call('POST', '/api/v1/terminals/pair', { code: '00000000', publicKey: KEY_A, name: 'Till', agent: 'test' }, { authorization: '' });
    expect(pair.status).toBe(404);
    const docs = await hub.app.inject({ url: '/api/docs/json' });
    expect(docs.statusCode).toBe(200);
    expect(Object.keys(docs.json().paths)).toEqual(expect.arrayContaining(['/api/v1/places', '/api/v1/cards/import', '/api/v1/terminals/pair']));
    expect((await hub.app.inject({ url: '/api/docs' })).statusCode).toBe(200);
  });

  it('answers malformed JSON, wrong types, unknown fields, unknown ids and huge bodies with 4xx codes', async () => {
    const malformed = await hub.call('POST', '/api/v1/places', '{"name": "Bar",', { 'content-type': 'application/json' });
    expect(malformed).toMatchObject({ status: 400, json: { error: { code: 'bad_request' } } });
    const wrongType = await hub.call('POST', '/api/v1/places', { name: 42, email: 'a@b.org' });
    expect(wrongType).toMatchObject({ status: 400, json: { error: { code: 'bad_request' } } });
    expect(wrongType.json.error.message).toContain('name');
    expect((await hub.call('POST', '/api/v1/places', { name: 'Bar', email: 'a@b.org', admin: true })).status).toBe(400);
    expect((await hub.call('POST', '/api/v1/places', { name: 'Bar', email: 'not-an-email' })).status).toBe(400);
    const unknownPlace = await hub.call('POST', '/api/v1/assets', { name: 'J', currencyCode: 'J', category: 'TLF', placeOrigin: MISSING });
    expect(unknownPlace).toMatchObject({ status: 404, json: { error: { code: 'not_found' } } });
    expect((await hub.call('GET', '/api/v1/cards/FFFFFFFF')).json.error.code).toBe('unknown_card');
    expect((await hub.call('GET', '/api/v1/wallets/not-a-uuid')).status).toBe(400);
    expect((await hub.call('GET', '/api/v1/transfers?limit=0')).status).toBe(400);
    const huge = await hub.call('POST', '/api/v1/places', JSON.stringify({ name: 'x'.repeat(10 * 1024 * 1024), email: 'a@b.org' }), { 'content-type': 'application/json' });
    expect(huge).toMatchObject({ status: 413, json: { error: { code: 'too_large' } } });
    expect((await hub.call('GET', '/api/v1/nothing-here')).status).toBe(404);
  });
});

describe('admin API: places, assets, federations, products', () => {
  it('creates a place with its wallet, its admin user and the default policy; names are unique', async () => {
    const { place } = await seedPlace(hub, 'Bar');
    expect(place).toMatchObject({ name: 'Bar', adminEmail: 'admin@bar.org', enrollUnknownCards: false, offlinePolicy: { maxOfflineSale: 5_000 } });
    const user = await repo.getUserByEmail(hub.context.storage.read, 'ADMIN@bar.org');
    expect(user?.email).toBe('admin@bar.org');
    expect((await repo.getWallets(hub.context.storage.read, [place.wallet])).get(place.wallet)?.kind).toBe('place');
    const again = await hub.call('POST', '/api/v1/places', { name: 'Bar', email: 'other@bar.org' });
    expect(again).toMatchObject({ status: 409, json: { error: { code: 'conflict' } } });
    const second = await hub.call('POST', '/api/v1/places', { name: 'Cantine', email: 'admin@bar.org', enrollUnknownCards: true });
    expect(second.json).toMatchObject({ adminEmail: 'admin@bar.org', enrollUnknownCards: true });
    expect((await hub.call('GET', '/api/v1/places')).json.places.map((p: { name: string }) => p.name)).toEqual(['Bar', 'Cantine']);
  });

  it('creates assets with their FST transfer, refuses a second FED and duplicate names, archives', async () => {
    const { place, asset } = await seedPlace(hub);
    expect(asset).toMatchObject({ currencyCode: 'JET', decimals: 2, originWallet: place.wallet, placeOrigin: place.id, membershipDays: null });
    const transfers = (await hub.call('GET', '/api/v1/transfers')).json.transfers;
    expect(transfers.filter((t: { assetId: string; action: string }) => t.assetId === asset.id)).toMatchObject([
      { action: 'FST', amount: 0, senderWalletId: place.wallet, receiverWalletId: place.wallet },
    ]);
    const badge = await hub.call('POST', '/api/v1/assets', { name: 'Entrée', currencyCode: 'BDG', category: 'BDG', placeOrigin: place.id });
    expect(badge.json.decimals).toBe(0);
    const sub = await hub.call('POST', '/api/v1/assets', { name: 'Adhésion', currencyCode: 'ADH', category: 'SUB', placeOrigin: place.id });
    expect(sub.json.membershipDays).toBe(365);
    expect((await hub.call('POST', '/api/v1/assets', { name: 'Euro', currencyCode: 'EUR', category: 'FED', placeOrigin: place.id })).status).toBe(409);
    expect((await hub.call('POST', '/api/v1/assets', { name: 'Jeton', currencyCode: 'JT', category: 'TNF', placeOrigin: place.id })).status).toBe(409);
    expect((await hub.call('POST', '/api/v1/assets', { name: 'Trop', currencyCode: 'ABCD', category: 'TLF', placeOrigin: place.id })).status).toBe(400);
    expect((await hub.call('POST', `/api/v1/assets/${asset.id}/archive`)).json.archived).toBe(true);
    const fed = (await hub.call('GET', '/api/v1/assets')).json.assets.find((a: { category: string }) => a.category === 'FED');
    expect((await hub.call('POST', `/api/v1/assets/${fed.id}/archive`)).status).toBe(400);
    expect((await hub.call('POST', `/api/v1/assets/${MISSING}/archive`)).status).toBe(404);
  });

  it('manages federation members, and products only in assets the place accepts', async () => {
    const bar = await seedPlace(hub, 'Bar');
    const cantine = await seedPlace(hub, 'Cantine');
    const federation = (await hub.call('POST', '/api/v1/federations', { name: 'Quartier' })).json;
    expect((await hub.call('POST', '/api/v1/federations', { name: 'Quartier' })).status).toBe(409);
    const product = { place: cantine.place.id, label: 'Bière', price: 350, asset: bar.asset.id };
    expect((await hub.call('POST', '/api/v1/products', product)).json.error.code).toBe('asset_not_accepted');
    await hub.call('POST', `/api/v1/federations/${federation.id}/places`, { place: bar.place.id });
    await hub.call('POST', `/api/v1/federations/${federation.id}/places`, { place: cantine.place.id });
    const withAsset = await hub.call('POST', `/api/v1/federations/${federation.id}/assets`, { asset: bar.asset.id });
    expect(withAsset.json).toMatchObject({ places: [bar.place.id, cantine.place.id].sort(), assets: [bar.asset.id] });
    const created = await hub.call('POST', '/api/v1/products', { ...product, category: 'Boissons' });
    expect(created).toMatchObject({ status: 201, json: { label: 'Bière', price: 350, category: 'Boissons', archived: false } });
    expect((await hub.call('GET', `/api/v1/products?place=${cantine.place.id}`)).json.products).toHaveLength(1);
    await hub.call('POST', `/api/v1/products/${created.json.id}/archive`);
    expect((await hub.call('GET', `/api/v1/products?place=${cantine.place.id}`)).json.products).toHaveLength(0);
    const removed = await hub.call('DELETE', `/api/v1/federations/${federation.id}/places/${cantine.place.id}`);
    expect(removed.json.places).toEqual([bar.place.id]);
    expect((await hub.call('DELETE', `/api/v1/federations/${federation.id}/places/${cantine.place.id}`)).status).toBe(404);
    expect((await hub.call('POST', `/api/v1/federations/${MISSING}/assets`, { asset: bar.asset.id })).status).toBe(404);
    expect((await hub.call('GET', '/api/v1/federations')).json.federations).toHaveLength(1);
  });
});

describe('admin API: cards', () => {
  const importUrl = (place: string, extra = '') => `/api/v1/cards/import?place=${place}${extra}`;
  const csv = { 'content-type': 'text/csv' };
  const countCards = async () => (await hub.context.storage.read.all<{ n: number }>(sqlCount))[0]?.n;

  it('imports 200 cards in one transaction, reporting progress', async () => {
    const { place } = await seedPlace(hub);
    const progress: Array<[number, number]> = [];
    const result = await importCards(hub.context, factoryCsv(200), { place: place.id, generation: 2, primary: false, progress: (done, total) => progress.push([done, total]) });
    expect(result).toMatchObject({ imported: 200, generation: 2, headerSkipped: true });
    expect(progress[0]).toEqual([0, 200]);
    expect(progress.at(-1)).toEqual([200, 200]);
    expect(Number(await countCards())).toBe(200);
    const overHttp = await hub.call('POST', importUrl(place.id, '&generation=2'), factoryCsv(3, 0x0b000000, false), csv);
    expect(overHttp).toMatchObject({ status: 201, json: { imported: 3, id: result.id, headerSkipped: false } });
  });

  it('stores nothing from a file with a broken line, and names the line', async () => {
    const { place } = await seedPlace(hub);
    const lines = factoryCsv(50).split('\n');
    lines[31] = 'https://tibillet.coop/qr/not-a-uuid,00000031,0A00001F';
    const broken = await hub.call('POST', importUrl(place.id), lines.join('\n'), csv);
    expect(broken).toMatchObject({ status: 400, json: { error: { code: 'bad_request', line: 32 } } });
    expect(broken.json.error.message).toContain('line 32');
    const badTag = await hub.call('POST', importUrl(place.id), factoryCsv(5).replace('0A000003', '0A0000XZ'), csv);
    expect(badTag.json.error.message).toMatch(/^line 5: the tag id/);
    expect(Number(await countCards())).toBe(0);
  });

  it('refuses duplicate tags, in the file or already stored, storing nothing', async () => {
    const { place } = await seedPlace(hub);
    const inFile = `${factoryCsv(3, 0x0a000000, false)}${factoryCsv(1, 0x0a000001, false)}`;
    const duplicate = await hub.call('POST', importUrl(place.id), inFile, csv);
    expect(duplicate).toMatchObject({ status: 400, json: { error: { line: 4 } } });
    expect(duplicate.json.error.message).toContain('as line 2');
    await hub.call('POST', importUrl(place.id), factoryCsv(2, 0x0a000000), csv);
    const clash = await hub.call('POST', importUrl(place.id), factoryCsv(600, 0x0a000001 - 599), csv);
    // Lines 2…601 hold tags 0A000001−599 … 0A000001: 0A000000 (line 600) is the first stored one.
    expect(clash).toMatchObject({ status: 409, json: { error: { code: 'conflict', line: 600 } } });
    expect(Number(await countCards())).toBe(2);
    expect((await hub.call('POST', importUrl(place.id), '', csv)).status).toBe(400);
    expect((await hub.call('POST', importUrl(MISSING), factoryCsv(1), csv)).status).toBe(404);
  });

  it('shows a card by tag, UID, number or QR code; primary and lost change its state and the card feed', async () => {
    const { place } = await seedPlace(hub);
    const file = 'https://x/qr/0190a0b0-0000-7000-8000-0000000000aa,00004242,04A1B2C3D4E5F6\n';
    await hub.call('POST', importUrl(place.id), file, csv);
    for (const tag of ['04A1B2C3', '04a1b2c3d4e5f6', '00004242', '0190A0B0-0000-7000-8000-0000000000AA']) {
      const shown = await hub.call('GET', `/api/v1/cards/${tag}`);
      expect(shown.json).toMatchObject({ card: { firstTagId: '04A1B2C3', uid: '04A1B2C3D4E5F6', numberPrinted: '00004242' }, wallet: null, blocked: false });
    }
    const events: Array<{ cardIds: string[]; cursor: number }> = [];
    hub.context.events.on('cards-changed', (event) => events.push(event));
    const primary = await hub.call('POST', '/api/v1/cards/04A1B2C3/primary', { place: place.id });
    expect(primary.json.card.primaryFor).toEqual([place.id]);
    const lost = await hub.call('POST', '/api/v1/cards/00004242/lost');
    expect(lost.json).toMatchObject({ blocked: true, reason: 'lost', card: { primaryFor: [], lostAt: '2026-07-14T20:00:00.000Z' } });
    expect((await hub.call('POST', '/api/v1/cards/04A1B2C3/primary', { place: place.id })).json.error.code).toBe('card_lost');
    expect(events.map((event) => event.cardIds)).toEqual([[lost.json.card.id], [lost.json.card.id]]);
    const feed = await repo.listCardChangesAfter(hub.context.storage.read, 0, 10);
    expect(feed.cardIds).toEqual([lost.json.card.id]);
    expect(events.at(-1)?.cursor).toBe(feed.cursor);
  });
});

describe('admin API: pairing and terminals', () => {
  const pair = (code: string, publicKey = KEY_A, headers: Record<string, string> = {}) =>
    hub.call('POST', '/api/v1/terminals/pair', { code, publicKey, name: 'Till', agent: 'fedow-test/1' }, { authorization: '', ...headers });

  it('pairs a till once with a code, with the genesis of its chain', async () => {
    const { place } = await seedPlace(hub);
    const code = await hub.call('POST', '/api/v1/terminals/pairing-codes', { place: place.id, name: 'Bar 1' });
    expect(code).toMatchObject({ status: 201, json: { place: place.id, name: 'Bar 1', expiresAt: '2026-07-14T20:15:00.000Z' } });
    expect(code.json.code).toMatch(/^[0-9A-HJKMNP-TV-Z]{8}$/);
    const paired = await pair(code.json.code.toLowerCase());
    expect(paired).toMatchObject({ status: 201, json: { place: place.id, placeName: 'Bar du Port', hub: hub.context.key.publicKey } });
    expect(paired.json.genesis).toBe(hashBody(nodeCrypto, genesisBody(paired.json.terminal, KEY_A, place.id, hub.context.key.publicKey)));
    const stored = await repo.getTerminal(hub.context.storage.read, paired.json.terminal);
    expect(stored).toMatchObject({ name: 'Bar 1', lastSeq: 0, lastHash: paired.json.genesis, status: 'active' });
    expect((await pair(code.json.code, KEY_B)).json.error.code).toBe('gone');
    const again = await hub.call('POST', '/api/v1/terminals/pairing-codes', { place: place.id, name: 'Bar 2' });
    expect((await pair(again.json.code, KEY_A)).status).toBe(409);
    // The refused claim rolled back: the code still works with a new key.
    expect((await pair(again.json.code, KEY_B)).status).toBe(201);
    const list = (await hub.call('GET', `/api/v1/terminals?place=${place.id}`)).json.terminals;
    expect(list.map((t: { name: string }) => t.name)).toEqual(['Bar 1', 'Bar 2']);
    expect(list[0]).toMatchObject({ online: false, lag: null, lastSeq: 0 });
  });

  it('refuses an expired code with 410 and an unknown one with 404', async () => {
    const { place } = await seedPlace(hub);
    const code = (await hub.call('POST', '/api/v1/terminals/pairing-codes', { place: place.id, name: 'Bar 1' })).json.code;
    hub.clock.advance(PAIRING_CODE_TTL_MS);
    expect(await pair(code)).toMatchObject({ status: 410, json: { error: { code: 'gone' } } });
    expect((await pair('ZZZZZZZZ')).status).toBe(404);
    expect((await pair('I-L-O-U!')).status).toBe(400);
  });

  it('answers 429 after PAIRING_FAILURES_MAX failures from one address, for a minute', async () => {
    const { place } = await seedPlace(hub);
    const code = (await hub.call('POST', '/api/v1/terminals/pairing-codes', { place: place.id, name: 'Bar 1' })).json.code;
    for (let attempt = 0; attempt < PAIRING_FAILURES_MAX; attempt += 1) expect((await pair('00000000')).status).toBe(404);
    expect(await pair(code)).toMatchObject({ status: 429, json: { error: { code: 'rate_limited' } } });
    expect((await pair(code, KEY_A, { 'x-forwarded-for': '10.0.0.2' })).status).toBe(429);
    hub.clock.advance(60_001);
    expect((await pair(code)).status).toBe(201);
  });

  it('revokes and unfreezes terminals, announcing the change', async () => {
    const { place } = await seedPlace(hub);
    const code = (await hub.call('POST', '/api/v1/terminals/pairing-codes', { place: place.id, name: 'Bar 1' })).json.code;
    const terminal = (await pair(code)).json.terminal;
    const changes: string[] = [];
    hub.context.events.on('terminal', (event) => changes.push(event.change));
    expect((await hub.call('POST', `/api/v1/terminals/${terminal}/unfreeze`)).status).toBe(409);
    await hub.context.storage.transaction((tx) => repo.setTerminalStatus(tx, terminal, 'frozen'));
    expect((await hub.call('POST', `/api/v1/terminals/${terminal}/unfreeze`)).json.status).toBe('active');
    expect((await hub.call('POST', `/api/v1/terminals/${terminal}/revoke`)).json.status).toBe('revoked');
    expect((await hub.call('POST', `/api/v1/terminals/${terminal}/revoke`)).status).toBe(409);
    expect((await hub.call('POST', `/api/v1/terminals/${MISSING}/revoke`)).status).toBe(404);
    expect(changes).toEqual(['unfrozen', 'revoked']);
  });
});

describe('admin API: ledger reads and a real socket', () => {
  it('lists blocks from the genesis, shows wallets, and serves over TCP', async () => {
    const { place } = await seedPlace(hub);
    expect((await hub.call('GET', '/api/v1/blocks')).json.blocks.map((b: { height: number }) => b.height)).toEqual([0]);
    expect((await hub.call('GET', '/api/v1/blocks?after=0')).json.blocks).toEqual([]);
    expect((await hub.call('GET', `/api/v1/wallets/${place.wallet}`)).json).toEqual({ id: place.wallet, kind: 'place', name: 'Bar du Port', balances: {} });
    expect((await hub.call('GET', `/api/v1/wallets/${MISSING}`)).status).toBe(404);
    const address = await hub.app.listen({ port: 0, host: '127.0.0.1' });
    const response = await fetch(`${address}/api/v1/places`, { headers: { authorization: `Bearer ${hub.token}` } });
    expect(response.status).toBe(200);
    expect((await response.json()).places[0].id).toBe(place.id);
    const csv = await fetch(`${address}/api/v1/cards/import?place=${place.id}&primary=1`, {
      method: 'POST',
      headers: { authorization: `Bearer ${hub.token}`, 'content-type': 'text/csv' },
      body: factoryCsv(20),
    });
    expect(await csv.json()).toMatchObject({ imported: 20, primary: true });
    expect((await repo.listPrimaryCardsOfPlace(hub.context.storage.read, place.id)).length).toBe(20);
  });
});

