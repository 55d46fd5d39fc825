/**
 * Lespass's user flows through the compatible API (reference/fedow-clients.md §4):
 * wallets by e-mail and RSA key, token and membership assets, rewards and refills
 * with each metadata form (a second use of a checkout refused), QR payment in
 * euros, history, card linking by QR code and number, lost card, list_by_asset
 * with `str(datetime)` dates, federations; `fedow verify` passes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pythonJsonDumps } from '../src/compat/python';
import { verifyChain } from '../src/verify/verify-chain';
import { DIALECTS, freshDatabase } from '../../../test/support/dialects';
import { removeTestDirs } from './admin-support';
import { bootstrapVenue, lespassUser, startCompatHub, type CompatHub, type Venue } from './compat-support';
import type { LespassUser } from '../../../support/fedow-client';

const TOKEN = '0190a0b0-0000-7000-8000-0000000b0001';
const MEMBERSHIP = '0190a0b0-0000-7000-8000-0000000b0002';

afterAll(() => removeTestDirs());

describe.each(DIALECTS)('Lespass flows on %s', (dialect) => {
  const database = freshDatabase(dialect);
  let compat: CompatHub;
  let venue: Venue;
  let zoe: LespassUser;
  beforeAll(async () => {
    compat = await startCompatHub(await database());
    venue = await bootstrapVenue(compat, 'La Coopé');
    zoe = await lespassUser(venue, 'zoë@exemple.fr');
  }, 120_000);
  afterAll(async () => {
    await compat?.hub.close();
  });

  it('creates token and membership assets, each in its own route, and lists what the place accepts', async () => {
    const token = await venue.lespass.post('/asset/create_token_asset/', { uuid: TOKEN, name: 'Pêche 🍑', currency_code: 'PEC', category: 'TLF', created_at: '2026-07-01T00:00:00+00:00' });
    expect(token.status, token.text).toBe(201);
    expect(token.json).toMatchObject({ uuid: TOKEN, name: 'Pêche 🍑', get_category_display: expect.any(String), wallet_origin: venue.place.wallet });
    const membership = await venue.lespass.post('/asset/create_membership_asset/', { uuid: MEMBERSHIP, name: 'Adhésion', currency_code: 'ADUB', category: 'SUB', created_at: '2026-07-01T00:00:00+00:00' });
    expect(membership.status).toBe(400);
    const fixed = await venue.lespass.post('/asset/create_membership_asset/', { uuid: MEMBERSHIP, name: 'Adhésion', currency_code: 'ADU', category: 'SUB', created_at: '2026-07-01T00:00:00+00:00' });
    expect(fixed.status, fixed.text).toBe(201);
    expect((await venue.lespass.post('/asset/create_token_asset/', { name: 'Mauvais', currency_code: 'X', category: 'SUB' })).status).toBe(400);
    const accepted = await venue.lespass.get('/asset/get_accepted_assets/');
    expect(accepted.json.map((asset: { uuid: string }) => asset.uuid)).toEqual(expect.arrayContaining([TOKEN, MEMBERSHIP]));
    expect((await venue.lespass.get(`/asset/${MEMBERSHIP}/retrieve_membership_asset/`)).json).toMatchObject({ uuid: MEMBERSHIP, category: 'SUB' });
  });

  it('rewards and refills with each metadata form, and refuses a checkout reported twice', async () => {
    const paid = { ligne_article_uuid: 'l-1', membership_uuid: 'm-1', product_uuid: 'p-1', price_uuid: 'pr-1', checkout_session_id_stripe: 'cs_test_1', invoice_stripe_id: 'in_1', reason: 'Recharge ✓' };
    const first = await venue.lespass.post('/transaction/refill_from_lespass_to_user_wallet/', { amount: 1000, sender: venue.place.wallet, receiver: zoe.wallet, asset: TOKEN, metadata: paid }, zoe);
    expect(first.status, first.text).toBe(201);
    expect(first.json).toMatchObject({ action: 'REF', amount: 1000, receiver: zoe.wallet, metadata: paid });
    const again = await venue.lespass.post('/transaction/refill_from_lespass_to_user_wallet/', { amount: 1000, sender: venue.place.wallet, receiver: zoe.wallet, asset: TOKEN, metadata: { ...paid, invoice_stripe_id: 'in_2' } }, zoe);
    expect(again).toMatchObject({ status: 400, json: { detail: 'Already reported' } });
    const reward = { reason: 'Billet scanné', api_key: 'k', ligne_article_uuid: 'l-2', rewarded_from_ticket_scanned: true, idempotency_key: 'i-1' };
    expect((await venue.lespass.post('/transaction/refill_from_lespass_to_user_wallet/', { amount: 200, sender: venue.place.wallet, receiver: zoe.wallet, asset: TOKEN, metadata: reward }, zoe)).status).toBe(201);
    const ticket = { ligne_article_uuid: 'l-3', product_uuid: 'p-3', reason: 'Ticket' };
    expect((await venue.lespass.post('/transaction/refill_from_lespass_to_user_wallet/', { amount: 50, sender: venue.place.wallet, receiver: zoe.wallet, asset: TOKEN, metadata: ticket }, zoe)).status).toBe(201);
    expect((await venue.lespass.post('/transaction/refill_from_lespass_to_user_wallet/', { amount: 50, sender: venue.place.wallet, receiver: zoe.wallet, asset: TOKEN, metadata: { reason: 'rien' } }, zoe)).status).toBe(400);
    const wallet = await venue.lespass.get('/wallet/retrieve_by_signature/', zoe);
    expect(wallet.json).toMatchObject({ uuid: zoe.wallet, get_name: 'zoë@exemple.fr', has_user_card: false });
    expect(wallet.json.tokens.find((token: { asset_uuid: string }) => token.asset_uuid === TOKEN)).toMatchObject({ value: 1250, asset: { place_origin: { uuid: venue.place.uuid } } });
  });

  it('pays a place by QR code in euros (a list of transactions), and refuses more than the wallet holds', async () => {
    const metadata = { nfc: { tag_id: 'A1B2C3D4', read_at: '2026-07-14T22:00:00', reader: 'Caisse é', user: 'zoë' }, ratio: 1.0 };
    const body = pythonJsonDumps({ amount: 450, sender: zoe.wallet, receiver: venue.place.wallet, asset_type: 'EURO', comment: null, metadata }).replace('"ratio": 1}', '"ratio": 1.0}');
    expect(body).toContain('"ratio": 1.0}');
    const paid = await venue.lespass.postText('/transaction/qrcodescanpay/', body, zoe);
    expect(paid.status, paid.text).toBe(201);
    expect(paid.json).toMatchObject([{ action: 'QRS', amount: 450, asset: TOKEN, sender: zoe.wallet }]);
    // The metadata comes back as sent, `1.0` included (raw JSON, not re-serialised).
    expect(paid.text).toContain('"ratio": 1.0');
    const short = await venue.lespass.post('/transaction/qrcodescanpay/', { amount: 99_999, sender: zoe.wallet, receiver: venue.place.wallet, asset_type: 'EURO', comment: null, metadata: {} }, zoe);
    expect(short).toMatchObject({ status: 400, json: { code: 'insufficient_funds' } });
    expect((await venue.lespass.post('/transaction/qrcodescanpay/', { amount: 1, sender: zoe.wallet, receiver: venue.place.wallet, asset_type: 'GIFT' }, zoe)).status).toBe(400);
  });

  it('sells a membership to a wallet and lists an asset between str(datetime) dates', async () => {
    const sold = await venue.lespass.post('/transaction/create_membership/', { amount: 2000, sender: venue.place.wallet, receiver: zoe.wallet, asset: MEMBERSHIP, subscription_start_datetime: '2026-07-14T10:00:00+02:00', metadata: { checkout_session_id_stripe: 'cs_m' } }, zoe);
    expect(sold.status, sold.text).toBe(201);
    expect(sold.json).toMatchObject({ action: 'SUB', receiver: zoe.wallet, amount: 2000 });
    const listed = await venue.lespass.post('/transaction/list_by_asset/', { asset_uuid: TOKEN, start_date: '2026-07-01 00:00:00+02:00', end_date: '2026-07-31 23:59:59+02:00' }, venue.admin);
    expect(listed.status, listed.text).toBe(200);
    expect(listed.json.map((tx: { action: string }) => tx.action)).toEqual(['FST', 'REF', 'REF', 'REF', 'QRS']);
    const none = await venue.lespass.post('/transaction/list_by_asset/', { asset_uuid: TOKEN, start_date: '2025-01-01 00:00:00+00:00', end_date: '2025-12-31 00:00:00+00:00' }, venue.admin);
    expect(none.json).toEqual([]);
    expect((await venue.lespass.post('/transaction/list_by_asset/', { asset_uuid: TOKEN, start_date: 'hier', end_date: 'demain' }, venue.admin)).status).toBe(400);
  });

  it('answers 417 for a FED refill checkout on a hub without Stripe, as the original', async () => {
    expect(await venue.lespass.post('/wallet/get_federated_token_refill_checkout/', { lespass_signed_data: 'x:y', amount: 1000 }, zoe)).toMatchObject({ status: 417, json: { detail: expect.any(String) } });
  });

  it('pages the wallet history', async () => {
    const page = await venue.lespass.get('/transaction/paginated_list_by_wallet_signature/', zoe);
    expect(page.status).toBe(200);
    expect(page.json).toMatchObject({ count: 5, previous: null, next: null });
    expect(page.json.results[0]).toMatchObject({ action: 'SUB', get_action_display: expect.any(String) });
  });

  it('links cards by QR code and by number (their balance follows), guards against a second card, and declares one lost', async () => {
    const batch = ['C0000001', 'C0000002'].map((tag, index) => ({ uuid: `0190a0b0-0000-7000-8000-0000000f000${index}`, first_tag_id: tag, qrcode_uuid: `0190a0b0-0000-7000-8000-00000010000${index}`, number_printed: tag, generation: 2, is_primary: false }));
    expect((await venue.laboutik.post('/card/', batch)).status).toBe(201);
    const lookup = await venue.lespass.get('/card/c0000001/card_tag_id_retrieve/');
    expect(lookup.json).toMatchObject({ is_wallet_ephemere: true, origin: { generation: 2, img: null } });
    expect((await venue.lespass.get('/card/C0000002/card_number_retrieve/')).status).toBe(200);
    expect((await venue.lespass.get(`/card/${batch[0]!.qrcode_uuid}/qr_retrieve/`)).json.wallet_uuid).toBe(lookup.json.wallet_uuid);
    const paul = await lespassUser(venue, 'paul@exemple.fr');
    const linked = await venue.lespass.post('/wallet/linkwallet_cardqrcode/', { wallet: paul.wallet, card_qrcode_uuid: batch[0]!.qrcode_uuid }, paul);
    expect(linked.status, linked.text).toBe(200);
    expect(linked.json).toMatchObject({ first_tag_id: 'C0000001', is_wallet_ephemere: false, wallet: { uuid: paul.wallet } });
    const byNumber = await venue.lespass.post('/wallet/linkwallet_card_number/', { wallet: zoe.wallet, card_number: 'C0000002' }, zoe);
    expect(byNumber.status, byNumber.text).toBe(200);
    const taken = await venue.lespass.post('/wallet/linkwallet_card_number/', { wallet: zoe.wallet, card_number: 'C0000001' }, zoe);
    expect(taken.status).toBe(400);
    expect((await venue.lespass.get('/card/retrieve_card_by_signature/', zoe)).json.map((card: { first_tag_id: string }) => card.first_tag_id)).toEqual(['C0000002']);
    expect((await venue.lespass.post('/card/lost_my_card_by_signature/', { number_printed: 'C0000002' }, zoe)).status).toBe(200);
    expect((await venue.lespass.get('/card/retrieve_card_by_signature/', zoe)).json).toEqual([]);
  });

  it('federates a token with another place (200), which then accepts it', async () => {
    const other = await bootstrapVenue(compat, 'Le Voisin');
    const made = await venue.lespass.post('/federation/', { place_origin: venue.place.uuid, place_added: other.place.uuid, asset: TOKEN, name: 'Réseau 🌍' }, venue.admin);
    expect(made.status, made.text).toBe(200);
    expect(made.json.places).toEqual(expect.arrayContaining([venue.place.uuid, other.place.uuid]));
    expect((await other.laboutik.get('/asset/')).json.map((asset: { uuid: string }) => asset.uuid)).toContain(TOKEN);
    expect((await other.lespass.post('/federation/', { place_origin: venue.place.uuid, place_added: other.place.uuid, asset: TOKEN, name: 'Vol' }, other.admin)).status).toBe(403);
    const totals = await venue.lespass.get(`/asset/${TOKEN}/total_by_place_with_uuid/`);
    expect(typeof totals.json).toBe('string');
    expect(JSON.parse(totals.json).total_by_place).toEqual(expect.arrayContaining([{ place_name: 'La Coopé', wallet_uuid: venue.place.wallet, total_value: 450 }]));
    expect((await other.lespass.get(`/asset/${TOKEN}/archive_asset/`)).status).toBe(403);
    expect(await venue.lespass.get(`/asset/${TOKEN}/archive_asset/`)).toMatchObject({ status: 200, json: 'ARCHIVED' });
    expect((await verifyChain(compat.hub.context)).firstDiscrepancy).toBeNull();
  });
});
