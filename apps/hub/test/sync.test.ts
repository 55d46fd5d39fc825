import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS, freshDatabase } from '../../../test/support/dialects';
import { FRAME_BYTES_MAX, type HubMessage } from '@fedow/protocol';
import * as repo from '../src/storage/repo';
import { createProduct } from '../src/directory/products';
import { createPairingCode } from '../src/directory/terminals';
import { verifyChain } from '../src/verify/verify-chain';
import { fromHex, publicKeyHex } from '@fedow/ledger';
import { nodeCrypto } from '@fedow/ledger/crypto-node';
import { CASHIER, CASHIER_B, seedHub, type Seeded, listenForTills } from '../../../support/seed';
import { SpecTill } from '../../../support/spec-till';

let world: Seeded;
let url: string;

describe.each(DIALECTS)('on %s', (dialect) => {
  const databaseUrl = freshDatabase(dialect);

  beforeEach(async () => {
    world = await seedHub({ databaseUrl: await databaseUrl() });
    url = await listenForTills(world);
  });

  afterEach(async () => {
    // LEDGER.md's invariants hold after every scenario, forks and forgeries included.
    const verdict = await verifyChain(world.hub.context);
    await world.close();
    expect(verdict.firstDiscrepancy).toBeNull();
  });

  async function balanceOf(uid: string, asset: string): Promise<number> {
    const read = world.hub.context.storage.read;
    const card = (await repo.loadCardsByTag(read, [uid])).get(uid);
    if (!card?.ephemeralWalletId) return 0;
    const rows = await repo.loadWalletBalances(read, [card.ephemeralWalletId]);
    return rows.find((row) => row.assetId === asset)?.value ?? 0;
  }

  const isError = (code: string) => (message: HubMessage) => message.type === 'error' && message.code === code;

  describe('/sync handshake', () => {
    it('pairs over HTTP with a one-time code, then authenticates and pushes', async () => {
      const { code } = await createPairingCode(world.hub.context, { place: world.placeA.id, name: 'Bar 1' });
      const secretKey = fromHex('7e'.repeat(32));
      const publicKey = publicKeyHex(nodeCrypto, secretKey);
      const httpUrl = url.replace('ws://', 'http://').replace('/sync', '');
      const paired = await fetch(`${httpUrl}/api/v1/terminals/pair`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code, publicKey, name: 'till', agent: 'spec-till/1' }),
      });
      expect(paired.status).toBe(201);
      const response = (await paired.json()) as { terminal: string; place: string; hub: string; genesis: string };
      expect(response.place).toBe(world.placeA.id);
      expect(response.hub).toBe(world.hub.context.key.publicKey);
      const till = new SpecTill({ id: response.terminal, secretKey, publicKey, genesis: response.genesis, place: response.place }, url);
      expect(await till.connect()).toMatchObject({ type: 'welcome', lastSeq: 0, lastHash: response.genesis });
      const ack = await till.push([till.entry('REF', { card: world.cards[9]!, primary: CASHIER, asset: world.local, amount: 700 })]);
      expect(ack.results[0]?.status).toBe('applied');
      const reused = await fetch(`${httpUrl}/api/v1/terminals/pair`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code, publicKey: publicKeyHex(nodeCrypto, fromHex('7f'.repeat(32))), name: 'till', agent: 'spec-till/1' }),
      });
      expect(reused.status).toBe(410);
    });

    it('challenges, welcomes with the chain head, then sends a full snapshot', async () => {
      const till = new SpecTill(await world.till(), url);
      const welcome = await till.connect();
      expect(welcome).toMatchObject({ type: 'welcome', lastSeq: 0, lastHash: till.till.genesis });
      expect(welcome.policy.maxOfflineSale).toBe(5000);
      const update = (await till.next((message) => message.type === 'update')) as Extract<HubMessage, { type: 'update' }>;
      expect(update).toMatchObject({ full: true, part: 1, parts: 1, primaries: [CASHIER] });
      expect(update.assets!.map((asset) => asset.id).sort()).toEqual([world.fed, world.gift, world.local].sort());
      expect(update.assets!.find((asset) => asset.id === world.local)?.issuedHere).toBe(true);
      till.close();
    });

    it('refuses a hello signed with another key (4401) and anything before hello (4401)', async () => {
      const forger = new SpecTill(await world.till(), url);
      const reply = (await forger.connect({ sign: false })) as HubMessage;
      expect(reply).toMatchObject({ type: 'error', code: 'unauthorized' });
      expect(await forger.closed()).toBe(4401);

      const early = new SpecTill(await world.till(), url);
      await early.open();
      early.send({ type: 'ping', t: 1 });
      await early.next(isError('unauthorized'));
      expect(await early.closed()).toBe(4401);
    });

    it('closes on malformed JSON before hello (4400) and answers bad_message after it', async () => {
      const rude = new SpecTill(await world.till(), url);
      await rude.open();
      rude.send('{not json');
      await rude.next(isError('bad_message'));
      expect(await rude.closed()).toBe(4400);

      const till = new SpecTill(await world.till(), url);
      await till.connect();
      till.send('{"type":"push","entries":"nope"}');
      await till.next(isError('bad_message'));
      till.send({ type: 'ping', t: 7 });
      expect(await till.next((message) => message.type === 'pong')).toEqual({ type: 'pong', t: 7 });
      till.close();
    });

    it('closes a frame larger than the limit with 1009, storing nothing', async () => {
      const till = new SpecTill(await world.till(), url);
      await till.connect();
      till.send(`{"type":"push","entries":[],"pad":"${'x'.repeat(FRAME_BYTES_MAX)}"}`);
      expect(await till.closed()).toBe(1009);
      expect(await repo.listEntries(world.hub.context.storage.read, till.till.id, 0, 10)).toHaveLength(0);
    });

    it('refuses revoked and frozen tills (4403)', async () => {
      const revoked = await world.till();
      await world.hub.context.storage.transaction((tx) => repo.setTerminalStatus(tx, revoked.id, 'revoked'));
      const till = new SpecTill(revoked, url);
      expect(await till.connect()).toMatchObject({ type: 'error', code: 'revoked' });
      expect(await till.closed()).toBe(4403);
    });

    it('rate-limits a till that floods', async () => {
      const till = new SpecTill(await world.till(), url);
      await till.connect();
      for (let index = 0; index < 200; index++) till.send({ type: 'ping', t: index });
      await till.next(isError('rate_limited'));
      expect(await till.closed()).toBe(4400);
    });
  });

  describe('/sync push', () => {
    it('applies entries in order, acks after commit, and moves balances', async () => {
      const till = new SpecTill(await world.till(), url);
      await till.connect();
      const card = world.cards[0]!;
      const ack = await till.push([
        till.entry('REF', { card, primary: CASHIER, asset: world.local, amount: 2000, meta: { payment: 'cash' } }),
        till.entry('SAL', { card, primary: CASHIER, asset: world.local, amount: 450 }),
        till.entry('SAL', { card, primary: CASHIER, asset: world.local, amount: 99_999 }),
      ]);
      expect(ack.lastSeq).toBe(3);
      expect(ack.results.map((result) => [result.seq, result.status, result.reason])).toEqual([
        [1, 'applied', undefined],
        [2, 'applied', undefined],
        [3, 'rejected', 'insufficient_funds'],
      ]);
      expect(await balanceOf(card, world.local)).toBe(1550);
      const terminal = await repo.getTerminal(world.hub.context.storage.read, till.till.id);
      expect(terminal).toMatchObject({ lastSeq: 3, rejectedCount: 1 });
    });

    it('acks a duplicate again and applies it once', async () => {
      const till = new SpecTill(await world.till(), url);
      await till.connect();
      const card = world.cards[1]!;
      const entries = [till.entry('REF', { card, primary: CASHIER, asset: world.local, amount: 500 })];
      await till.push(entries);
      till.close();
      await till.closed();
      await till.connect();
      const again = await till.push(entries);
      expect(again.results).toEqual([{ seq: 1, id: entries[0]!.body.id, status: 'duplicate' }]);
      expect(await balanceOf(card, world.local)).toBe(500);
    });

    it('answers a gap with the seq it expects', async () => {
      const till = new SpecTill(await world.till(), url);
      await till.connect();
      const first = till.entry('REF', { card: world.cards[2]!, primary: CASHIER, asset: world.local, amount: 100 });
      const skipped = till.entry('SAL', { card: world.cards[2]!, primary: CASHIER, asset: world.local, amount: 10 });
      const third = till.entry('SAL', { card: world.cards[2]!, primary: CASHIER, asset: world.local, amount: 10 });
      await till.push([first]);
      till.send({ type: 'push', entries: [third] });
      const gap = await till.next(isError('gap'));
      expect(gap).toMatchObject({ expected: 2 });
      // The ack of what came before the gap (nothing) precedes the error.
      expect(await till.next((message) => message.type === 'ack')).toMatchObject({ lastSeq: 1, results: [] });
      const ack = await till.push([skipped, third]);
      expect(ack.lastSeq).toBe(3);
      expect(await balanceOf(world.cards[2]!, world.local)).toBe(80);
    });

    it('freezes a till that forks (4409) and refuses it until unfrozen', async () => {
      const seeded = await world.till();
      const till = new SpecTill(seeded, url);
      await till.connect();
      await till.push([till.entry('REF', { card: world.cards[3]!, primary: CASHIER, asset: world.local, amount: 100 })]);
      // Another history for seq 1: the till's journal was restored from an old copy.
      const forked = new SpecTill(seeded, url);
      const welcome = await forked.connect();
      expect(welcome.lastSeq).toBe(1);
      forked.send({ type: 'push', entries: [forked.entry('REF', { card: world.cards[3]!, primary: CASHIER, asset: world.local, amount: 999 })] });
      await forked.next(isError('fork'));
      expect(await forked.closed()).toBe(4409);
      expect((await repo.getTerminal(world.hub.context.storage.read, seeded.id))?.status).toBe('frozen');
      expect(await balanceOf(world.cards[3]!, world.local)).toBe(100);
      const again = new SpecTill(seeded, url);
      expect(await again.connect()).toMatchObject({ type: 'error', code: 'frozen' });
      await world.hub.context.storage.transaction((tx) => repo.setTerminalStatus(tx, seeded.id, 'active'));
      expect(await new SpecTill(seeded, url).connect()).toMatchObject({ type: 'welcome', lastSeq: 1 });
    });

    it('quarantines a forged signature without moving the chain; the genuine entry follows', async () => {
      const till = new SpecTill(await world.till(), url);
      await till.connect();
      const genuine = till.entry('REF', { card: world.cards[4]!, primary: CASHIER, asset: world.local, amount: 300 });
      const forged = { ...genuine, body: { ...genuine.body, amount: 30_000 } };
      const rejected = await till.push([forged]);
      expect(rejected.results).toEqual([{ seq: 1, id: genuine.body.id, status: 'rejected', reason: 'bad_hash' }]);
      expect(rejected.lastSeq).toBe(0);
      const resigned = { ...genuine, sig: '00'.repeat(64) };
      expect((await till.push([resigned])).results[0]?.reason).toBe('bad_signature');
      const ack = await till.push([genuine]);
      expect(ack).toMatchObject({ lastSeq: 1, results: [{ status: 'applied' }] });
      expect(await balanceOf(world.cards[4]!, world.local)).toBe(300);
      expect(await repo.listQuarantine(world.hub.context.storage.read, till.till.id, 10)).toHaveLength(2);
    });
  });

  describe('/sync card updates', () => {
    it('pushes a balance change to the other connected tills', async () => {
      const tillA = new SpecTill(await world.till('A'), url);
      const tillB = new SpecTill(await world.till('B'), url);
      await tillA.connect();
      await tillB.connect();
      await tillB.next((message) => message.type === 'update' && message.full === true);
      const card = world.cards[5]!;
      await tillA.push([tillA.entry('REF', { card, primary: CASHIER, asset: world.local, amount: 1200 })]);
      const update = (await tillB.next((message) => message.type === 'update' && message.cards.some((state) => state.card === card))) as Extract<HubMessage, { type: 'update' }>;
      expect(update.full).toBeUndefined();
      expect(update.cards.find((state) => state.card === card)).toMatchObject({ balances: { [world.local]: 1200 }, blocked: false });
    });

    it('two tills selling offline beyond the balance: debt, the card blocked, both tills told', async () => {
      const tillA = new SpecTill(await world.till('A'), url);
      const tillB = new SpecTill(await world.till('B'), url);
      await tillA.connect();
      const card = world.cards[6]!;
      await tillA.push([tillA.entry('REF', { card, primary: CASHIER, asset: world.local, amount: 1000 })]);
      // Both sold while offline, each inside the card's last known balance.
      const saleA = tillA.entry('SAL', { card, primary: CASHIER, asset: world.local, amount: 800, auth: 'offline' });
      const saleB = new SpecTill(tillB.till, url);
      const entryB = saleB.entry('SAL', { card, primary: CASHIER_B, asset: world.local, amount: 700, auth: 'offline' });
      expect((await tillA.push([saleA])).results[0]?.status).toBe('applied');
      await saleB.connect();
      expect((await saleB.push([entryB])).results[0]?.status).toBe('applied');
      expect(await balanceOf(card, world.local)).toBe(-500);
      const blocked = (message: HubMessage) => message.type === 'update' && message.cards.some((state) => state.card === card && state.blocked && state.reason === 'debt');
      await tillA.next(blocked);
      // B reconnects later and learns it from its snapshot.
      saleB.close();
      await saleB.closed();
      await saleB.connect();
      await saleB.next(blocked);
      // An online sale on the blocked card is refused, a top-up unblocks it.
      const refused = await tillA.push([tillA.entry('SAL', { card, primary: CASHIER, asset: world.local, amount: 1 })]);
      expect(refused.results[0]?.reason).toBe('card_blocked');
      await tillA.push([tillA.entry('REF', { card, primary: CASHIER, asset: world.local, amount: 600 })]);
      await tillA.next((message) => message.type === 'update' && message.cards.some((state) => state.card === card && !state.blocked));
    });

    it('sends the place catalogue in the snapshot, and again when it changes', async () => {
      await createProduct(world.hub.context, { place: world.placeA.id, label: 'Bière', price: 450, asset: world.local, category: 'boissons', position: 1 });
      const till = new SpecTill(await world.till(), url);
      await till.connect();
      const snapshot = (await till.next((message) => message.type === 'update')) as Extract<HubMessage, { type: 'update' }>;
      expect(snapshot.catalogue?.map((item) => [item.label, item.price])).toEqual([['Bière', 450]]);
      await createProduct(world.hub.context, { place: world.placeA.id, label: 'Eau', price: 200, asset: world.local, category: 'boissons', position: 2 });
      const changed = (await till.next((message) => message.type === 'update' && (message.catalogue?.length ?? 0) === 2)) as Extract<HubMessage, { type: 'update' }>;
      expect(changed.cards).toEqual([]);
      expect(changed.cursor).toBe(snapshot.cursor);
    });

    it('resumes from a known cursor with deltas only', async () => {
      const till = new SpecTill(await world.till(), url);
      await till.connect();
      const snapshot = (await till.next((message) => message.type === 'update')) as Extract<HubMessage, { type: 'update' }>;
      till.close();
      await till.closed();
      const other = new SpecTill(await world.till(), url);
      await other.connect();
      await other.push([other.entry('REF', { card: world.cards[7]!, primary: CASHIER, asset: world.local, amount: 50 })]);
      await till.connect({ cursor: snapshot.cursor });
      const delta = (await till.next((message) => message.type === 'update')) as Extract<HubMessage, { type: 'update' }>;
      expect(delta.full).toBeUndefined();
      expect(delta.cards.map((state) => state.card)).toEqual([world.cards[7]]);
    });
  });
});
