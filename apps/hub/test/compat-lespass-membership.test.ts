/**
 * The original's outgoing call to Lespass when LaBoutik sells a membership:
 * `GET https://{lespass_domain}/fwh/membership/{transaction}` after the sale is
 * stored, against a local HTTP receiver standing in for Lespass (these machines
 * have no network; the hub's FEDOW_COMPAT_LESPASS_URL points it here). The
 * stand-in reads the transaction back as Lespass does. Only a SUB sold with a
 * primary card calls; a failing Lespass is retried and never fails the sale.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyChain } from '../src/verify/verify-chain';
import { removeTestDirs } from './admin-support';
import { bootstrapVenue, lespassUser, startCompatHub, type CompatHub, type Venue } from './compat-support';
import { send } from '../../../support/fedow-client';

/** A stand-in for Lespass's `/fwh/membership/{uuid}`: records each call, answers `failFirst` 503s, then 200. */
class LespassStandIn {
  readonly calls: string[] = [];
  failFirst = 0;
  private readonly server: Server = createServer((request, response) => {
    this.calls.push(`${request.method} ${request.url}`);
    const failing = this.failFirst > 0;
    if (failing) this.failFirst -= 1;
    response.writeHead(failing ? 503 : 200, { 'content-type': 'application/json' });
    response.end(failing ? '{"detail":"busy"}' : '"ok"');
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const SUB = '0190a0b0-0000-7000-8000-0000000b0003';
const TAGS = ['CA5H1E01', 'A1B2C3D5'];
const DOMAIN = 'labonnefranquette.lespass.example';

let lespass: LespassStandIn;
let compat: CompatHub;
let venue: Venue;
let cardWallet = '';

/** Waits until the stand-in got `count` calls (the call leaves after LaBoutik's answer). */
async function calls(count: number, withinMs = 20_000): Promise<string[]> {
  const until = Date.now() + withinMs;
  while (lespass.calls.length < count && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 25));
  return lespass.calls;
}

beforeAll(async () => {
  lespass = new LespassStandIn();
  const base = await lespass.start();
  compat = await startCompatHub(undefined, { compatLespassUrl: `${base}/{domain}` });
  venue = await bootstrapVenue(compat, 'La Bonne Franquette');
  expect((await venue.laboutik.post('/asset/', { uuid: SUB, name: 'Adhésion 2026', currency_code: 'ADH', category: 'SUB' })).status).toBe(201);
  const batch = TAGS.map((tag, index) => ({ first_tag_id: tag, qrcode_uuid: `0190a0b0-0000-7000-8000-0000000d010${index}`, number_printed: tag, generation: 1, is_primary: index === 0 }));
  expect((await venue.laboutik.post('/card/', batch)).status).toBe(201);
  cardWallet = (await venue.laboutik.get(`/card/${TAGS[1]}/`)).json.wallet.uuid;
}, 120_000);
afterAll(async () => {
  await compat?.hub.close();
  await lespass?.stop();
  removeTestDirs();
});

describe("LaBoutik's membership sale tells Lespass", () => {
  it('calls GET /fwh/membership/{uuid} on the place’s Lespass domain once, retrying a failing Lespass; Lespass reads the SUB back', async () => {
    lespass.failFirst = 1;
    const sold = await venue.laboutik.post('/transaction/', { amount: 2000, sender: venue.place.wallet, receiver: cardWallet, asset: SUB, subscription_start_datetime: '2026-09-01T10:00:00+02:00', user_card_firstTagId: TAGS[1], primary_card_fisrtTagId: TAGS[0] });
    expect(sold.status, sold.text).toBe(201);
    expect(sold.json.action).toBe('SUB');
    const expected = `GET /${DOMAIN}/fwh/membership/${sold.json.uuid}`;
    expect(await calls(2)).toEqual([expected, expected]);
    const readBack = await send(compat.base, 'GET', `/transaction/${sold.json.uuid}/`, {});
    expect(readBack.json).toMatchObject({ uuid: sold.json.uuid, receiver: cardWallet, amount: 2000, asset: SUB, action: 'SUB' });
  });

  it('does not call for a membership without a primary card, from Lespass itself, or refused; a sale is never held up by Lespass', async () => {
    const before = lespass.calls.length;
    const noPrimary = await venue.laboutik.post('/transaction/', { amount: 1000, sender: venue.place.wallet, receiver: cardWallet, asset: SUB, user_card_firstTagId: TAGS[1] });
    expect(noPrimary.status, noPrimary.text).toBe(201);
    const zoe = await lespassUser(venue, 'zoé@exemple.fr');
    const fromLespass = await venue.lespass.post('/transaction/create_membership/', { amount: 1500, sender: venue.place.wallet, receiver: zoe.wallet, asset: SUB, subscription_start_datetime: '2026-09-01T10:00:00+02:00', metadata: { checkout_session_id_stripe: 'cs_test_1' } }, zoe);
    expect(fromLespass.status, fromLespass.text).toBe(201);
    const refused = await venue.laboutik.post('/transaction/', { amount: -5, sender: venue.place.wallet, receiver: cardWallet, asset: SUB, user_card_firstTagId: TAGS[1], primary_card_fisrtTagId: TAGS[0] });
    expect(refused.status).toBe(400);
    expect(refused.json).toEqual(expect.any(Object));
    const unknownAsset = await venue.laboutik.post('/transaction/', { amount: 500, sender: venue.place.wallet, receiver: cardWallet, asset: '0190a0b0-0000-7000-8000-00000000dead', user_card_firstTagId: TAGS[1], primary_card_fisrtTagId: TAGS[0] });
    expect(unknownAsset.status).toBe(400);
    expect(lespass.calls.length).toBe(before);
    // A Lespass that is gone: the sale is answered at once, the call is given up later.
    await lespass.stop();
    const started = performance.now();
    const offline = await venue.laboutik.post('/transaction/', { amount: 500, sender: venue.place.wallet, receiver: cardWallet, asset: SUB, user_card_firstTagId: TAGS[1], primary_card_fisrtTagId: TAGS[0] });
    expect(offline.status, offline.text).toBe(201);
    expect(performance.now() - started).toBeLessThan(5_000);
    lespass = new LespassStandIn();
    expect((await verifyChain(compat.hub.context)).firstDiscrepancy).toBeNull();
  });
});
