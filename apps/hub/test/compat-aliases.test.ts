/**
 * After `fedow import-fedow`, the original's FED asset uuid and primary wallet
 * uuid still answer through the compatible API (the hub made its own at first
 * start; compat_aliases maps them): routes taking an asset or wallet uuid accept
 * them, and answers show them, so LaBoutik and Lespass keep the uuids they stored.
 * Imported user wallets keep their uuids as they are. On SQLite and PostgreSQL.
 */
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, freshDatabase } from '../../../test/support/dialects';
import { importFedow } from '../src/fedow-import/import-fedow';
import { verifyChain } from '../src/verify/verify-chain';
import * as repo from '../src/storage/repo';
import { removeTestDirs } from './admin-support';
import { bootstrapVenue, lespassUser, startCompatHub, type CompatHub, type Venue } from './compat-support';
import { buildOriginalFedow, type OriginalFixture } from './support/fedow-original';

const PRIMARY_CARD = 'CA5B0042';
const NEW_CARD = 'C0FFEE42';

afterAll(() => removeTestDirs());

describe.each(DIALECTS)('the original uuids after an import, on %s', (dialect) => {
  const database = freshDatabase(dialect);

  let compat: CompatHub;
  let original: OriginalFixture;
  let venue: Venue;
  let hubFed = '';
  let dir = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fedow-aliases-'));
    original = buildOriginalFedow(join(dir, 'original.sqlite3'));
    compat = await startCompatHub(await database());
    const report = await importFedow(compat.hub.context, `sqlite:${join(dir, 'original.sqlite3')}`, { dryRun: false });
    expect(report.totalsEqual).toBe(true);
    hubFed = (await repo.listAssets(compat.hub.context.storage.read)).find((asset) => asset.category === 'FED')!.id;
    venue = await bootstrapVenue(compat, 'Nouveau Bar');
    const cards = [PRIMARY_CARD, NEW_CARD].map((tag, index) => ({
      uuid: `0190a0b0-0000-7000-8000-0000000c200${index}`,
      first_tag_id: tag,
      qrcode_uuid: `0190a0b0-0000-7000-8000-0000000d200${index}`,
      number_printed: tag,
      generation: 1,
      is_primary: index === 0,
      tokens_uuid: [{ asset_uuid: original.ids.fed, token_uuid: `0190a0b0-0000-7000-8000-0000000e200${index}` }],
    }));
    expect((await venue.laboutik.post('/card/', cards)).status).toBe(201);
  }, 120_000);
  afterAll(async () => {
    await compat?.hub.close();
    original?.db.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('are mapped onto the hub\'s own, which differ', async () => {
    expect(hubFed).not.toBe(original.ids.fed);
    const aliases = await repo.listCompatAliases(compat.hub.context.storage.read);
    expect(aliases.map(({ alias, kind }) => [alias, kind]).sort()).toEqual([[original.ids.fed, 'asset'], [original.ids.primary, 'wallet']].sort());
  });

  it('answer on the asset routes, and the answers show the original FED uuid', async () => {
    const listed = await venue.laboutik.get('/asset/');
    expect(listed.json.find((asset: { category: string }) => asset.category === 'FED')).toMatchObject({ uuid: original.ids.fed, wallet_origin: original.ids.primary });
    expect(listed.text).not.toContain(hubFed);
    expect(await venue.laboutik.get(`/asset/${original.ids.fed}/`)).toMatchObject({ status: 200, json: { uuid: original.ids.fed, category: 'FED', total_token_value: 2500 } });
    expect(await venue.lespass.get(`/asset/${original.ids.fed}/retrieve_membership_asset/`)).toMatchObject({ status: 200, json: { uuid: original.ids.fed } });
    const totals = await venue.lespass.get(`/asset/${original.ids.fed}/total_by_place_with_uuid/`);
    expect(totals.status).toBe(200);
    expect(JSON.parse(totals.json).serialized_asset.uuid).toBe(original.ids.fed);
    expect((await venue.lespass.get(`/asset/${original.ids.fed}/retrieve_bank_deposits/`)).status).toBe(200);
    // The FED is the hub's, never created again under its old uuid.
    expect((await venue.laboutik.post('/asset/', { uuid: original.ids.fed, name: 'Faux', currency_code: 'FX', category: 'TLF' })).status).toBe(400);
  });

  it('answer on the wallet routes: the primary wallet by its original uuid, imported users under theirs, tokens naming the original FED', async () => {
    expect(await venue.laboutik.get(`/wallet/${original.ids.primary}/`)).toMatchObject({ status: 200, json: { uuid: original.ids.primary } });
    const alice = await venue.laboutik.get(`/wallet/${original.ids.aliceWallet}/`);
    expect(alice.status).toBe(200);
    expect(alice.json.tokens.find((token: { asset_uuid: string }) => token.asset_uuid === original.ids.fed)).toMatchObject({ value: 1500, asset: { uuid: original.ids.fed } });
    const card = await venue.laboutik.get(`/card/${NEW_CARD}/`);
    expect(card.json.wallet.tokens).toMatchObject([{ asset_uuid: original.ids.fed, uuid: '0190a0b0-0000-7000-8000-0000000e2001', value: 0 }]);
  });

  it('answer on the transaction routes: a FED sale named by the original uuid is the hub\'s FED, and reads back under it', async () => {
    const sale = await venue.laboutik.post('/transaction/', { amount: 500, sender: original.ids.aliceWallet, receiver: venue.place.wallet, asset: original.ids.fed, comment: null, metadata: null, user_card_firstTagId: 'A1B2C3D4', primary_card_fisrtTagId: PRIMARY_CARD });
    expect(sale.status, sale.text).toBe(201);
    expect(sale.json).toMatchObject({ action: 'SAL', amount: 500, asset: original.ids.fed, sender: original.ids.aliceWallet });
    const stored = await repo.getTransfersById(compat.hub.context.storage.read, [sale.json.uuid]);
    expect(stored[0]).toMatchObject({ assetId: hubFed, action: 'SAL' });
    expect((await venue.laboutik.get(`/transaction/${sale.json.hash}/get_from_hash/`)).json.asset).toBe(original.ids.fed);
    const listed = await venue.lespass.post('/transaction/list_by_asset/', { asset_uuid: original.ids.fed, start_date: '2000-01-01 00:00:00+00:00', end_date: '2100-01-01 00:00:00+00:00' }, venue.admin);
    expect(listed.status, listed.text).toBe(200);
    expect(listed.json.map((tx: { uuid: string; asset: string }) => [tx.uuid, tx.asset])).toEqual([[sale.json.uuid, original.ids.fed]]);
    expect((await venue.laboutik.get(`/wallet/${original.ids.aliceWallet}/`)).json.tokens.find((token: { asset_uuid: string }) => token.asset_uuid === original.ids.fed).value).toBe(1000);
  });

  it('answer on a Lespass user\'s routes: a QR payment and a history show the original FED uuid', async () => {
    const zoe = await lespassUser(venue, 'zoe@exemple.fr');
    const topUp = await compat.hub.call('POST', '/api/v1/topups', { wallet: zoe.wallet, asset: hubFed, amount: 900, reference: 'VIR-ALIAS-1', method: 'transfer' }, { 'idempotency-key': 'alias-zoe' });
    expect(topUp.status).toBe(201);
    const paid = await venue.lespass.post('/transaction/qrcodescanpay/', { amount: 300, sender: zoe.wallet, receiver: venue.place.wallet, asset_type: 'EURO', comment: null, metadata: {} }, zoe);
    expect(paid.status, paid.text).toBe(201);
    expect(paid.json).toMatchObject([{ action: 'QRS', asset: original.ids.fed, amount: 300 }]);
    const history = await venue.lespass.get('/transaction/paginated_list_by_wallet_signature/', zoe);
    expect(history.json.results.map((tx: { asset: string }) => tx.asset)).toEqual([original.ids.fed, original.ids.fed]);
    expect(history.text).not.toContain(hubFed);
    expect((await verifyChain(compat.hub.context)).firstDiscrepancy).toBeNull();
  });
});
