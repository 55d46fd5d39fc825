/**
 * The `wallet` source: a card holder's transfer (TRF) and QR payment (QRS), signed
 * by the wallet's own key, applied once per nonce, refused with nothing stored when
 * forged, expired or unsigned. Both dialects, the chain verified after each scenario.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { fromHex, publicKeyHex, signBody } from '@fedow/ledger';
import { nodeCrypto } from '@fedow/ledger/crypto-node';
import { WALLET_REQUEST_PURPOSE } from '@fedow/protocol';
import { DIALECTS, freshDatabase } from '../../../test/support/dialects';
import { verifyChain } from '../src/verify/verify-chain';
import { removeTestDirs, seedPlace, startTestHub, type TestHub } from './admin-support';

afterAll(removeTestDirs);

const ALICE_KEY = fromHex('a1'.repeat(32));
const MALLORY_KEY = fromHex('66'.repeat(32));

describe.each(DIALECTS)('wallet-signed requests on %s', (dialect) => {
  const database = freshDatabase(dialect);
  let hub: TestHub;
  afterEach(async () => {
    if (hub) expect((await verifyChain(hub.context)).firstDiscrepancy).toBeNull();
    await hub?.close();
  });

  async function start() {
    hub = await startTestHub(await database());
    const { place } = await seedPlace(hub);
    const fed = (await hub.call('GET', '/api/v1/assets')).json.assets.find((a: { category: string }) => a.category === 'FED');
    const alice = (await hub.call('POST', '/api/v1/users', { email: 'alice@example.org' })).json;
    const bob = (await hub.call('POST', '/api/v1/users', { email: 'bob@example.org' })).json;
    expect((await hub.call('POST', '/api/v1/topups', { wallet: alice.wallet, asset: fed.id, amount: 5000, reference: 'VIR-1', method: 'transfer' }, { 'idempotency-key': 'fund' })).status).toBe(201);
    expect((await hub.call('PUT', `/api/v1/wallets/${alice.wallet}/key`, { publicKey: publicKeyHex(nodeCrypto, ALICE_KEY) })).status).toBe(200);
    return { place, fed, alice, bob };
  }

  function signed(key: Uint8Array, fields: Record<string, unknown>, expiresInMs = 60_000) {
    const body = { purpose: WALLET_REQUEST_PURPOSE, v: 1, nonce: randomBytes(16).toString('hex'), expires: new Date(hub.clock.ms + expiresInMs).toISOString(), ...fields };
    return { body, sig: signBody(nodeCrypto, key, body).sig };
  }
  const send = (request: unknown) => hub.call('POST', '/api/v1/wallet-requests', request, { authorization: '' });
  const balance = async (wallet: string, asset: string) => (await hub.call('GET', `/api/v1/wallets/${wallet}`)).json.balances?.[asset] ?? 0;
  const requestCount = async () => Number((await hub.context.storage.read.all<{ n: number | string }>(sql`select count(*) as n from requests where source = 'wallet'`))[0]?.n);

  it('applies a QR payment signed by the wallet once, however often it is sent; refuses a transfer without its e-mailed code', async () => {
    const { place, fed, alice, bob } = await start();
    const payment = signed(ALICE_KEY, { wallet: alice.wallet, kind: 'QRS', asset: fed.id, amount: 1200, place: place.id });
    const first = await send(payment);
    expect(first.status).toBe(201);
    expect(first.json.transfers.map((t: { action: string }) => t.action)).toEqual(['QRS']);
    const [again, twice] = await Promise.all([send(payment), send(payment)]);
    expect([again.status, twice.status]).toEqual([200, 200]);
    expect(await balance(alice.wallet, fed.id)).toBe(3800);
    const overdraw = await send(signed(ALICE_KEY, { wallet: alice.wallet, kind: 'QRS', asset: fed.id, amount: 999_999, place: place.id }));
    expect(overdraw).toMatchObject({ status: 422, json: { error: { code: 'insufficient_funds' } } });
    // A TRF needs the sender's e-mailed code too (holder-security.test.ts): the key alone is refused, nothing stored.
    const before = await requestCount();
    const transfer = await send(signed(ALICE_KEY, { wallet: alice.wallet, kind: 'TRF', asset: fed.id, amount: 100, to: bob.wallet }));
    expect(transfer).toMatchObject({ status: 403, json: { error: { code: 'confirmation_required' } } });
    expect(await requestCount()).toBe(before);
    expect(await balance(bob.wallet, fed.id)).toBe(0);
  });

  it('pays a place by QR code (QRS), never into debt', async () => {
    const { place, fed, alice } = await start();
    const paid = await send(signed(ALICE_KEY, { wallet: alice.wallet, kind: 'QRS', asset: fed.id, amount: 450, place: place.id }));
    expect(paid.status).toBe(201);
    expect(paid.json.transfers[0]).toMatchObject({ action: 'QRS', receiver: place.wallet, amount: 450 });
    expect(await balance(alice.wallet, fed.id)).toBe(4550);
  });

  it('refuses a forged, expired, long-lived or unregistered request, storing nothing', async () => {
    const { fed, alice, bob } = await start();
    const before = await requestCount();
    const fields = { wallet: alice.wallet, kind: 'TRF', asset: fed.id, amount: 100, to: bob.wallet };
    expect((await send(signed(MALLORY_KEY, fields))).status).toBe(401);
    const tampered = signed(ALICE_KEY, fields);
    expect((await send({ ...tampered, body: { ...tampered.body, amount: 5000 } })).status).toBe(401);
    expect((await send(signed(ALICE_KEY, fields, -1))).json.error.code).toBe('expired');
    expect((await send(signed(ALICE_KEY, fields, 3_600_000))).status).toBe(400);
    expect((await send(signed(MALLORY_KEY, { ...fields, wallet: bob.wallet, to: alice.wallet }))).status).toBe(401);
    expect((await send({ body: { ...fields }, sig: '00' })).status).toBe(400);
    expect(await requestCount()).toBe(before);
    expect(await balance(alice.wallet, fed.id)).toBe(5000);
  });
});
