/**
 * A till's sale paid with a card holder's payment QR code (`qr-sale` on /sync):
 * the hub verifies the code against the wallet's registered key, applies a QRS
 * once per nonce through the one money path, and refuses an expired, replayed,
 * tampered, foreign-key or unreadable code with nothing stored. Both dialects,
 * the chain verified after each scenario.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fromHex, publicKeyHex, signBody } from '@fedow/ledger';
import { nodeCrypto } from '@fedow/ledger/crypto-node';
import { PAY_TOKEN_PURPOSE, decodePayToken, encodePayToken, qrSaleBody, type HubMessage, type PayToken, type QrSaleResult } from '@fedow/protocol';
import { DIALECTS, freshDatabase } from '../../../test/support/dialects';
import { topUp } from '../src/money/topup';
import { findOrCreateUser } from '../src/money/users';
import { registerWalletKey } from '../src/money/wallet-requests';
import * as repo from '../src/storage/repo';
import { verifyChain } from '../src/verify/verify-chain';
import { seedHub, type Seeded, type SeededTill, listenForTills } from '../../../support/seed';
import { SpecTill } from '../../../support/spec-till';

const ALICE_KEY = fromHex('a1'.repeat(32));
const MALLORY_KEY = fromHex('66'.repeat(32));

let world: Seeded;
let url: string;

describe.each(DIALECTS)('payment QR codes at a till on %s', (dialect) => {
  const databaseUrl = freshDatabase(dialect);
  let alice: { wallet: string };
  let seededTill: SeededTill;
  let till: SpecTill;

  beforeEach(async () => {
    world = await seedHub({ databaseUrl: await databaseUrl() });
    url = await listenForTills(world);
    const context = world.hub.context;
    alice = await findOrCreateUser(context, 'alice@example.org');
    await registerWalletKey(context, alice.wallet, publicKeyHex(nodeCrypto, ALICE_KEY));
    const funded = await topUp(context, { source: { kind: 'operator', name: 'test' }, idempotencyKey: 'fund-alice', asset: world.fed, amount: 2000, wallet: alice.wallet, reference: 'VIR-1' });
    expect(funded.status).toBe('applied');
    seededTill = await world.till('A');
    till = new SpecTill(seededTill, url);
    expect((await till.connect()).type).toBe('welcome');
  }, 60_000);

  afterEach(async () => {
    till?.close();
    const verdict = await verifyChain(world.hub.context);
    await world.close();
    expect(verdict.firstDiscrepancy).toBeNull();
  });

  function code(key: Uint8Array, fields: { wallet?: string; expiresInMs?: number; nonce?: string } = {}): string {
    const body = {
      purpose: PAY_TOKEN_PURPOSE as typeof PAY_TOKEN_PURPOSE,
      v: 1 as const,
      wallet: fields.wallet ?? alice.wallet,
      nonce: fields.nonce ?? randomBytes(16).toString('hex'),
      expires: new Date(Date.now() + (fields.expiresInMs ?? 60_000)).toISOString(),
    };
    return encodePayToken({ body, sig: signBody(nodeCrypto, key, body).sig });
  }

  async function pay(text: string, amount: number, options: { id?: string; signer?: Uint8Array } = {}): Promise<QrSaleResult> {
    const id = options.id ?? randomUUID();
    const body = qrSaleBody({ terminal: seededTill.id, place: seededTill.place, id, code: text, amount, asset: null });
    till.send({ type: 'qr-sale', id, code: text, amount, asset: null, sig: signBody(nodeCrypto, options.signer ?? seededTill.secretKey, body).sig });
    return (await till.next((message: HubMessage) => message.type === 'qr-sale-result' && message.id === id)) as QrSaleResult;
  }

  const balance = async (wallet: string, asset: string) =>
    (await repo.loadWalletBalances(world.hub.context.storage.read, [wallet])).find((row) => row.assetId === asset)?.value ?? 0;
  const count = async (table: 'requests' | 'transfers') => Number((await world.hub.context.storage.read.all<{ n: number | string }>(sql.raw(`select count(*) as n from ${table}`)))[0]?.n);

  it('applies the QRS once: the wallet pays the place, and a retry of the same sale gets the same answer', async () => {
    const text = code(ALICE_KEY);
    const id = randomUUID();
    const paid = await pay(text, 450, { id });
    expect(paid).toMatchObject({ status: 'applied', wallet: alice.wallet, asset: world.fed, balance: 1550 });
    expect(await balance(alice.wallet, world.fed)).toBe(1550);
    expect(await balance(world.placeA.wallet, world.fed)).toBe(450);
    const qrs = await world.hub.context.storage.read.all<{ action: string; amount: number }>(sql`select action, amount from transfers where action = 'QRS'`);
    expect(qrs.map((row) => [row.action, Number(row.amount)])).toEqual([['QRS', 450]]);
    const again = await pay(text, 450, { id });
    expect(again).toMatchObject({ status: 'applied', asset: world.fed });
    expect(await balance(alice.wallet, world.fed)).toBe(1550);
  });

  it('refuses expired, replayed, tampered, foreign-key and unreadable codes, storing nothing', async () => {
    expect((await pay(code(ALICE_KEY), 100)).status).toBe('applied');
    const before = { requests: await count('requests'), transfers: await count('transfers'), alice: await balance(alice.wallet, world.fed) };

    const expired = await pay(code(ALICE_KEY, { expiresInMs: -1_000 }), 100);
    expect(expired).toMatchObject({ status: 'refused', reason: 'code_expired' });

    const used = code(ALICE_KEY);
    expect((await pay(used, 100)).status).toBe('applied');
    before.requests++;
    before.transfers++;
    before.alice -= 100;
    expect(await pay(used, 100)).toMatchObject({ status: 'refused', reason: 'code_used' });
    expect(await pay(used, 300)).toMatchObject({ status: 'refused', reason: 'code_used' });

    // Alice's signed code with another wallet, or a later expiry: the signature no longer matches.
    const bob = await findOrCreateUser(world.hub.context, 'bob@example.org');
    await registerWalletKey(world.hub.context, bob.wallet, publicKeyHex(nodeCrypto, fromHex('b0'.repeat(32))));
    const tamper = (change: (token: PayToken) => void): string => {
      const decoded = decodePayToken(code(ALICE_KEY));
      if (!decoded.ok) throw new Error(decoded.reason);
      change(decoded.token);
      return encodePayToken(decoded.token);
    };
    expect(await pay(tamper((token) => (token.body.wallet = bob.wallet)), 100)).toMatchObject({ status: 'refused', reason: 'code_forged' });
    expect(await pay(tamper((token) => (token.body.expires = new Date(Date.now() + 80_000).toISOString())), 100)).toMatchObject({ status: 'refused', reason: 'code_forged' });

    const foreign = await pay(code(MALLORY_KEY), 100);
    expect(foreign).toMatchObject({ status: 'refused', reason: 'code_forged' });
    expect(await pay('FEDOWPAY1.not-a-code', 100)).toMatchObject({ status: 'refused', reason: 'code_unreadable' });
    expect(await pay(code(ALICE_KEY), 100, { signer: MALLORY_KEY })).toMatchObject({ status: 'refused', reason: 'till_signature' });

    expect(await count('requests')).toBe(before.requests);
    expect(await count('transfers')).toBe(before.transfers);
    expect(await balance(alice.wallet, world.fed)).toBe(before.alice);
  });

  it('never pays into debt: beyond the balance the answer names what is missing', async () => {
    const short = await pay(code(ALICE_KEY), 2_500);
    expect(short).toMatchObject({ status: 'refused', reason: 'insufficient_funds', asset: world.fed, missing: 500 });
    expect(await balance(alice.wallet, world.fed)).toBe(2000);
  });
});
