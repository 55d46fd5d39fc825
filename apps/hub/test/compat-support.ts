/** Shared by the compatible API's tests: a listening hub, and a venue bootstrapped as Lespass and LaBoutik do it. */
import { expect } from 'vitest';
import { startTestHub, type TestHub } from './admin-support';
import { LaBoutikClient, LespassClient, oaepDecrypt, rsaKey, send, type LespassUser, type RsaKey } from '../../../support/fedow-client';

export interface CompatHub {
  hub: TestHub;
  base: string;
  rootKey: string;
}

export async function startCompatHub(databaseUrl?: string, overrides: Parameters<typeof startTestHub>[1] = {}): Promise<CompatHub> {
  const hub = await startTestHub(databaseUrl, overrides);
  const base = await hub.app.listen({ host: '127.0.0.1', port: 0 });
  const root = await send(base, 'GET', '/root_tibillet_handshake/', {});
  expect(root.status).toBe(201);
  return { hub, base, rootKey: root.json.api_key };
}

export interface Venue {
  place: { uuid: string; wallet: string; key: string; name: string };
  admin: LespassUser & { email: string };
  lespass: LespassClient;
  laboutik: LaBoutikClient;
  cashlessKey: RsaKey;
}

/** Root → place (Lespass) → admin wallet → link_cashless → LaBoutik handshake: the venue's two clients, keyed. */
export async function bootstrapVenue(compat: CompatHub, name: string): Promise<Venue> {
  const adminKey = rsaKey();
  const email = `admin@${name.toLowerCase().replace(/\W/g, '')}.example`;
  const admin: LespassUser & { email: string } = { wallet: null, key: adminKey, email };
  const root = new LespassClient(compat.base, compat.rootKey);
  const created = await root.post('/place/', { place_name: name, place_domain: `${name.toLowerCase().replace(/\W/g, '')}.lespass.example`, admin_email: email, admin_pub_pem: adminKey.pem }, admin);
  expect(created.status, created.text).toBe(201);
  const lespass = new LespassClient(compat.base, created.json.key);
  const wallet = await lespass.post('/wallet/get_or_create/', { email, public_pem: adminKey.pem }, admin);
  expect(wallet.status, wallet.text).toBe(200);
  admin.wallet = wallet.json;
  const link = await lespass.get('/place/link_cashless_to_place/', admin);
  expect(link.status, link.text).toBe(201);
  const tempKey = oaepDecrypt(adminKey, link.json.rsa_cypher_message);
  const cashlessKey = rsaKey();
  const laboutik = new LaBoutikClient(compat.base, tempKey, cashlessKey);
  const shake = await laboutik.handshake(tempKey, [
    ['fedow_place_uuid', created.json.uuid],
    ['cashless_ip', '10.0.0.7'],
    ['cashless_url', `https://laboutik.${name.toLowerCase().replace(/\W/g, '')}.example/`],
    ['cashless_admin_apikey', 'ZyXwVuTs.0123456789abcdefghijABCDEFGHIJ01'],
    ['cashless_rsa_pub_key', cashlessKey.pem],
    ['dokos_id', 'None'],
  ]);
  expect(shake.status, shake.text).toBe(202);
  // LaBoutik decodes the raw body: the JSON quotes are dropped by urlsafe_b64decode.
  const decoded = JSON.parse(Buffer.from(shake.text.replace(/"/g, ''), 'base64url').toString('utf8'));
  expect(decoded.place_wallet_uuid).toBe(created.json.wallet);
  laboutik.apiKey = decoded.place_admin_apikey;
  return { place: { uuid: created.json.uuid, wallet: created.json.wallet, key: created.json.key, name }, admin, lespass, laboutik, cashlessKey };
}

/** A Lespass user with a wallet (get_or_create). */
export async function lespassUser(venue: Venue, email: string): Promise<LespassUser> {
  const user: LespassUser = { wallet: null, key: rsaKey() };
  const made = await venue.lespass.post('/wallet/get_or_create/', { email, public_pem: user.key.pem }, user);
  expect(made.status, made.text).toBe(201);
  user.wallet = made.json;
  return user;
}
