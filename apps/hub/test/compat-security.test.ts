/**
 * The original's security matrix (fedow-original.md §4; its tests.py and
 * test_api_security.py) against the compatible API: every refusal is a 403 with a
 * JSON `detail` and changes nothing — never a 500, a malformed Date included.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeTestDirs } from './admin-support';
import { bootstrapVenue, lespassUser, startCompatHub, type CompatHub, type Venue } from './compat-support';
import { b64url, LaBoutikClient, LespassClient, pythonNow, rsaKey, send, signPss, type LespassUser } from '../../../support/fedow-client';
import { pythonJsonDumps } from '../src/compat/python';

let compat: CompatHub;
let venue: Venue;
let user: LespassUser;

beforeAll(async () => {
  compat = await startCompatHub();
  venue = await bootstrapVenue(compat, 'Sécurité');
  user = await lespassUser(venue, 'user@securite.example');
}, 120_000);
afterAll(async () => {
  await compat?.hub.close();
  removeTestDirs();
});

async function requestCount(): Promise<number> {
  const [row] = await compat.hub.context.storage.read.all<{ n: number | string }>(sql`select count(*) as n from requests`);
  return Number(row?.n);
}

function refused(reply: { status: number; json: any; text: string }): void {
  expect(reply.status, reply.text).toBe(403);
  expect(typeof reply.json.detail).toBe('string');
}

const SALE_PATH = '/transaction/';

describe('KP: LaBoutik key + cashless signature', () => {
  const body = () => pythonJsonDumps({ amount: 100, sender: venue.place.wallet, receiver: venue.place.wallet, asset: venue.place.wallet });
  const headers = (extra: Record<string, string>) => ({ 'content-type': 'application/json', ...extra });

  it('refuses no key, a foreign key, the root key, no signature, an altered body, a salt-32 and a stranger signature', async () => {
    const before = await requestCount();
    const raw = body();
    const good = signPss(venue.cashlessKey, b64url(raw));
    const key = `Api-Key ${venue.laboutik.apiKey}`;
    const cases: Record<string, string>[] = [
      { signature: good },
      { authorization: 'Api-Key AbCdEfGh.0123456789abcdefghijABCDEFGHIJ01', signature: good },
      { authorization: 'Api-Key not-a-key', signature: good },
      { authorization: `Bearer ${venue.laboutik.apiKey}`, signature: good },
      { authorization: `Api-Key ${compat.rootKey}`, signature: good },
      { authorization: key },
      { authorization: key, signature: '' },
      { authorization: key, signature: signPss(venue.cashlessKey, b64url(raw.replace('100', '999'))) },
      { authorization: key, signature: signPss(venue.cashlessKey, b64url(raw), 32) },
      { authorization: key, signature: signPss(rsaKey(), b64url(raw)) },
      { authorization: key, signature: 'A'.repeat(5000) },
    ];
    for (const extra of cases) refused(await send(compat.base, 'POST', SALE_PATH, headers(extra), raw));
    // The altered body itself, under the good signature.
    refused(await send(compat.base, 'POST', SALE_PATH, headers({ authorization: key, signature: good }), raw.replace('100', '999')));
    expect(await requestCount()).toBe(before);
  });

  it('signs GETs over the key: a signature over anything else is refused', async () => {
    expect((await venue.laboutik.get('/asset/')).status).toBe(200);
    refused(await send(compat.base, 'GET', '/asset/', { authorization: `Api-Key ${venue.laboutik.apiKey}`, signature: signPss(venue.cashlessKey, 'something else') }));
    refused(await send(compat.base, 'GET', '/asset/', { authorization: `Api-Key ${venue.laboutik.apiKey}` }));
  });

  it("takes a Lespass place's key alone before a LaBoutik is linked, and no longer after", async () => {
    const root = new LespassClient(compat.base, compat.rootKey);
    const admin = { wallet: null, key: rsaKey() };
    const made = await root.post('/place/', { place_name: 'Billetterie seule', place_domain: 'seule.example', admin_email: 'a@seule.example', admin_pub_pem: admin.key.pem }, admin);
    const keyOnly = await send(compat.base, 'GET', '/asset/', { authorization: `Api-Key ${made.json.key}` });
    expect(keyOnly.status).toBe(200);
    refused(await send(compat.base, 'GET', '/asset/', { authorization: `Api-Key ${venue.place.key}` }));
  });

  it('keeps temp keys to the handshake, and place keys away from the root route', async () => {
    const other = await bootstrapVenue(compat, 'Autre lieu');
    refused(await new LespassClient(compat.base, other.place.key).post('/place/', { place_name: 'x' }, other.admin));
  });
});

describe('W and KW: Wallet, Date and the wallet key', () => {
  const path = '/wallet/retrieve_by_signature/';

  it('answers a well-signed GET, with Lespass dates with and without microseconds', async () => {
    expect((await venue.lespass.get(path, user)).status).toBe(200);
    const date = '2026-07-14T22:03:07';
    const reply = await send(compat.base, 'GET', path, { date, wallet: user.wallet!, signature: signPss(user.key, `${user.wallet}:${date}`) });
    expect(reply.status).toBe(200);
    const offset = '2026-07-14 22:03:07.123+02:00';
    const signed = signPss(user.key, `${user.wallet}:2026-07-14T22:03:07.123000+02:00`);
    expect((await send(compat.base, 'GET', path, { date: offset, wallet: user.wallet!, signature: signed })).status).toBe(200);
  });

  it('refuses no Wallet, an unknown wallet, no Date, a malformed Date, no signature, another date signed, another key', async () => {
    const date = pythonNow();
    const good = signPss(user.key, `${user.wallet}:${date}`);
    const cases: Record<string, string>[] = [
      { date, signature: good },
      { date, wallet: '', signature: good },
      { date, wallet: '0190a0b0-0000-7000-8000-00000000dead', signature: good },
      { date, wallet: 'not-a-uuid', signature: good },
      { wallet: user.wallet!, signature: good },
      { date: 'not a date', wallet: user.wallet!, signature: good },
      { date: `${date}Z`, wallet: user.wallet!, signature: signPss(user.key, `${user.wallet}:${date}Z`) },
      { date: '2026-07-14T22:03:07.12', wallet: user.wallet!, signature: good },
      { date, wallet: user.wallet! },
      { date, wallet: user.wallet!, signature: signPss(user.key, `${user.wallet}:2020-01-01T00:00:00`) },
      { date, wallet: user.wallet!, signature: signPss(rsaKey(), `${user.wallet}:${date}`) },
      { date, wallet: venue.admin.wallet!, signature: good },
    ];
    for (const headers of cases) refused(await send(compat.base, 'GET', path, headers));
  });

  it('checks a POST under W over its body (linkwallet_cardqrcode, the original test_api_security)', async () => {
    const before = await requestCount();
    const data = { wallet: user.wallet, card_qrcode_uuid: '0190a0b0-0000-7000-8000-000000000abc' };
    const body = pythonJsonDumps(data);
    const date = pythonNow();
    const signature = signPss(user.key, b64url(body));
    const json = { 'content-type': 'application/json' };
    refused(await send(compat.base, 'POST', '/wallet/linkwallet_cardqrcode/', { ...json, date, signature }, body));
    const noDate = await send(compat.base, 'POST', '/wallet/linkwallet_cardqrcode/', { ...json, wallet: user.wallet!, signature }, body);
    refused(noDate);
    expect(noDate.json.detail).toMatch(/Date/);
    refused(await send(compat.base, 'POST', '/wallet/linkwallet_cardqrcode/', { ...json, date, wallet: user.wallet! }, body));
    refused(await send(compat.base, 'POST', '/wallet/linkwallet_cardqrcode/', { ...json, date, wallet: user.wallet!, signature }, body.replace('abc', 'abd')));
    // Signed by the user, but naming another wallet in the body: the original let it through; we do not.
    const other = pythonJsonDumps({ wallet: venue.admin.wallet, card_qrcode_uuid: data.card_qrcode_uuid });
    refused(await send(compat.base, 'POST', '/wallet/linkwallet_cardqrcode/', { ...json, date, wallet: user.wallet!, signature: signPss(user.key, b64url(other)) }, other));
    expect(await requestCount()).toBe(before);
  });

  it('needs the place key besides the wallet under KW', async () => {
    const keyless = new LespassClient(compat.base, null);
    refused(await keyless.get('/place/link_cashless_to_place/', venue.admin));
    // A user who is not the place's admin cannot ask for a till key.
    refused(await venue.lespass.get('/place/link_cashless_to_place/', user));
  });

  it('answers unknown routes and bad JSON with JSON 4xx, never a 500', async () => {
    const reply = await send(compat.base, 'POST', '/wallet/get_or_create/', { authorization: `Api-Key ${venue.place.key}`, 'content-type': 'application/json' }, '{not json');
    expect(reply.status).toBe(400);
    expect(reply.json).toBeDefined();
  });
});

describe('LaBoutik client against a venue', () => {
  it('is refused with the key of another venue', async () => {
    const other = await bootstrapVenue(compat, 'Voisin');
    const crossed = new LaBoutikClient(compat.base, other.laboutik.apiKey, venue.cashlessKey);
    refused(await crossed.get('/asset/'));
  });
});
