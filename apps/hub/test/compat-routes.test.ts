/**
 * The original's less used routes (issue 13's remainder), each with its refusals:
 * badges by asset (`GET /wallet/{asset}/badge/`, `GET /transaction/{asset}/badge_with_signature/`),
 * the fusion `POST /transaction/` infers from `action: "FUS"`, the test bench's
 * `get_new_place_token_for_test`, and the Stripe routes on a hub without Stripe;
 * `fedow verify` passes after them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pythonJsonDumps } from '../src/compat/python';
import { verifyChain } from '../src/verify/verify-chain';
import { removeTestDirs } from './admin-support';
import { bootstrapVenue, lespassUser, startCompatHub, type CompatHub, type Venue } from './compat-support';
import { b64url, LaBoutikClient, rsaKey, send, type LespassUser } from '../../../support/fedow-client';

const TLF = '0190a0b0-0000-7000-8000-0000000b1001';
const BDG = '0190a0b0-0000-7000-8000-0000000b1002';
const TAGS = ['CA5E0001', 'F0510001', 'F0510002'];
const card = (index: number) => ({
  uuid: `0190a0b0-0000-7000-8000-0000000c100${index}`,
  first_tag_id: TAGS[index]!,
  qrcode_uuid: `0190a0b0-0000-7000-8000-0000000d100${index}`,
  number_printed: TAGS[index]!,
  generation: 1,
  is_primary: index === 0,
});

afterAll(() => removeTestDirs());

describe('badges by asset, fusion by transaction', () => {
  let compat: CompatHub;
  let venue: Venue;
  let zoe: LespassUser;
  beforeAll(async () => {
    compat = await startCompatHub();
    venue = await bootstrapVenue(compat, 'La Porte 🚪');
    zoe = await lespassUser(venue, 'zoé@exemple.fr');
    for (const [uuid, name, category] of [[TLF, 'Jeton', 'TLF'], [BDG, 'Porte', 'BDG']] as const) {
      expect((await venue.laboutik.post('/asset/', { uuid, name, currency_code: category, category })).status).toBe(201);
    }
    expect((await venue.laboutik.post('/card/', [card(0), card(1), card(2)])).status).toBe(201);
  }, 120_000);
  afterAll(async () => {
    await compat?.hub.close();
  });

  it('badges a signed wallet at the place (201 BDG of 0), 404 for an asset that is not a badge, 403 unsigned', async () => {
    const passage = await venue.lespass.get(`/wallet/${BDG}/badge/`, zoe);
    expect(passage.status, passage.text).toBe(201);
    expect(passage.json).toMatchObject({ action: 'BDG', amount: 0, sender: zoe.wallet, receiver: venue.place.wallet, asset: BDG, get_action_display: expect.any(String) });
    expect(passage.json.hash).toMatch(/^[0-9a-f]{64}$/);
    expect((await venue.lespass.get(`/wallet/${TLF}/badge/`, zoe)).status).toBe(404);
    expect((await venue.lespass.get('/wallet/0190a0b0-0000-7000-8000-00000000dead/badge/', zoe)).status).toBe(404);
    const unsigned = await venue.lespass.get(`/wallet/${BDG}/badge/`);
    expect(unsigned.status).toBe(403);
    expect(unsigned.json).toMatchObject({ detail: expect.any(String) });
  });

  it('badges a card by asset path under KP, with the card fields in the query; 400 without them, 404 for an unknown asset', async () => {
    const query = `first_tag_id=${TAGS[1]}&primary_card_firstTagId=${TAGS[0]}&pos_name=Entr%C3%A9e`;
    const passage = await venue.laboutik.get(`/transaction/${BDG}/badge_with_signature/?${query}`);
    expect(passage.status, passage.text).toBe(201);
    expect(passage.json).toMatchObject({ action: 'BDG', amount: 0, receiver: venue.place.wallet, card: { first_tag_id: TAGS[1] } });
    const bare = await venue.laboutik.get(`/transaction/${BDG}/badge_with_signature/`);
    expect(bare.status).toBe(400);
    expect(bare.json).toHaveProperty('first_tag_id');
    expect((await venue.laboutik.get(`/transaction/0190a0b0-0000-7000-8000-00000000dead/badge_with_signature/?${query}`)).status).toBe(404);
    expect((await venue.laboutik.get(`/transaction/${TLF}/badge_with_signature/?${query}`)).status).toBe(400);
    const stranger = new LaBoutikClient(compat.base, venue.laboutik.apiKey, rsaKey());
    expect((await stranger.get(`/transaction/${BDG}/badge_with_signature/?${query}`)).status).toBe(403);
  });

  it('fuses a card of this place into a user wallet when asked FUS with its whole balance, and refuses every other shape', async () => {
    const cardWallet: string = (await venue.laboutik.get(`/card/${TAGS[2]}/`)).json.wallet.uuid;
    const cards = { user_card_firstTagId: TAGS[2], primary_card_fisrtTagId: TAGS[0] };
    expect((await venue.laboutik.post('/transaction/', { amount: 1200, sender: venue.place.wallet, receiver: cardWallet, asset: TLF, ...cards })).status).toBe(201);
    const fus = (amount: number, sender = cardWallet, receiver = zoe.wallet!, action = 'FUS') => venue.laboutik.post('/transaction/', { amount, sender, receiver, asset: TLF, action });
    expect(await fus(1199)).toMatchObject({ status: 400, json: { code: 'invalid_amount' } });
    expect((await fus(1200, cardWallet, zoe.wallet!, 'SAL')).status).toBe(400);
    expect((await fus(1200, zoe.wallet!, cardWallet)).status).toBe(400);
    const anonymous: string = (await venue.laboutik.get(`/card/${TAGS[1]}/`)).json.wallet.uuid;
    expect((await fus(1200, cardWallet, anonymous)).json).toHaveProperty('receiver');
    const other = await bootstrapVenue(compat, 'Le Voisin');
    expect((await other.laboutik.post('/transaction/', { amount: 1200, sender: cardWallet, receiver: zoe.wallet, asset: TLF, action: 'FUS' })).status).toBe(400);
    const merged = await fus(1200);
    expect(merged.status, merged.text).toBe(201);
    expect(merged.json).toMatchObject({ action: 'FUS', amount: 1200, sender: cardWallet, receiver: zoe.wallet, asset: TLF });
    const wallet = await venue.lespass.get('/wallet/retrieve_by_signature/', zoe);
    expect(wallet.json.tokens.find((token: { asset_uuid: string }) => token.asset_uuid === TLF)).toMatchObject({ value: 1200 });
    expect((await venue.lespass.get('/card/retrieve_card_by_signature/', zoe)).json.map((owned: { first_tag_id: string }) => owned.first_tag_id)).toEqual([TAGS[2]]);
    expect((await fus(1200)).status).toBe(400);
    // The history shows the card's past before the fusion, as the original's does.
    const history = await venue.lespass.get('/transaction/paginated_list_by_wallet_signature/', zoe);
    expect(history.json.results.map((tx: { action: string }) => tx.action)).toEqual(['FUS', 'REF', 'BDG']);
    expect((await verifyChain(compat.hub.context)).firstDiscrepancy).toBeNull();
  });

  it('answers a 404 to get_new_place_token_for_test on a hub that did not enable it', async () => {
    const answer = await send(compat.base, 'GET', `/get_new_place_token_for_test/${encoded('Bar Test')}/`, {});
    expect(answer.status).toBe(404);
    expect(answer.json).toMatchObject({ detail: expect.any(String) });
  });

  it('answers 417 to the Stripe routes on a hub without Stripe, as the original does to the checkout', async () => {
    expect((await venue.lespass.get('/wallet/refund_fed_by_signature/', zoe)).status).toBe(417);
    expect((await venue.lespass.get('/wallet/0190a0b0-0000-7000-8000-00000000dead/retrieve_from_refill_checkout/', zoe)).status).toBe(417);
    expect((await venue.lespass.post('/wallet/global_asset_bank_stripe_deposit/', { payload: {} }, venue.admin)).status).toBe(417);
  });
});

const encoded = (name: string) => b64url(pythonJsonDumps({ name }));

describe('get_new_place_token_for_test', () => {
  it('hands a test bench a new place whose temp key pairs LaBoutik, once per name', async () => {
    const compat = await startCompatHub(undefined, { compatTestPlaces: true });
    try {
      const answer = await send(compat.base, 'GET', `/get_new_place_token_for_test/${encoded('Bar Test é')}/`, {});
      expect(answer.status, answer.text).toBe(200);
      const connect = JSON.parse(Buffer.from(answer.json.encoded_data, 'base64url').toString('utf8'));
      expect(connect).toMatchObject({ domain: new URL(compat.base).host, uuid: expect.stringMatching(/^[0-9a-f-]{36}$/), temp_key: expect.stringMatching(/^\w{8}\.\w{32}$/) });
      const key = rsaKey();
      const laboutik = new LaBoutikClient(compat.base, connect.temp_key, key);
      const shake = await laboutik.handshake(connect.temp_key, [
        ['fedow_place_uuid', connect.uuid],
        ['cashless_ip', '10.0.0.9'],
        ['cashless_url', 'https://laboutik.test.example/'],
        ['cashless_admin_apikey', 'AbCdEfGh.0123456789abcdefghijABCDEFGHIJ01'],
        ['cashless_rsa_pub_key', key.pem],
        ['dokos_id', 'None'],
      ]);
      expect(shake.status, shake.text).toBe(202);
      laboutik.apiKey = JSON.parse(Buffer.from(shake.text.replace(/"/g, ''), 'base64url').toString('utf8')).place_admin_apikey;
      expect((await laboutik.get('/asset/')).status).toBe(200);
      expect((await send(compat.base, 'GET', `/get_new_place_token_for_test/${encoded('Bar Test é')}/`, {})).status).toBe(400);
      expect((await send(compat.base, 'GET', '/get_new_place_token_for_test/pas-du-json/', {})).status).toBe(400);
      expect((await send(compat.base, 'GET', `/get_new_place_token_for_test/${encoded('')}/`, {})).status).toBe(400);
    } finally {
      await compat.hub.close();
    }
  }, 60_000);
});
