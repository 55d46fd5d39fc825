/**
 * A LaBoutik day through the compatible API (reference/fedow-clients.md §3), on
 * SQLite and PostgreSQL: assets with the till's uuids and dates, a card batch with
 * a primary card, refill, sale with a signed metadata string echoed byte for byte,
 * membership, badge, lookups, refund, void, duplicates; `fedow verify` passes.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { DIALECTS, freshDatabase } from '../../../test/support/dialects';
import { pythonJsonDumps } from '../src/compat/python';
import { verifyChain } from '../src/verify/verify-chain';
import { removeTestDirs } from './admin-support';
import { bootstrapVenue, startCompatHub } from './compat-support';

afterAll(() => removeTestDirs());

const TLF = '0190a0b0-0000-7000-8000-0000000a0001';
const TNF = '0190a0b0-0000-7000-8000-0000000a0002';
const SUB = '0190a0b0-0000-7000-8000-0000000a0003';
const BDG = '0190a0b0-0000-7000-8000-0000000a0004';
const cardUuid = (n: number) => `0190a0b0-0000-7000-8000-0000000c000${n}`;
const qrUuid = (n: number) => `0190a0b0-0000-7000-8000-0000000d000${n}`;
const TAGS = ['CA5H1E00', 'A1B2C3D4', 'B1B2C3D4'];

describe.each(DIALECTS)('a LaBoutik day on %s', (dialect) => {
  const database = freshDatabase(dialect);

  it('creates, sells, refunds and voids as LaBoutik does, and the chain verifies', async () => {
    const compat = await startCompatHub(await database());
    try {
      const { laboutik, place } = await bootstrapVenue(compat, 'Le Bar à Zoë');
      // Assets: the till's own uuids, backdated to its first sale.
      for (const [uuid, name, category] of [[TLF, 'Monnaie locale', 'TLF'], [TNF, 'Cadeau', 'TNF'], [SUB, 'Adhésion 😀', 'SUB'], [BDG, 'Badge', 'BDG']] as const) {
        const made = await laboutik.post('/asset/', { uuid, name, currency_code: `${name.slice(0, 2)}${category.slice(1)}`.toUpperCase().slice(0, 3), category, created_at: '2026-06-01T10:00:00+02:00' });
        expect(made.status, made.text).toBe(201);
        expect(made.json).toMatchObject({ uuid, name, category, created_at: '2026-06-01T08:00:00.000Z', is_stripe_primary: false, place_origin: { uuid: place.uuid }, wallet_origin: place.wallet });
        expect(typeof made.json.get_category_display).toBe('string');
      }
      expect((await laboutik.post('/asset/', { uuid: TLF, name: 'Monnaie locale', currency_code: 'MLF', category: 'TLF' })).status).toBe(201);
      expect((await laboutik.get(`/asset/${TLF}/`)).json).toMatchObject({ uuid: TLF, total_token_value: 0 });
      // A batch: the cashier's primary card and two customers' cards, with pre-token uuids.
      const batch = TAGS.map((tag, index) => ({
        uuid: cardUuid(index + 1),
        first_tag_id: tag,
        qrcode_uuid: qrUuid(index + 1),
        number_printed: tag,
        generation: 1,
        is_primary: index === 0,
        tokens_uuid: [{ asset_uuid: TLF, token_uuid: `0190a0b0-0000-7000-8000-0000000e000${index + 1}` }],
      }));
      expect(await laboutik.post('/card/', batch)).toMatchObject({ status: 201, json: '3' });
      const duplicate = await laboutik.post('/card/', [{ ...batch[1], uuid: cardUuid(9), qrcode_uuid: qrUuid(9), number_printed: 'FFFFFFF9' }]);
      expect(duplicate.status).toBe(400);
      expect(duplicate.text.toLowerCase()).toContain('first_tag_id');
      expect(duplicate.text.toLowerCase()).toContain('exist');
      expect((await laboutik.post('/card/', [batch[2]])).status).toBe(409);
      // Primary cards: already (208), added (200), removed (205).
      expect(await laboutik.post('/card/set_primary/', { first_tag_id: TAGS[0], delete: false })).toMatchObject({ status: 208, json: 'Déja OK' });
      expect(await laboutik.post('/card/set_primary/', { first_tag_id: TAGS[2], delete: false })).toMatchObject({ status: 200, json: 'OK' });
      expect(await laboutik.post('/card/set_primary/', { first_tag_id: TAGS[2], delete: true })).toMatchObject({ status: 205, json: 'remove ok' });
      // The customer's card as LaBoutik reads it.
      const card = await laboutik.get(`/card/${TAGS[1]}/`);
      expect(card.status).toBe(200);
      expect(card.json).toMatchObject({ uuid: cardUuid(2), first_tag_id: TAGS[1], number_printed: TAGS[1], qrcode_uuid: qrUuid(2), is_wallet_ephemere: true, is_primary: false, origin: { generation: 1, img: null, place: { uuid: place.uuid } } });
      expect((await laboutik.get('/card/DEADBEEF/')).status).toBe(404);
      const cardWallet: string = card.json.wallet.uuid;
      const cards = { user_card_firstTagId: TAGS[1], primary_card_fisrtTagId: TAGS[0] };

      const refill = await laboutik.post('/transaction/', { amount: 2000, sender: place.wallet, receiver: cardWallet, asset: TLF, ...cards });
      expect(refill.status, refill.text).toBe(201);
      expect(refill.json).toMatchObject({ action: 'REF', amount: 2000, sender: place.wallet, receiver: cardWallet, asset: TLF, verify_hash: true, card: { first_tag_id: TAGS[1] } });
      expect(refill.json.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(refill.json.previous_transaction).toMatch(/^[0-9a-f-]{36}$/);
      const notPrimary = await laboutik.post('/transaction/', { amount: 100, sender: place.wallet, receiver: cardWallet, asset: TLF, user_card_firstTagId: TAGS[1], primary_card_fisrtTagId: TAGS[2] });
      expect(notPrimary.status).toBe(400);
      expect(Object.keys(notPrimary.json)).toContain('primary_card_fisrtTagId');

      // The sale's metadata is a JSON string LaBoutik signs itself; it must come back unchanged.
      const metadata = pythonJsonDumps({ data: 'ImJpw6hyZSDwn42677iPIg:1tXyZa:sig é 😀' });
      const sale = await laboutik.post('/transaction/', { amount: 350, sender: cardWallet, receiver: place.wallet, asset: TLF, comment: null, metadata, ...cards });
      expect(sale.status, sale.text).toBe(201);
      expect(sale.json).toMatchObject({ action: 'SAL', amount: 350, metadata, get_action_display: expect.any(String) });
      expect(sale.json.card.wallet.tokens.find((token: { asset_uuid: string }) => token.asset_uuid === TLF)).toMatchObject({ value: 1650, uuid: '0190a0b0-0000-7000-8000-0000000e0002' });
      const tooMuch = await laboutik.post('/transaction/', { amount: 5000, sender: cardWallet, receiver: place.wallet, asset: TLF, comment: null, metadata, ...cards });
      expect(tooMuch).toMatchObject({ status: 400, json: { code: 'insufficient_funds' } });
      expect(await laboutik.get(`/transaction/${sale.json.hash}/get_from_hash/`)).toMatchObject({ status: 200, json: { uuid: sale.json.uuid, metadata } });

      const membership = await laboutik.post('/transaction/', { amount: 1500, sender: place.wallet, receiver: cardWallet, asset: SUB, subscription_start_datetime: '2026-07-14T22:00:00+02:00', ...cards });
      expect(membership.status, membership.text).toBe(201);
      expect(membership.json).toMatchObject({ action: 'SUB', verify_hash: true, subscription_start_datetime: '2026-07-14T20:00:00.000Z' });

      const badge = await laboutik.post('/card/badge/', { first_tag_id: TAGS[1], primary_card_firstTagId: TAGS[0], asset: BDG, pos_uuid: 'pos-1', pos_name: 'Entrée' });
      expect(badge.status, badge.text).toBe(201);
      expect(badge.json).toMatchObject({ action: 'BDG', amount: 0 });

      const wallet = await laboutik.get(`/wallet/${cardWallet}/`);
      expect(wallet.json.tokens.find((token: { asset_uuid: string }) => token.asset_uuid === TLF).value).toBe(1650);

      const refund = await laboutik.post('/card/refund/', { user_card_firstTagId: TAGS[1], primary_card_fisrtTagId: TAGS[0], action: 'RFD' });
      expect(refund.status, refund.text).toBe(205);
      expect(refund.json.serialized_transactions).toMatchObject([{ action: 'RFD', amount: 1650, asset: TLF }]);
      expect(refund.json.before_refund_serialized_wallet.tokens.find((token: { asset_uuid: string }) => token.asset_uuid === TLF).value).toBe(1650);
      expect(refund.json.serialized_card).toMatchObject({ first_tag_id: TAGS[1] });

      // The third card: topped up with the gift token, then voided (its wallet is left behind).
      const third = await laboutik.get(`/card/${TAGS[2]}/`);
      const gift = await laboutik.post('/transaction/', { amount: 700, sender: place.wallet, receiver: third.json.wallet.uuid, asset: TNF, user_card_firstTagId: TAGS[2], primary_card_fisrtTagId: TAGS[0] });
      expect(gift.status, gift.text).toBe(201);
      const voided = await laboutik.post('/card/refund/', { user_card_firstTagId: TAGS[2], primary_card_fisrtTagId: TAGS[0], action: 'VID' });
      expect(voided.status, voided.text).toBe(205);
      expect(voided.json.serialized_transactions).toMatchObject([{ action: 'RFD', amount: 700, asset: TNF }]);
      expect(voided.json.serialized_card.wallet).toBeNull();

      const result = await verifyChain(compat.hub.context);
      expect(result.firstDiscrepancy).toBeNull();
      expect(result.transfersChecked).toBeGreaterThan(8);
    } finally {
      await compat.hub.close();
    }
  }, 180_000);
});
