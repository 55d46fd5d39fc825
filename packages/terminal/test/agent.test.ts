import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeCrypto } from '@fedow/ledger/crypto-node';
import { SimulatorReader } from '@fedow/nfc';
import { DEFAULT_OFFLINE_POLICY, type AssetInfo, type CardState } from '@fedow/protocol';
import { publicKeyHex } from '@fedow/ledger';
import { openAgent, openJournal, pairTill, type AgentEvent, type Journal, type Outcome, type TillAgent } from '../src';
import { cleanup, temporaryDirectory, uuid } from './helpers';
import { FakeHub, waitFor } from './support/fake-hub';
import { FAST, appendSales, pairedTill } from './support/till';

const LOCAL: AssetInfo = { id: uuid(0x10), name: 'Pinte', currencyCode: 'EUR', category: 'TLF', decimals: 2, archived: false, issuedHere: true };
const PRIMARY = 'CAFE0001';
const CARDS = { a: '04D00001', b: '04D00002', c: '04D00003', d: '04D00004' };
function state(uid: string, balance: number): CardState {
  return { card: uid, wallet: uuid(Number.parseInt(uid, 16)), balances: { [LOCAL.id]: balance }, blocked: false };
}
const POLICY = { ...DEFAULT_OFFLINE_POLICY, maxOfflineSale: 5_000, maxOfflineCardSpend: 6_000, maxOfflineExposure: 10_000 };

const hubs: FakeHub[] = [];
const agents: TillAgent[] = [];
afterEach(async () => {
  for (const agent of agents.splice(0)) await agent.close();
  for (const hub of hubs.splice(0)) await hub.close();
  cleanup();
});

async function pairedAgent(): Promise<{ hub: FakeHub; agent: TillAgent; reader: SimulatorReader }> {
  const hub = await FakeHub.start({
    policy: POLICY,
    assets: [LOCAL],
    primaries: [PRIMARY],
    cards: Object.values(CARDS).map((uid) => state(uid, 20_000)),
  });
  hubs.push(hub);
  hub.addPairingCode('ABCD2345', uuid(0x91ace), 'Bar du port');
  const reader = new SimulatorReader();
  const agent = openAgent({ dataDir: join(temporaryDirectory(), 'till'), reader, syncTuning: FAST, language: 'en' });
  agents.push(agent);
  agent.start();
  const paired = await agent.pair(hub.url, 'abcd-2345', 'Bar 1');
  expect(paired).toMatchObject({ ok: true, identity: { placeName: 'Bar du port', hubUrl: hub.url } });
  await waitFor(() => agent.snapshot().sync.status === 'online' && agent.cache.primaries().size === 1, 5_000, 'first snapshot');
  return { hub, agent, reader };
}

function approved(outcome: Outcome): Extract<Outcome, { approve: true }> {
  if (!outcome.approve) throw new Error(`declined: ${outcome.code} ${outcome.reason}`);
  return outcome;
}

describe('agent', () => {
  it('pairs, unlocks with the cashier card, performs an armed sale on tap, and closes the register', async () => {
    const { hub, agent, reader } = await pairedAgent();
    const events: AgentEvent['type'][] = [];
    agent.subscribe((event) => events.push(event.type));
    expect(agent.snapshot()).toMatchObject({ paired: { placeName: 'Bar du port' }, session: null, reader: { connected: true } });

    reader.tap('DEADBEEF');
    expect(agent.snapshot().session).toBeNull();
    reader.tap(PRIMARY);
    expect(agent.snapshot().session).toMatchObject({ primary: PRIMARY });

    const pending = agent.sale({ lines: [{ label: 'Bière', qty: 2, unit: 450 }] });
    expect(agent.snapshot().armed).toMatchObject({ kind: 'sale', amount: 900 });
    reader.tap(CARDS.a);
    const sale = approved(await pending);
    expect(sale).toMatchObject({ kind: 'SAL', total: 900, auth: 'online', balances: [{ asset: LOCAL.id, available: 19_100, formatted: '191.00 €' }] });
    expect(agent.snapshot().armed).toBeNull();
    expect(reader.feedbackGiven).toEqual(['ok']);

    const topUp = approved(await agent.topUp({ amount: 2_000, payment: 'cash' }, CARDS.b));
    expect(topUp.balances[0]!.available).toBe(22_000);
    const declined = await agent.sale({ amount: 50_000 }, CARDS.c);
    expect(declined).toMatchObject({ approve: false, code: 'insufficient_funds', missing: 30_000, reason: '300.00 € missing' });

    const check = await agent.checkCard(CARDS.a);
    expect(check).toMatchObject({ known: true, standing: 'anonymous', balances: [{ available: 19_100 }], recent: [{ kind: 'SAL', amount: 900 }] });

    await waitFor(() => agent.snapshot().sync.pendingCount === 0, 5_000, 'drained');
    expect(hub.tills.values().next().value!.chain.map((entry) => entry.body.kind)).toEqual(['SAL', 'REF']);

    const totals = agent.closeRegister()!;
    expect(totals.rows.map((row) => [row.kind, row.payment, row.count, row.amount])).toEqual([
      ['REF', 'cash', 1, 2_000],
      ['SAL', null, 1, 900],
    ]);
    expect(totals.taken).toEqual({ cash: { EUR: 2_000 }, card: {} });
    expect(agent.snapshot().session).toBeNull();
    expect(events).toContain('decision');
    expect(events).toContain('tap');
  });

  it('cancels an armed action when another is armed', async () => {
    const { agent, reader } = await pairedAgent();
    reader.tap(PRIMARY);
    const first = agent.sale({ amount: 300 });
    const second = agent.topUp({ amount: 1_000, payment: 'card' });
    expect(await first).toMatchObject({ approve: false, code: 'cancelled' });
    reader.tap(CARDS.d);
    expect(await second).toMatchObject({ approve: true, kind: 'REF', total: 1_000 });
  });

  it('keeps selling offline within the caps, declines beyond with the reason, and drains in order when the hub returns', async () => {
    const { hub, agent, reader } = await pairedAgent();
    const hubTill = hub.tills.values().next().value!;
    reader.tap(PRIMARY);
    approved(await agent.sale({ amount: 1_000 }, CARDS.a));
    await waitFor(() => agent.snapshot().sync.pendingCount === 0, 5_000, 'online sale acknowledged');

    await hub.goAway();
    await waitFor(() => agent.snapshot().sync.status === 'offline', 5_000, 'offline');
    expect(agent.snapshot().sync.offlineSince).not.toBeNull();

    const first = approved(await agent.sale({ amount: 4_000 }, CARDS.a));
    expect(first.auth).toBe('offline');
    expect(await agent.sale({ amount: 4_000 }, CARDS.a)).toMatchObject({
      approve: false,
      code: 'offline_policy_exceeded',
      reason: 'Offline limit: 60.00 € per card',
    });
    expect(await agent.sale({ amount: 6_000 }, CARDS.b)).toMatchObject({ approve: false, code: 'offline_policy_exceeded', reason: 'Offline limit: 50.00 € per sale' });
    approved(await agent.sale({ amount: 5_000 }, CARDS.b));
    // Exposure: 4,000 + 5,000 of the 10,000 the till may owe.
    expect(await agent.sale({ amount: 2_000 }, CARDS.c)).toMatchObject({
      approve: false,
      code: 'offline_policy_exceeded',
      reason: 'Offline limit of this till: 100.00 €',
    });
    approved(await agent.sale({ amount: 1_000 }, CARDS.c));
    approved(await agent.topUp({ amount: 3_000, payment: 'card' }, CARDS.d));
    expect(await agent.refund({}, CARDS.d)).toMatchObject({ approve: false, code: 'offline_not_allowed', reason: 'Refunds need the network' });
    expect(agent.snapshot().sync.pendingCount).toBe(4);

    const journalSeqs = agent.journal.entriesFrom(1).map((entry) => `${entry.body.seq}:${entry.body.kind}:${entry.body.amount}`);
    await hub.comeBack();
    await waitFor(() => agent.snapshot().sync.status === 'online' && agent.snapshot().sync.pendingCount === 0, 5_000, 'drained');
    expect(hubTill.chain.map((entry) => `${entry.body.seq}:${entry.body.kind}:${entry.body.amount}`)).toEqual(journalSeqs);
    expect(journalSeqs).toEqual(['1:SAL:1000', '2:SAL:4000', '3:SAL:5000', '4:SAL:1000', '5:REF:3000']);
    expect([...hubTill.applied.values()].every((count) => count === 1)).toBe(true);
    expect(hubTill.acks.map((result) => result.status)).toEqual(['applied', 'applied', 'applied', 'applied', 'applied']);
    // Online again: refunds work.
    expect(await agent.refund({ amount: 500 }, CARDS.d)).toMatchObject({ approve: true, kind: 'RFD', auth: 'online' });
  });
});

describe('pairing', () => {
  it('answers 404, 410, 429 and network failures with typed errors, and spends nothing on a paired journal', async () => {
    const hub = await FakeHub.start();
    hubs.push(hub);
    hub.addPairingCode('SPENT234', undefined, 'Bar', 'used');
    const journal = openJournal(join(temporaryDirectory(), 'till.db'), { crypto: nodeCrypto, secretKey: new Uint8Array(32).fill(5) });
    const base = { name: 'Bar 1', agent: 'test/1', journal, publicKey: 'a'.repeat(64) };
    expect(await pairTill({ ...base, hubUrl: hub.url, code: 'ZZZZ2345' })).toMatchObject({ ok: false, code: 'unknown_code' });
    expect(await pairTill({ ...base, hubUrl: hub.url, code: 'SPENT234' })).toMatchObject({ ok: false, code: 'expired_code' });
    expect(await pairTill({ ...base, hubUrl: 'http://127.0.0.1:9', code: 'ZZZZ2345' })).toMatchObject({ ok: false, code: 'network' });
    for (let attempt = 0; attempt < 10; attempt++) await pairTill({ ...base, hubUrl: hub.url, code: 'ZZZZ2345' });
    expect(await pairTill({ ...base, hubUrl: hub.url, code: 'ZZZZ2345' })).toMatchObject({ ok: false, code: 'rate_limited' });
    expect(await pairTill({ ...base, hubUrl: 'ftp://x', code: 'ZZZZ2345' })).toMatchObject({ ok: false, code: 'bad_request' });
    journal.close();

    // A till holding entries refuses before it spends the code.
    const other = await FakeHub.start();
    hubs.push(other);
    other.addPairingCode('GQQD2345');
    const opened: Journal[] = [];
    const till = pairedTill(other, opened);
    appendSales(till.journal, 1);
    const key = { name: 'Bar 1', agent: 'test/1', hubUrl: other.url, code: 'GQQD2345' };
    expect(await pairTill({ ...key, journal: till.journal, publicKey: till.identity.publicKey })).toMatchObject({ ok: false, code: 'already_paired' });
    const fresh = openJournal(join(temporaryDirectory(), 'fresh.db'), { crypto: nodeCrypto, secretKey: new Uint8Array(32).fill(6) });
    opened.push(fresh);
    const publicKey = publicKeyHex(nodeCrypto, new Uint8Array(32).fill(6));
    expect(await pairTill({ ...key, journal: fresh, publicKey })).toMatchObject({ ok: true, identity: { publicKey, hubPublicKey: other.publicKey } });
    expect(fresh.head()).toEqual({ seq: 0, hash: fresh.identity()!.genesis });
    for (const journal of opened) journal.close();
  });
});
