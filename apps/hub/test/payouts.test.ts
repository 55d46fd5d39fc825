/**
 * Federated euro out (DECISIONS.md, "Payouts and deposits"): payouts requested with
 * a checked IBAN, approved into a batch, exported as a pain.001.001.03 file, booked
 * all or nothing when the file is marked sent; places' bank deposits. Both dialects,
 * the chain verified after every scenario.
 */
import { decideCorrection, decideFedPayout } from '@fedow/ledger';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { DIALECTS, freshDatabase } from '../../../test/support/dialects';
import { moneyReport } from '../src/dashboard/money';
import { hashToken } from '../src/identity/bootstrap';
import { submitRequest } from '../src/money/submit';
import * as repo from '../src/storage/repo';
import { verifyChain } from '../src/verify/verify-chain';
import { factoryCsv, removeTestDirs, seedPlace, startTestHub, type TestHub } from './admin-support';

afterAll(removeTestDirs);

const FEDERATION = { name: 'Fédération des Festivals', iban: 'FR76 3000 6000 0112 3456 7890 189', bic: 'AGRIFRPPXXX' };
const ALICE_IBAN = 'DE89370400440532013000';
const BOB_IBAN = 'FR1420041010050500013M02606';
const CASHDESK_TOKEN = 'fedow_cashdesk-test-token';

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', parseTagValue: false, isArray: (name) => name === 'CdtTrfTxInf' });

describe.each(DIALECTS)('payouts and deposits on %s', (dialect) => {
  const database = freshDatabase(dialect);
  let hub: TestHub;
  afterEach(async () => {
    await hub?.close();
  });

  async function start(sepa: { name?: string; iban?: string; bic?: string } = FEDERATION) {
    hub = await startTestHub(await database(), { sepa });
    const { place } = await seedPlace(hub);
    expect((await hub.call('POST', `/api/v1/cards/import?place=${place.id}`, factoryCsv(3), { 'content-type': 'text/csv' })).status).toBe(201);
    const fed = (await hub.call('GET', '/api/v1/assets')).json.assets.find((a: { category: string }) => a.category === 'FED');
    await hub.context.storage.transaction((tx) =>
      repo.insertOperatorToken(tx, { hash: hashToken(CASHDESK_TOKEN), label: 'desk 1', createdAt: '2026-07-14T20:00:00.000Z', role: 'cashdesk', revokedAt: null }),
    );
    return { place, fed };
  }

  const post = (url: string, body?: object, key?: string) => hub.call('POST', url, body, key === undefined ? {} : { 'idempotency-key': key });
  const asCashdesk = (url: string, body: object, key?: string) =>
    hub.call('POST', url, body, { authorization: `Bearer ${CASHDESK_TOKEN}`, ...(key === undefined ? {} : { 'idempotency-key': key }) });

  async function fund(card: string, fed: { id: string }, amount: number) {
    expect((await post('/api/v1/topups', { card, asset: fed.id, amount, reference: `VIR-${card}`, method: 'transfer' }, `fund-${card}`)).status).toBe(201);
    return (await hub.call('GET', `/api/v1/cards/${card}`)).json.wallet as string;
  }

  const balance = async (card: string, fed: { id: string }) => (await hub.call('GET', `/api/v1/cards/${card}`)).json.balances[fed.id] ?? 0;

  async function verified() {
    expect((await verifyChain(hub.context)).firstDiscrepancy).toBeNull();
  }

  it('records each payout request, and gives a retry with the same key the same payout', async () => {
    const { fed } = await start();
    await fund('0A000001', fed, 2500);
    const ask = (key?: string) => asCashdesk('/api/v1/payouts', { card: '0A000001', amount: 1000, iban: ALICE_IBAN, holder: 'Alice' }, key);
    const first = await ask('p-1');
    expect(first.status).toBe(201);
    expect((await ask('p-1')).json.id).toBe(first.json.id);
    expect((await ask()).json.id).not.toBe(first.json.id);
    const over = await ask('p-2');
    expect(over).toMatchObject({ status: 422, json: { error: { code: 'insufficient_funds' } } });
    expect((await hub.call('GET', '/api/v1/payouts?status=requested')).json.payouts).toHaveLength(2);
    const requests = await repo.listRequests(hub.context.storage.read, { kind: 'payout-request', limit: 10 });
    expect(requests.map((request) => [request.actor, request.status]).sort()).toEqual([
      ['desk 1', 'applied'],
      ['desk 1', 'applied'],
      ['desk 1', 'rejected'],
    ]);
    await verified();
  });

  it('requests with a checked IBAN, approves a batch, exports a pain.001.001.03 file and books it once when sent', async () => {
    const { fed } = await start();
    await fund('0A000001', fed, 5000);
    await fund('0A000002', fed, 1250);

    const badChecksum = await asCashdesk('/api/v1/payouts', { card: '0A000001', amount: 1000, iban: 'DE88370400440532013000', holder: 'Alice' });
    expect(badChecksum).toMatchObject({ status: 400, json: { error: { code: 'bad_request' } } });
    expect(badChecksum.json.error.message).toMatch(/IBAN/);
    expect((await asCashdesk('/api/v1/payouts', { card: '0A000001', amount: 5001, iban: ALICE_IBAN, holder: 'Alice' })).json.error.code).toBe('insufficient_funds');
    const alice = await asCashdesk('/api/v1/payouts', { card: '0A000001', amount: 3000, iban: 'de89 3704 0044 0532 0130 00', holder: 'Alice Martin' });
    expect(alice).toMatchObject({ status: 201, json: { status: 'requested', iban: ALICE_IBAN, amount: 3000, batch: null } });
    hub.clock.advance(1_000);
    // What is already asked for cannot be asked again.
    expect((await asCashdesk('/api/v1/payouts', { card: '0A000001', amount: 2001, iban: ALICE_IBAN, holder: 'Alice Martin' })).json.error.code).toBe('insufficient_funds');
    const bob = await post('/api/v1/payouts', { card: '0A000002', amount: 1250, iban: BOB_IBAN, holder: 'Bénédicte Lefèvre-Saint' });
    expect(bob.status).toBe(201);
    expect((await hub.call('GET', '/api/v1/payouts?status=requested')).json.payouts.map((p: { id: string }) => p.id)).toEqual([alice.json.id, bob.json.id]);
    expect((await hub.call('GET', '/api/v1/payouts?status=nope')).status).toBe(400);

    const batch = await post('/api/v1/payout-batches', {});
    expect(batch).toMatchObject({ status: 201, json: { exported: false, sentAt: null, total: 4250, approvedBy: 'first start' } });
    expect(batch.json.payouts.map((p: { status: string }) => p.status)).toEqual(['approved', 'approved']);
    expect((await post('/api/v1/payout-batches', {})).json.error.code).toBe('conflict');
    // Nothing has moved yet.
    expect(await balance('0A000001', fed)).toBe(5000);
    expect((await post(`/api/v1/payout-batches/${batch.json.id}/sent`, undefined, 'early')).json.error.code).toBe('conflict');

    const exported = await hub.app.inject({ method: 'GET', url: `/api/v1/payout-batches/${batch.json.id}/sepa`, headers: { authorization: `Bearer ${hub.token}` } });
    expect(exported.statusCode).toBe(200);
    expect(exported.headers['content-type']).toMatch(/^application\/xml/);
    expect(exported.headers['content-disposition']).toContain(`fedow-payouts-${batch.json.id}.xml`);
    checkPain001(exported.body, [
      { id: alice.json.id, amount: '30.00', name: 'Alice Martin', iban: ALICE_IBAN },
      { id: bob.json.id, amount: '12.50', name: 'Benedicte Lefevre-Saint', iban: BOB_IBAN },
    ]);
    hub.clock.advance(60_000);
    const again = await hub.app.inject({ method: 'GET', url: `/api/v1/payout-batches/${batch.json.id}/sepa`, headers: { authorization: `Bearer ${hub.token}` } });
    expect(again.body).toBe(exported.body);

    expect((await post(`/api/v1/payout-batches/${batch.json.id}/sent`)).status).toBe(400);
    const sent = await post(`/api/v1/payout-batches/${batch.json.id}/sent`, undefined, 'sent-1');
    expect(sent.status).toBe(201);
    expect(sent.json.transfers.map((t: { action: string; amount: number }) => [t.action, t.amount])).toEqual([
      ['RFD', 3000],
      ['RFD', 1250],
    ]);
    const primary = (await repo.getPrimaryWallet(hub.context.storage.read))!.id;
    expect(sent.json.transfers.every((t: { receiver: string }) => t.receiver === primary)).toBe(true);
    const twice = await post(`/api/v1/payout-batches/${batch.json.id}/sent`, undefined, 'sent-2');
    expect(twice.status).toBe(200);
    expect(twice.json).toMatchObject({ request: sent.json.request, replayed: true });
    expect(await balance('0A000001', fed)).toBe(2000);
    expect(await balance('0A000002', fed)).toBe(0);
    const paid = (await hub.call('GET', '/api/v1/payouts?status=paid')).json.payouts;
    expect(paid.map((p: { request: string }) => p.request)).toEqual([sent.json.request, sent.json.request]);
    expect((await hub.call('GET', `/api/v1/payout-batches/${batch.json.id}`)).json).toMatchObject({ exported: true, sentAt: expect.any(String) });
    expect((await post(`/api/v1/payouts/${alice.json.id}/refuse`)).json.error.code).toBe('conflict');
    // Paid out FED is destroyed: the money report's conservation check agrees.
    expect((await moneyReport(hub.context)).assets.find((row) => row.asset.id === fed.id)).toMatchObject({ created: 6250, destroyed: 4250, ok: true });
    await verified();
  });

  it('refuses a batch whole when a wallet was emptied meanwhile, names the payout, and books the rest once it is refused', async () => {
    const { fed } = await start();
    const aliceWallet = await fund('0A000001', fed, 4000);
    await fund('0A000002', fed, 2000);
    const alice = await asCashdesk('/api/v1/payouts', { card: '0A000001', amount: 4000, iban: ALICE_IBAN, holder: 'Alice' });
    hub.clock.advance(1_000);
    const bob = await asCashdesk('/api/v1/payouts', { card: '0A000002', amount: 2000, iban: BOB_IBAN, holder: 'Bob' });
    const batch = await post('/api/v1/payout-batches', { payouts: [alice.json.id, bob.json.id] });
    expect(batch.status).toBe(201);
    expect((await hub.app.inject({ method: 'GET', url: `/api/v1/payout-batches/${batch.json.id}/sepa`, headers: { authorization: `Bearer ${hub.token}` } })).statusCode).toBe(200);
    // Alice's money leaves by another path (a card refund) before the file is sent.
    const refund = await submitRequest(hub.context, {
      source: { kind: 'provider', provider: 'stripe' },
      idempotencyKey: 're_1',
      kind: 'refund',
      body: { wallet: aliceWallet, amount: 1500 },
      needs: { wallets: [aliceWallet] },
      decide: (state, context, request) => decideFedPayout(state, { wallet: aliceWallet, amount: 1500, request }, context),
    });
    expect(refund.status).toBe('applied');

    const refused = await post(`/api/v1/payout-batches/${batch.json.id}/sent`, undefined, 'sent-a');
    expect(refused).toMatchObject({ status: 422, json: { error: { code: 'insufficient_funds' } } });
    expect(refused.json.error.message).toContain(alice.json.id);
    expect(await balance('0A000002', fed)).toBe(2000);
    expect((await hub.call('GET', '/api/v1/payouts?status=approved')).json.payouts).toHaveLength(2);

    const out = await post(`/api/v1/payouts/${alice.json.id}/refuse`);
    expect(out).toMatchObject({ status: 200, json: { status: 'refused' } });
    expect((await hub.call('GET', `/api/v1/payout-batches/${batch.json.id}`)).json).toMatchObject({ exported: false, total: 2000 });
    expect((await post(`/api/v1/payout-batches/${batch.json.id}/sent`, undefined, 'sent-b')).json.error.code).toBe('conflict');
    const file = await hub.app.inject({ method: 'GET', url: `/api/v1/payout-batches/${batch.json.id}/sepa`, headers: { authorization: `Bearer ${hub.token}` } });
    checkPain001(file.body, [{ id: bob.json.id, amount: '20.00', name: 'Bob', iban: BOB_IBAN }]);
    const sent = await post(`/api/v1/payout-batches/${batch.json.id}/sent`, undefined, 'sent-b');
    expect(sent.status).toBe(201);
    expect(sent.json.transfers).toHaveLength(1);
    expect(await balance('0A000002', fed)).toBe(0);
    expect(await balance('0A000001', fed)).toBe(2500);
    await verified();
  });

  it('documents its routes in OpenAPI, lists batches, and approves with no body at all', async () => {
    const { fed } = await start();
    const docs = (await hub.app.inject({ url: '/api/docs/json' })).json();
    for (const [path, method] of [
      ['/api/v1/payouts', 'post'],
      ['/api/v1/payouts', 'get'],
      ['/api/v1/payouts/{id}/refuse', 'post'],
      ['/api/v1/payout-batches', 'post'],
      ['/api/v1/payout-batches/{id}/sepa', 'get'],
      ['/api/v1/payout-batches/{id}/sent', 'post'],
      ['/api/v1/deposits', 'post'],
    ] as const) {
      expect(docs.paths[path]?.[method]?.summary, `${method} ${path}`).toEqual(expect.any(String));
    }
    await fund('0A000000', fed, 300);
    await asCashdesk('/api/v1/payouts', { card: '0A000000', amount: 300, iban: ALICE_IBAN, holder: 'Alice' });
    const bare = await hub.app.inject({ method: 'POST', url: '/api/v1/payout-batches', headers: { authorization: `Bearer ${hub.token}` } });
    expect(bare.statusCode).toBe(201);
    expect((await hub.call('GET', '/api/v1/payout-batches')).json.batches).toMatchObject([{ id: bare.json().id, count: 1, total: 300, exported: false }]);
    await verified();
  });

  it('refuses the export without the federation’s account, and an unknown or used payout', async () => {
    const { fed } = await start({ name: 'Fédération', iban: FEDERATION.iban });
    await fund('0A000001', fed, 900);
    const payout = await asCashdesk('/api/v1/payouts', { card: '0A000001', amount: 900, iban: ALICE_IBAN, holder: 'Alice' });
    const batch = await post('/api/v1/payout-batches', { payouts: [payout.json.id] });
    const exported = await hub.call('GET', `/api/v1/payout-batches/${batch.json.id}/sepa`);
    expect(exported).toMatchObject({ status: 409, json: { error: { code: 'not_configured' } } });
    expect(exported.json.error.message).toContain('FEDOW_SEPA_BIC');
    expect((await post('/api/v1/payout-batches', { payouts: [payout.json.id] })).json.error.code).toBe('conflict');
    expect((await post('/api/v1/payout-batches', { payouts: ['01900000-0000-7000-8000-000000000000'] })).status).toBe(404);
    expect((await hub.call('GET', '/api/v1/payout-batches/01900000-0000-7000-8000-000000000000/sepa')).status).toBe(404);
    await verified();
  });

  it('deposits a place’s FED at the bank with its comment; a cashdesk token can neither deposit nor approve', async () => {
    const { place, fed } = await start();
    const placeWallet = place.wallet as string;
    const primary = (await repo.getPrimaryWallet(hub.context.storage.read))!.id;
    // The place's FED, from an operator's correction: what its tills would have earned.
    await submitRequest(hub.context, {
      source: { kind: 'operator', name: 'test' },
      idempotencyKey: 'earned',
      kind: 'correction',
      body: { place: place.id, amount: 10_000 },
      needs: { place: place.id, wallets: [placeWallet] },
      decide: (state, context, request) => decideCorrection(state, { sender: primary, receiver: placeWallet, asset: fed.id, amount: 10_000, reason: 'sales', request }, context),
    });
    const placeBalance = async () => (await repo.loadWalletBalances(hub.context.storage.read, [placeWallet])).find((row) => row.assetId === fed.id)?.value;

    expect(await asCashdesk('/api/v1/deposits', { place: place.id, amount: 100 }, 'd-0')).toMatchObject({ status: 403, json: { error: { code: 'forbidden' } } });
    expect((await asCashdesk('/api/v1/payout-batches', {})).status).toBe(403);
    // A place banks its FED; it is not paid out like a card holder's.
    expect((await asCashdesk('/api/v1/payouts', { wallet: placeWallet, amount: 100, iban: ALICE_IBAN, holder: 'Bar' })).json.error.code).toBe('wrong_wallet_kind');
    expect((await post('/api/v1/deposits', { place: place.id, amount: 100 })).status).toBe(400);
    expect((await post('/api/v1/deposits', { place: '01900000-0000-7000-8000-000000000000', amount: 100 }, 'd-1')).status).toBe(404);
    expect((await post('/api/v1/deposits', { place: place.id, amount: 10_001 }, 'd-2')).json.error.code).toBe('insufficient_funds');
    const banked = await post('/api/v1/deposits', { place: place.id, amount: 7_000, comment: 'remise du 14 juillet' }, 'd-3');
    expect(banked.status).toBe(201);
    expect(banked.json.transfers.map((t: { action: string; sender: string; receiver: string }) => [t.action, t.sender, t.receiver])).toEqual([['BNK', placeWallet, primary]]);
    expect((await post('/api/v1/deposits', { place: place.id, amount: 7_000, comment: 'remise du 14 juillet' }, 'd-3')).status).toBe(200);
    expect(await placeBalance()).toBe(3_000);
    const [transfer] = await repo.getTransfersByRequest(hub.context.storage.read, [banked.json.request]);
    expect(JSON.parse(String(transfer?.meta))).toEqual({ comment: 'remise du 14 juillet' });
    // The money report counts it as banked, and conservation holds.
    expect((await moneyReport(hub.context)).assets.find((row) => row.asset.id === fed.id)).toMatchObject({ destroyed: 7_000, ok: true });
    await verified();
  });
});

/** Parses the file back and checks every mandatory element of pain.001.001.03 that we fill. */
function checkPain001(text: string, credits: { id: string; amount: string; name: string; iban: string }[]): void {
  const document = xml.parse(text).Document;
  expect(document['@_xmlns']).toBe('urn:iso:std:iso:20022:tech:xsd:pain.001.001.03');
  const root = document.CstmrCdtTrfInitn;
  const total = credits.reduce((sum, credit) => sum + Math.round(Number(credit.amount) * 100), 0);
  const control = `${Math.floor(total / 100)}.${String(total % 100).padStart(2, '0')}`;
  const header = root.GrpHdr;
  expect(header.MsgId).toMatch(/^[A-Z0-9]{1,35}$/);
  expect(header.CreDtTm).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
  expect(header.NbOfTxs).toBe(String(credits.length));
  expect(header.CtrlSum).toBe(control);
  expect(header.InitgPty.Nm).toBe('Federation des Festivals');
  const info = root.PmtInf;
  expect(info.PmtInfId).toMatch(/^.{1,35}$/);
  expect(info.PmtMtd).toBe('TRF');
  expect(info.NbOfTxs).toBe(String(credits.length));
  expect(info.CtrlSum).toBe(control);
  expect(info.PmtTpInf.SvcLvl.Cd).toBe('SEPA');
  expect(info.ReqdExctnDt).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  expect(info.Dbtr.Nm).toBe('Federation des Festivals');
  expect(info.DbtrAcct.Id.IBAN).toBe('FR7630006000011234567890189');
  expect(info.DbtrAgt.FinInstnId.BIC).toBe('AGRIFRPPXXX');
  expect(info.ChrgBr).toBe('SLEV');
  const transfers = info.CdtTrfTxInf as any[];
  expect(transfers).toHaveLength(credits.length);
  transfers.forEach((transfer, index) => {
    const credit = credits[index]!;
    expect(transfer.PmtId.InstrId).toMatch(/^.{1,35}$/);
    expect(transfer.PmtId.EndToEndId).toBe(credit.id.replace(/-/g, ''));
    expect(transfer.Amt.InstdAmt['@_Ccy']).toBe('EUR');
    expect(transfer.Amt.InstdAmt['#text']).toBe(credit.amount);
    expect(transfer.Cdtr.Nm).toBe(credit.name);
    expect(transfer.CdtrAcct.Id.IBAN).toBe(credit.iban);
    expect(transfer.RmtInf.Ustrd.length).toBeGreaterThan(0);
  });
}
