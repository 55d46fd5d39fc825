/**
 * The card holder's page under attack (issue 12): the card's URL alone moves
 * nothing; unknown and lost cards answer alike; links work once; a transfer needs
 * the sender's key and the e-mailed code, within 5 tries and the daily limit;
 * rate limits hold. Both dialects, `fedow verify` after every scenario.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { fromHex, publicKeyHex, signBody } from '@fedow/ledger';
import { nodeCrypto } from '@fedow/ledger/crypto-node';
import { HOLDER_LINKS_PER_HOUR_MAX, HOLDER_REQUESTS_PER_MINUTE_MAX, WALLET_REQUEST_PURPOSE } from '@fedow/protocol';
import { DIALECTS, freshDatabase } from '../../../test/support/dialects';
import { setTransferSettings } from '../src/holder/account';
import * as repo from '../src/storage/repo';
import { verifyChain } from '../src/verify/verify-chain';
import { removeTestDirs, startTestHub } from './admin-support';
import { importCards } from '../src/directory/cards';
import { fundCard, holderCall, signIn, startHolderWorld, type HolderWorld } from './holder-support';
import { linkSecret, mailCode } from './support/smtp-inbox';

afterAll(removeTestDirs);

const ALICE_KEY = fromHex('a1'.repeat(32));
const MALLORY_KEY = fromHex('66'.repeat(32));

describe.each(DIALECTS)('the card holder’s page on %s', (dialect) => {
  const database = freshDatabase(dialect);
  let world: HolderWorld;
  afterEach(async () => {
    if (world) expect((await verifyChain(world.hub.context)).firstDiscrepancy).toBeNull();
    await world?.close();
  });

  const count = async (table: string) => Number((await world.hub.context.storage.read.all<{ n: number | string }>(sql.raw(`select count(*) as n from ${table}`)))[0]?.n);
  const balance = async (wallet: string, asset: string) => (await world.hub.call('GET', `/api/v1/wallets/${wallet}`)).json.balances?.[asset] ?? 0;

  function signed(key: Uint8Array, fields: Record<string, unknown>, expiresInMs = 120_000) {
    const body = { purpose: WALLET_REQUEST_PURPOSE, v: 1, nonce: randomBytes(16).toString('hex'), expires: new Date(world.hub.clock.ms + expiresInMs).toISOString(), ...fields };
    return { body, sig: signBody(nodeCrypto, key, body).sig };
  }

  /** Alice with 80.00 LAC on her linked card and her browser's key registered; Bob linked too. */
  async function twoHolders() {
    const [aliceCard, bobCard] = world.cards;
    await fundCard(world, aliceCard!.tag, 8_000, 'fund-alice');
    const alice = await signIn(world, 'alice@example.org', aliceCard!.qrcode);
    const bob = await signIn(world, 'bob@example.org', bobCard!.qrcode, '10.0.0.2');
    const aliceAccount = (await holderCall(world, 'GET', '/qr/api/account', undefined, alice.cookie)).json;
    const bobAccount = (await holderCall(world, 'GET', '/qr/api/account', undefined, bob.cookie)).json;
    expect((await holderCall(world, 'PUT', '/qr/api/key', { publicKey: publicKeyHex(nodeCrypto, ALICE_KEY) }, alice.cookie)).status).toBe(200);
    return { alice: { ...alice, wallet: aliceAccount.wallet as string }, bob: { ...bob, wallet: bobAccount.wallet as string } };
  }

  it('reads a card by its QR code alone, but the URL moves no money and changes no card', async () => {
    world = await startHolderWorld(await database());
    const [card] = world.cards;
    await fundCard(world, card!.tag, 2_000, 'fund');
    const page = await holderCall(world, 'GET', `/qr/api/cards/${card!.qrcode}`);
    expect(page.status).toBe(200);
    expect(page.json).toMatchObject({ linked: false, debt: false, balances: { [world.local]: 2_000 } });
    expect(page.json.history.map((row: { action: string }) => row.action)).toEqual(['REF']);
    const before = { requests: await count('requests'), transfers: await count('transfers'), payments: await count('payments') };
    const attempts = [
      ['POST', `/qr/api/cards/${card!.tag}/lost`, undefined],
      ['POST', '/qr/api/topups', { amount: 1_000 }],
      ['POST', '/qr/api/payouts', { amount: 100, iban: 'FR7630006000011234567890189', holder: 'X', key: 'attempt-1' }],
      ['PUT', '/qr/api/key', { publicKey: publicKeyHex(nodeCrypto, MALLORY_KEY) }],
      ['GET', '/qr/api/account', undefined],
      ['GET', '/qr/api/recipient?email=alice@example.org', undefined],
    ] as const;
    for (const [method, url, body] of attempts) expect((await holderCall(world, method, url, body, 'fedow_holder=forged')).status, url).toBe(401);
    expect({ requests: await count('requests'), transfers: await count('transfers'), payments: await count('payments') }).toEqual(before);
    expect((await repo.loadCardsByTag(world.hub.context.storage.read, [card!.tag])).get(card!.tag)?.lostAt).toBeNull();
  });

  it('answers an unknown card and a lost card with the same 404, and limits reads per address', async () => {
    world = await startHolderWorld(await database());
    const [, lost, live] = world.cards;
    expect((await world.hub.call('POST', `/api/v1/cards/${lost!.tag}/lost`, {}, { 'idempotency-key': 'lost-1' })).status).toBeLessThan(300);
    const unknown = await holderCall(world, 'GET', `/qr/api/cards/${crypto.randomUUID()}`);
    const lostPage = await holderCall(world, 'GET', `/qr/api/cards/${lost!.qrcode}`);
    expect(unknown.status).toBe(404);
    expect(lostPage).toEqual(unknown);
    const shells = await Promise.all([crypto.randomUUID(), lost!.qrcode].map((code) => world.hub.app.inject({ url: `/qr/${code}`, remoteAddress: '10.0.0.9' })));
    expect(shells.map((shell) => shell.statusCode)).toEqual([404, 404]);
    expect(shells[0]!.body).toBe(shells[1]!.body);
    // The per-address budget: a guesser is stopped, another address is not.
    const statuses: number[] = [];
    for (let index = 0; index < HOLDER_REQUESTS_PER_MINUTE_MAX + 5; index += 1) statuses.push((await holderCall(world, 'GET', `/qr/api/cards/${crypto.randomUUID()}`, undefined, null, '10.0.0.66')).status);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(5);
    expect(statuses.at(-1)).toBe(429);
    expect((await holderCall(world, 'GET', `/qr/api/cards/${live!.qrcode}`, undefined, null, '10.0.0.67')).status).toBe(200);
    world.hub.clock.advance(61_000);
    expect((await holderCall(world, 'GET', `/qr/api/cards/${live!.qrcode}`, undefined, null, '10.0.0.66')).status).toBe(200);
  });

  it('links the card once per e-mailed link: a second use, an expired or unknown link is refused; a card of another e-mail sends nothing', async () => {
    world = await startHolderWorld(await database());
    const [card, second] = world.cards;
    await fundCard(world, card!.tag, 1_500, 'fund');
    expect((await holderCall(world, 'POST', '/qr/api/links', { email: 'Zoe@Example.org', qrcode: card!.qrcode, language: 'fr' })).status).toBe(202);
    const mail = await world.inbox.next('zoe@example.org', 0);
    expect(mail.subject).toContain('lien de connexion');
    expect(mail.text).toContain('http://fedow.test/qr/login#');
    const token = linkSecret(mail);
    const login = await holderCall(world, 'POST', '/qr/api/login', { token });
    expect(login.status).toBe(200);
    expect(login.cookie).toMatch(/^fedow_holder=[A-Za-z0-9_-]{43}$/);
    expect(login.json).toMatchObject({ qrcode: card!.qrcode, refused: null });
    const user = await repo.getUserByEmail(world.hub.context.storage.read, 'zoe@example.org');
    expect((await repo.loadCardsByTag(world.hub.context.storage.read, [card!.tag])).get(card!.tag)?.userId).toBe(user!.id);
    expect(await balance(user!.walletId, world.local)).toBe(1_500);
    // The session is stored hashed: the cookie's secret is nowhere in the database.
    const secret = login.cookie!.split('=')[1]!;
    const stored = await world.hub.context.storage.read.all<{ id_hash: string }>(sql`select id_hash from holder_sessions`);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.id_hash).not.toContain(secret);

    expect((await holderCall(world, 'POST', '/qr/api/login', { token })).json.error.code).toBe('gone');
    // Signing out forgets the session on the hub, not only in the browser.
    const other = await signIn(world, 'zoe@example.org', null);
    expect((await holderCall(world, 'GET', '/qr/api/account', undefined, other.cookie)).status).toBe(200);
    expect((await holderCall(world, 'POST', '/qr/api/logout', undefined, other.cookie)).status).toBe(204);
    expect((await holderCall(world, 'GET', '/qr/api/account', undefined, other.cookie)).status).toBe(401);
    expect((await holderCall(world, 'POST', '/qr/api/login', { token: 'x'.repeat(43) })).status).toBe(404);
    expect((await holderCall(world, 'POST', '/qr/api/links', { email: 'zoe@example.org', qrcode: second!.qrcode, language: 'en' })).status).toBe(202);
    const late = linkSecret(await world.inbox.next('zoe@example.org', 2));
    world.hub.clock.advance(15 * 60_000 + 1);
    expect((await holderCall(world, 'POST', '/qr/api/login', { token: late })).json.error.code).toBe('expired');
    expect((await repo.loadCardsByTag(world.hub.context.storage.read, [second!.tag])).get(second!.tag)?.userId).toBeNull();

    // Zoe's card asked for by someone else: the same answer, and no mail leaves.
    expect((await holderCall(world, 'POST', '/qr/api/links', { email: 'mallory@example.org', qrcode: card!.qrcode, language: 'en' })).status).toBe(202);
    expect((await holderCall(world, 'POST', '/qr/api/links', { email: 'zoe@example.org', qrcode: card!.qrcode, language: 'en' })).status).toBe(202);
    await world.inbox.next('zoe@example.org', 3);
    expect(world.inbox.count('mallory@example.org')).toBe(0);

    // At most HOLDER_LINKS_PER_HOUR_MAX links per address and hour, whatever the form is told.
    for (let index = 0; index < HOLDER_LINKS_PER_HOUR_MAX + 2; index += 1) {
      expect((await holderCall(world, 'POST', '/qr/api/links', { email: 'flood@example.org', qrcode: null, language: 'en' }, null, `10.1.0.${index}`)).status).toBe(202);
    }
    await world.inbox.next('flood@example.org', HOLDER_LINKS_PER_HOUR_MAX - 1);
    expect(await count(`holder_links where email = 'flood@example.org'`)).toBe(HOLDER_LINKS_PER_HOUR_MAX);
  });

  it('applies a transfer only with the e-mailed code: not without it, not after 5 wrong codes, not twice', async () => {
    world = await startHolderWorld(await database());
    const { alice, bob } = await twoHolders();
    const fields = { wallet: alice.wallet, kind: 'TRF', asset: world.local, amount: 1_200, to: bob.wallet };
    const transfers = await count('transfers');
    // The receiver named by e-mail or by their card's QR code (the URL's UUID); never oneself, never a stranger.
    expect((await holderCall(world, 'GET', '/qr/api/recipient?email=BOB@example.org', undefined, alice.cookie)).json).toEqual({ wallet: bob.wallet, email: 'bob@example.org' });
    expect((await holderCall(world, 'GET', `/qr/api/recipient?qrcode=${world.cards[1]!.qrcode}`, undefined, alice.cookie)).json).toEqual({ wallet: bob.wallet, email: 'bob@example.org' });
    expect((await holderCall(world, 'GET', `/qr/api/recipient?qrcode=${world.cards[0]!.qrcode}`, undefined, alice.cookie)).status).toBe(400);
    expect((await holderCall(world, 'GET', `/qr/api/recipient?qrcode=${world.cards[2]!.qrcode}`, undefined, alice.cookie)).status).toBe(404);
    // Signed by Alice's key, sent to the public endpoint without the code.
    const bare = await world.hub.call('POST', '/api/v1/wallet-requests', signed(ALICE_KEY, fields), { authorization: '' });
    expect(bare).toMatchObject({ status: 403, json: { error: { code: 'confirmation_required' } } });
    // Signed by another key, or tampered after signing: refused before any code is sent.
    expect((await holderCall(world, 'POST', '/qr/api/transfers', { request: signed(MALLORY_KEY, fields), language: 'en' }, alice.cookie)).status).toBe(401);
    const tampered = signed(ALICE_KEY, fields);
    expect((await holderCall(world, 'POST', '/qr/api/transfers', { request: { ...tampered, body: { ...tampered.body, amount: 4_000 } }, language: 'en' }, alice.cookie)).status).toBe(401);
    // Bob's session cannot send Alice's signed request.
    expect((await holderCall(world, 'POST', '/qr/api/transfers', { request: signed(ALICE_KEY, fields), language: 'en' }, bob.cookie)).status).toBe(403);
    expect(world.inbox.count('alice@example.org')).toBe(1);

    const first = await holderCall(world, 'POST', '/qr/api/transfers', { request: signed(ALICE_KEY, fields), language: 'en' }, alice.cookie);
    expect(first.status).toBe(202);
    const code = mailCode(await world.inbox.next('alice@example.org', 1));
    const wrong = code === '000000' ? '111111' : '000000';
    const answers = [];
    for (let index = 0; index < 5; index += 1) answers.push((await holderCall(world, 'POST', `/qr/api/transfers/${first.json.id}/confirm`, { code: wrong }, alice.cookie)).json.error);
    expect(answers.map((error) => error.triesLeft)).toEqual([4, 3, 2, 1, 0]);
    expect((await holderCall(world, 'POST', `/qr/api/transfers/${first.json.id}/confirm`, { code }, alice.cookie)).json.error.code).toBe('gone');
    expect(await count('transfers')).toBe(transfers);

    const second = await holderCall(world, 'POST', '/qr/api/transfers', { request: signed(ALICE_KEY, fields), language: 'en' }, alice.cookie);
    const right = mailCode(await world.inbox.next('alice@example.org', 2));
    // Bob cannot confirm Alice's transfer, even with her code.
    expect((await holderCall(world, 'POST', `/qr/api/transfers/${second.json.id}/confirm`, { code: right }, bob.cookie)).status).toBe(404);
    const applied = await holderCall(world, 'POST', `/qr/api/transfers/${second.json.id}/confirm`, { code: right }, alice.cookie);
    expect(applied.status).toBe(201);
    expect(applied.json.transfers.map((transfer: { action: string }) => transfer.action)).toEqual(['TRF']);
    expect((await holderCall(world, 'POST', `/qr/api/transfers/${second.json.id}/confirm`, { code: right }, alice.cookie)).json.error.code).toBe('gone');
    expect(await balance(alice.wallet, world.local)).toBe(6_800);
    expect(await balance(bob.wallet, world.local)).toBe(1_200);
    // Both sides see it, each naming the other.
    const bobHistory = (await holderCall(world, 'GET', '/qr/api/account', undefined, bob.cookie)).json.history;
    expect(bobHistory[0]).toMatchObject({ action: 'TRF', direction: 'in', person: 'alice@example.org', amount: 1_200 });
    const aliceHistory = (await holderCall(world, 'GET', '/qr/api/account', undefined, alice.cookie)).json.history;
    expect(aliceHistory[0]).toMatchObject({ action: 'TRF', direction: 'out', person: 'bob@example.org' });
  });

  it('refuses a code after 5 minutes, a transfer above the daily limit, and any transfer of a blocked user', async () => {
    world = await startHolderWorld(await database());
    const { alice, bob } = await twoHolders();
    const send = (amount: number) => holderCall(world, 'POST', '/qr/api/transfers', { request: signed(ALICE_KEY, { wallet: alice.wallet, kind: 'TRF', asset: world.local, amount, to: bob.wallet }, 240_000), language: 'en' }, alice.cookie);
    const late = await send(500);
    const code = mailCode(await world.inbox.next('alice@example.org', 1));
    world.hub.clock.advance(5 * 60_000);
    expect((await holderCall(world, 'POST', `/qr/api/transfers/${late.json.id}/confirm`, { code }, alice.cookie)).json.error.code).toBe('expired');

    const codes = await count('holder_codes');
    expect((await send(5_001)).json.error).toMatchObject({ code: 'transfer_limit', left: 5_000 });
    expect(await count('holder_codes')).toBe(codes);
    const within = await send(4_000);
    const confirm = mailCode(await world.inbox.next('alice@example.org', 2));
    expect((await holderCall(world, 'POST', `/qr/api/transfers/${within.json.id}/confirm`, { code: confirm }, alice.cookie)).status).toBe(201);
    expect((await send(1_001)).json.error).toMatchObject({ code: 'transfer_limit', left: 1_000 });
    // Two codes asked within the limit, the first confirmed: the second is checked again under the ledger lock.
    const pending = await send(1_000);
    const pendingCode = mailCode(await world.inbox.next('alice@example.org', 3));
    await setTransferSettings(world.hub, (await repo.getUserByEmail(world.hub.context.storage.read, 'alice@example.org'))!.id, { blocked: false, dailyMax: 4_500 });
    expect((await holderCall(world, 'POST', `/qr/api/transfers/${pending.json.id}/confirm`, { code: pendingCode }, alice.cookie)).json.error.code).toBe('transfer_limit');
    world.hub.clock.advance(24 * 3_600_000);
    await setTransferSettings(world.hub, (await repo.getUserByEmail(world.hub.context.storage.read, 'alice@example.org'))!.id, { blocked: true, dailyMax: null });
    expect((await send(100)).json.error.code).toBe('transfers_blocked');
    expect(await balance(alice.wallet, world.local)).toBe(4_000);
    expect(await balance(bob.wallet, world.local)).toBe(4_000);
  });
});

describe('the card holder’s page without SMTP_URL', () => {
  it('still shows the card, and says e-mail is off instead of sending links', async () => {
    const world = await startHolderWorld(undefined);
    const hub = await startTestHub(undefined, { holder: { smtpUrl: null, mailFrom: 'x@y.z', publicUrl: null, transferDailyMax: 10 } });
    try {
      const place = (await hub.call('POST', '/api/v1/places', { name: 'Bar', email: 'bar@example.org' })).json;
      const csv = `qr_url,number,tag_id\nhttps://tibillet.coop/qr/${world.cards[0]!.qrcode},00000001,${world.cards[0]!.tag}\n`;
      await importCards(hub.context, csv, { place: place.id, generation: 1, primary: false });
      const call = (method: 'GET' | 'POST', url: string, body?: unknown) => hub.app.inject({ method, url, payload: body === undefined ? undefined : JSON.stringify(body), headers: body === undefined ? {} : { 'content-type': 'application/json' } });
      expect((await call('GET', '/qr/api/config')).json()).toEqual({ email: false, topUp: false });
      expect((await call('GET', `/qr/api/cards/${world.cards[0]!.qrcode}`)).statusCode).toBe(200);
      const link = await call('POST', '/qr/api/links', { email: 'zoe@example.org', qrcode: world.cards[0]!.qrcode, language: 'en' });
      expect(link.statusCode).toBe(503);
      expect(link.json().error.code).toBe('email_not_configured');
      expect(Number((await hub.context.storage.read.all<{ n: number | string }>(sql`select count(*) as n from holder_links`))[0]?.n)).toBe(0);
    } finally {
      await hub.close();
      await world.close();
    }
  });
});
