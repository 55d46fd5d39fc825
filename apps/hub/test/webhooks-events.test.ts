/**
 * Each event type reaches its subscribers from the real path that causes it
 * (a till's pushes, the admin API, the sealer), scoped by place.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addEndpoint } from '../src/notify/endpoints';
import { requestPayout } from '../src/money/payout-request';
import { CASHIER, type Seeded } from '../../../support/seed';
import { SpecTill } from '../../../support/spec-till';
import { until, WebhookReceiver } from './support/webhook-receiver';
import { seededWithWebhooks } from './support/webhook-scenario';

let world: Seeded & { syncUrl: string };
const hubWide = new WebhookReceiver();
const placeB = new WebhookReceiver();

beforeAll(async () => {
  world = await seededWithWebhooks();
  const context = world.hub.context;
  const everything = ['entry.rejected', 'card.blocked', 'card.unblocked', 'card.lost', 'terminal.offline', 'terminal.frozen', 'block.sealed', 'payout.requested', 'membership.sold'];
  hubWide.useSecret((await addEndpoint(context, { url: await hubWide.listen(), events: everything, createdBy: 'test' })).secret);
  placeB.useSecret((await addEndpoint(context, { url: await placeB.listen(), events: everything, place: world.placeB.id, createdBy: 'test' })).secret);
}, 60_000);

afterAll(async () => {
  await world?.close();
  await hubWide.close();
  await placeB.close();
});

function ofType(receiver: WebhookReceiver, type: string) {
  return receiver.accepted.filter((message) => message.type === type).map((message) => message.data);
}

describe('webhook events from the paths that cause them', () => {
  it('rejected entry, membership sold, debt and its settlement, lost card, frozen and offline till, sealed block, payout request', async () => {
    const card = world.cards[4]!;
    const tillA = await world.till('A');
    const till = new SpecTill(tillA, world.syncUrl);
    await till.connect();
    const ack = await till.push([
      till.entry('REF', { card, primary: CASHIER, asset: world.local, amount: 100 }),
      till.entry('SAL', { card, primary: CASHIER, asset: world.local, amount: 5_000 }),
      till.entry('SAL', { card, primary: CASHIER, asset: world.local, amount: 300, auth: 'offline' }),
    ]);
    expect(ack.results.map((result) => result.status)).toEqual(['applied', 'rejected', 'applied']);
    await until(() => ofType(hubWide, 'card.blocked').length === 1, 'card.blocked');
    expect(ofType(hubWide, 'entry.rejected')).toEqual([expect.objectContaining({ terminal: tillA.id, seq: 2, kind: 'SAL', reason: 'insufficient_funds' })]);
    expect(ofType(hubWide, 'card.blocked')[0]).toMatchObject({ asset: world.local, balance: -200, reason: 'debt' });

    // A membership of place A, sold at its till (the original called Lespass back for these).
    const asset = await world.hub.app.inject({
      method: 'POST',
      url: '/api/v1/assets',
      headers: { authorization: `Bearer ${world.hub.identity.operatorToken}` },
      payload: { name: 'Adhésion', currencyCode: 'ADH', category: 'SUB', placeOrigin: world.placeA.id },
    });
    expect(asset.statusCode, asset.body).toBe(201);
    const membership = (asset.json() as { id: string }).id;
    const sold = await till.push([till.entry('SUB', { card: world.cards[7]!, primary: CASHIER, asset: membership, amount: 1_500 })]);
    expect(sold.results.map((result) => result.status)).toEqual(['applied']);
    await until(() => ofType(hubWide, 'membership.sold').length === 1, 'membership.sold');
    expect(ofType(hubWide, 'membership.sold')[0]).toMatchObject({ asset: membership, validUntil: expect.any(String) });

    // A sale deeper into the debt blocks nothing new; the top-up that settles it unblocks the card.
    await till.push([till.entry('SAL', { card, primary: CASHIER, asset: world.local, amount: 50, auth: 'offline' })]);
    await till.push([till.entry('REF', { card, primary: CASHIER, asset: world.local, amount: 1_000 })]);
    await until(() => ofType(hubWide, 'card.unblocked').length === 1, 'card.unblocked');
    expect(ofType(hubWide, 'card.blocked')).toHaveLength(1);
    expect(ofType(hubWide, 'card.unblocked')[0]!.card).toBe(ofType(hubWide, 'card.blocked')[0]!.card);

    // Another history for seq 1: the till is frozen, and its connection drops.
    const forked = new SpecTill(tillA, world.syncUrl);
    await forked.connect();
    forked.send({ type: 'push', entries: [forked.entry('REF', { card, primary: CASHIER, asset: world.local, amount: 999 })] });
    await forked.closed();
    await until(() => ofType(hubWide, 'terminal.frozen').length === 1, 'terminal.frozen');
    expect(ofType(hubWide, 'terminal.frozen')[0]).toEqual({ terminal: tillA.id, reason: 'fork' });
    await until(() => ofType(hubWide, 'terminal.offline').some((data) => data.terminal === tillA.id), 'terminal.offline');

    const lost = await world.hub.app.inject({ method: 'POST', url: `/api/v1/cards/${world.cards[5]}/lost`, headers: { authorization: `Bearer ${world.hub.identity.operatorToken}` } });
    expect(lost.statusCode).toBe(200);
    await until(() => ofType(hubWide, 'card.lost').length === 1 && ofType(placeB, 'card.lost').length === 1, 'card.lost everywhere');

    await until(() => ofType(hubWide, 'block.sealed').length > 0, 'block.sealed');
    expect(ofType(hubWide, 'block.sealed')[0]).toMatchObject({ height: expect.any(Number), hash: expect.stringMatching(/^[0-9a-f]{64}$/) });

    // FED for a payout: a top-up by an operator, then the request.
    const fedCard = world.cards[6]!;
    const topup = await world.hub.app.inject({
      method: 'POST',
      url: '/api/v1/topups',
      headers: { authorization: `Bearer ${world.hub.identity.operatorToken}`, 'idempotency-key': 'webhook-events-fed' },
      payload: { card: fedCard, asset: world.fed, amount: 2_000, reference: 'VIR-WEBHOOK-1', method: 'transfer' },
    });
    expect(topup.statusCode, topup.body).toBeLessThan(300);
    const wallet = (topup.json() as { wallet?: string }).wallet ?? (await walletOfCard(fedCard));
    const payout = await requestPayout(world.hub.context, { wallet, amount: 1_500, iban: 'FR7630006000011234567890189', holder: 'Camille Martin' });
    await until(() => ofType(hubWide, 'payout.requested').length === 1, 'payout.requested');
    expect(ofType(hubWide, 'payout.requested')[0]).toEqual({ payout: payout.id, wallet, asset: world.fed, amount: 1_500 });

    // Place B's endpoint: lost cards and settled debts (every place), nothing of place A's till, no hub-wide events.
    expect(new Set(placeB.accepted.map((message) => message.type))).toEqual(new Set(['card.lost', 'card.unblocked']));
    expect(hubWide.badSignatures + placeB.badSignatures).toBe(0);
  }, 120_000);
});

async function walletOfCard(uid: string): Promise<string> {
  const { loadCardsByTag } = await import('../src/storage/repo');
  const found = (await loadCardsByTag(world.hub.context.storage.read, [uid])).get(uid);
  return found!.userId ?? found!.ephemeralWalletId!;
}
