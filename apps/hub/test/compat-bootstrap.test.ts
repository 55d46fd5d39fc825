/** The bootstrap and handshake of reference/fedow-clients.md §2, as Lespass and LaBoutik drive it, over real HTTP. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeTestDirs } from './admin-support';
import { bootstrapVenue, startCompatHub, type CompatHub } from './compat-support';
import { LaBoutikClient, LespassClient, rsaKey, send } from '../../../support/fedow-client';

let compat: CompatHub;

beforeAll(async () => {
  compat = await startCompatHub();
}, 60_000);
afterAll(async () => {
  await compat?.hub.close();
  removeTestDirs();
});

describe('bootstrap and handshake', () => {
  it('answers helloworld and gives the root key to the first caller only', async () => {
    expect(await send(compat.base, 'GET', '/helloworld/', {})).toMatchObject({ status: 200, json: { message: 'Hello world!' } });
    const again = await send(compat.base, 'GET', '/root_tibillet_handshake/', {});
    expect(again).toMatchObject({ status: 208, json: { 'already done': true } });
    expect(compat.rootKey).toMatch(/^[A-Za-z0-9]{8}\.[A-Za-z0-9]{32}$/);
  });

  it('runs root → place → wallet → link → handshake, and the new key reads the assets', async () => {
    const venue = await bootstrapVenue(compat, 'Le Tiers Lustre');
    const assets = await venue.laboutik.get('/asset/');
    expect(assets.status).toBe(200);
    expect(assets.json.map((asset: { category: string }) => asset.category)).toContain('FED');
    // The place is one of the hub's own: the admin API sees it, with its wallet.
    const places = await compat.hub.call('GET', '/api/v1/places');
    expect((places.json.places ?? places.json).find((place: { id: string }) => place.id === venue.place.uuid)).toMatchObject({ wallet: venue.place.wallet, adminEmail: venue.admin.email });
  });

  it('spends the temp key: a second handshake with it is refused', async () => {
    const venue = await bootstrapVenue(compat, 'Café Ø');
    const link = await venue.lespass.get('/place/link_cashless_to_place/', venue.admin);
    // The original refuses a second link once a till is attached (405), and so do we.
    expect(link.status).toBe(405);
    const stranger = new LaBoutikClient(compat.base, venue.laboutik.apiKey, rsaKey());
    const shake = await stranger.handshake(venue.laboutik.apiKey, [['fedow_place_uuid', venue.place.uuid]]);
    expect(shake.status).toBe(403);
  });

  it('refuses a place created without the root key, or unsigned by its admin', async () => {
    const admin = { wallet: null, key: rsaKey() };
    const body = { place_name: 'Sans clé', place_domain: 'x.example', admin_email: 'a@x.example', admin_pub_pem: admin.key.pem };
    expect((await new LespassClient(compat.base, null).post('/place/', body, admin)).status).toBe(403);
    const forger = { wallet: null, key: rsaKey() };
    expect((await new LespassClient(compat.base, compat.rootKey).post('/place/', body, forger)).status).toBe(403);
    expect((await new LespassClient(compat.base, compat.rootKey).post('/place/', { ...body, admin_pub_pem: 'not a key' }, admin)).status).toBe(400);
  });

  it('gives a user wallet once per e-mail, bound to its first key', async () => {
    const venue = await bootstrapVenue(compat, 'La Guinguette');
    const user = { wallet: null, key: rsaKey() };
    const first = await venue.lespass.post('/wallet/get_or_create/', { email: 'Zoé@Exemple.fr', public_pem: user.key.pem }, user);
    expect(first.status).toBe(201);
    expect(typeof first.json).toBe('string');
    const second = await venue.lespass.post('/wallet/get_or_create/', { email: 'zoé@exemple.fr', public_pem: user.key.pem }, user);
    expect(second).toMatchObject({ status: 200, json: first.json });
    const thief = { wallet: null, key: rsaKey() };
    const other = await venue.lespass.post('/wallet/get_or_create/', { email: 'zoé@exemple.fr', public_pem: thief.key.pem }, thief);
    expect(other).toMatchObject({ status: 400, json: { public_pem: ['Invalid pub pem'] } });
  });
});
