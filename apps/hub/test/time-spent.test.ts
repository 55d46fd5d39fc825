/**
 * Time spent in a place (issue 14.4): badge taps of door tills, online and
 * offline, synced out of order, paired by the hub in till-time order and booked
 * as TIM minutes by requests of its own, on both dialects.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { WireEntry } from '@fedow/protocol';
import { DIALECTS, freshDatabase } from '../../../test/support/dialects';
import { recordFirst } from '../src/money/first';
import { bookDueTime, bookTimeSpent, TIME_DAYS_BOOKED } from '../src/money/time-spent';
import { cliHome } from './support/cli-run';
import * as repo from '../src/storage/repo';
import { verifyChain } from '../src/verify/verify-chain';
import { federationWorld, type FederationWorld } from './support/federation-world';
import type { SpecTill } from '../../../support/spec-till';

const TIMEOUT_MS = 120_000;
const RULES = { closingTime: '22:00', dailyCapMinutes: 600 };

describe.each(DIALECTS)('time spent on %s', (dialect) => {
  const database = freshDatabase(dialect);
  let world: FederationWorld;

  afterEach(async () => {
    if (!world) return;
    const verdict = await verifyChain(world.hub.context);
    await world.close();
    expect(verdict.firstDiscrepancy).toBeNull();
  });

  /** Yesterday (UTC): its closing time has passed, so every visit of it is closed. */
  const day = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

  async function door() {
    world = await federationWorld({ count: 1, cards: 3, databaseUrl: await database() });
    const place = world.places[0]!;
    const { storage, newId } = world.hub.context;
    const now = new Date().toISOString();
    const badge = { id: newId(), name: 'Porte', currencyCode: 'BDG', category: 'BDG' as const, decimals: 0, originWalletId: place.wallet, archived: false, createdAt: now, membershipDays: null };
    const hours = { id: newId(), name: 'Temps', currencyCode: 'MIN', category: 'TIM' as const, decimals: 0, originWalletId: place.wallet, archived: false, createdAt: now, membershipDays: null };
    await storage.transaction(async (tx) => {
      for (const asset of [badge, hours]) {
        await repo.insertAsset(tx, asset);
        await recordFirst(tx, { at: now, newId }, { kind: 'operator', name: 'seed' }, asset);
      }
    });
    const entrance = place.till;
    const exit = await world.addTill(place);
    const tap = (till: SpecTill, card: string, time: string): WireEntry => till.entry('BDG', { card, primary: place.cashier, asset: badge.id, amount: 0, at: `${day}T${time}:00.000Z` });
    const push = async (till: SpecTill, entries: WireEntry[]) => {
      const ack = await till.push(entries);
      expect(ack.results.map((result) => result.status)).toEqual(entries.map(() => 'applied'));
    };
    const minutes = async (card: string) => {
      const row = (await repo.loadCardsByTag(world.hub.context.storage.read, [card])).get(card)!;
      const balances = await repo.loadWalletBalances(world.hub.context.storage.read, [row.ephemeralWalletId!]);
      return balances.find((balance) => balance.assetId === hours.id)?.value ?? 0;
    };
    const book = () => bookTimeSpent(world.hub.context, { place: place.id, asset: hours.id, mode: 'accrue', day, rules: RULES });
    return { place, entrance, exit, tap, push, minutes, book, hours, badge };
  }

  it(
    'pairs taps of two doors synced out of order in till time, closes a missing exit at closing time, caps the day, and books a day once',
    async () => {
      const { entrance, exit, tap, push, minutes, book } = await door();
      const [alice, bob] = world.cards as [string, string];
      // The entrance is online; the exit door stays offline until after the entrance's later taps.
      await push(entrance, [tap(entrance, alice, '09:00'), tap(entrance, bob, '10:00')]);
      const offline = [tap(exit, bob, '11:05'), tap(exit, alice, '12:20')];
      await push(entrance, [tap(entrance, alice, '13:00')]);
      await push(exit, offline);
      const booked = await book();
      // Alice: 09:00–12:20 (200 → 210 in quarters) + 13:00–22:00 closed at closing time (540) = 750, capped at 600.
      // Bob: 10:00–11:05 = 65 → 75.
      expect(await minutes(alice)).toBe(600);
      expect(await minutes(bob)).toBe(75);
      const aliceDay = booked.find((row) => row.outcome?.transfers.some((t) => t.amount === 600));
      expect(aliceDay?.visits.map((visit) => visit?.closedByClosingTime)).toEqual([false, true]);
      const again = await book();
      expect(again.every((row) => row.outcome === null || row.outcome.replayed)).toBe(true);
      expect(await minutes(alice)).toBe(600);
      const requests = await repo.listRequests(world.hub.context.storage.read, { kind: 'time-spent', limit: 10 });
      expect(requests.map((request) => [request.source, request.status])).toEqual([
        ['hub', 'applied'],
        ['hub', 'applied'],
      ]);
    },
    TIMEOUT_MS,
  );

  it(
    'books only the minutes a late offline visit adds to a day already booked',
    async () => {
      const { entrance, exit, tap, push, minutes, book } = await door();
      const carol = world.cards[2]!;
      await push(entrance, [tap(entrance, carol, '15:00'), tap(entrance, carol, '16:00')]);
      await book();
      expect(await minutes(carol)).toBe(60);
      // A door offline all afternoon syncs a second visit of hers.
      await push(exit, [tap(exit, carol, '17:00'), tap(exit, carol, '17:20')]);
      const late = await book();
      expect(late[0]).toMatchObject({ minutes: 90, booked: 60, outcome: { status: 'applied' } });
      expect(late[0]?.outcome?.transfers.map((t) => [t.action, t.amount])).toEqual([
        ['CRE', 30],
        ['REF', 30],
      ]);
      expect(await minutes(carol)).toBe(90);
    },
    TIMEOUT_MS,
  );

  it(
    'keeps a place’s rules, and books its closed days on the schedule, through the admin API and the command line alike',
    async () => {
      const { place, entrance, tap, push, minutes, hours, badge } = await door();
      const call = async (method: 'GET' | 'PUT' | 'POST', url: string, body?: unknown) => {
        const response = await world.hub.app.inject({ method, url, payload: body === undefined ? undefined : JSON.stringify(body), headers: { authorization: `Bearer ${world.hub.identity.operatorToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) } });
        return { status: response.statusCode, json: response.body === '' ? undefined : response.json() };
      };
      expect((await call('GET', `/api/v1/places/${place.id}/time-rules`)).status).toBe(404);
      expect((await call('PUT', `/api/v1/places/${place.id}/time-rules`, { asset: badge.id, mode: 'accrue' })).status).toBe(422);
      expect((await call('PUT', `/api/v1/places/${place.id}/time-rules`, { asset: hours.id, mode: 'accrue', closingTime: '25:00' })).status).toBe(400);
      expect((await call('POST', '/api/v1/time-spent', { place: place.id, day })).status).toBe(409);
      const set = await call('PUT', `/api/v1/places/${place.id}/time-rules`, { asset: hours.id, mode: 'accrue', roundingMinutes: 30, closingTime: '20:00' });
      expect(set).toMatchObject({ status: 200, json: { mode: 'accrue', roundingMinutes: 30, dailyCapMinutes: null, closingTime: '20:00' } });
      const alice = world.cards[0]!;
      await push(entrance, [tap(entrance, alice, '08:00'), tap(entrance, alice, '08:40'), tap(entrance, alice, '19:30')]);
      // 40 min → 60 in started half hours; 19:30 without an exit, closed at 20:00 → 30.
      const due = await bookDueTime(world.hub.context);
      expect(due.filter((row) => row.booked > 0)).toEqual([{ place: place.id, day, booked: 1 }]);
      expect(due.length).toBeGreaterThanOrEqual(TIME_DAYS_BOOKED);
      expect(await minutes(alice)).toBe(90);
      expect((await call('POST', '/api/v1/time-spent', { place: place.id, day })).json.days[0]).toMatchObject({ minutes: 90, booked: 90, outcome: null });
      if (dialect === 'sqlite') {
        const cli = cliHome(world.dir);
        try {
          const booked = await cli.json('time', '--book', place.id, '--day', day, '--json');
          expect(booked.days[0]).toMatchObject({ minutes: 90, booked: 90 });
          expect((await cli.json('time', '--rules', place.id, '--asset', hours.id, '--mode', 'accrue', '--cap', '60', '--json'))).toMatchObject({ dailyCapMinutes: 60, roundingMinutes: 15 });
        } finally {
          cli.close();
        }
      }
      expect(await minutes(alice)).toBe(90);
    },
    TIMEOUT_MS,
  );

  it(
    'debits a time credit, never into debt: what the credit does not cover is written down, not taken',
    async () => {
      const { place, entrance, tap, push, minutes, hours } = await door();
      const dave = world.cards[1]!;
      await world.fund(dave, hours.id, 60);
      await push(entrance, [tap(entrance, dave, '09:00'), tap(entrance, dave, '10:30')]);
      const [booked] = await bookTimeSpent(world.hub.context, { place: place.id, asset: hours.id, mode: 'debit', day, rules: RULES });
      expect(booked?.minutes).toBe(90);
      const transfers = await repo.getTransfersByRequest(world.hub.context.storage.read, [booked!.outcome!.request]);
      expect(transfers.map((t) => [t.action, t.amount, JSON.parse(t.meta!).uncovered])).toEqual([['SAL', 60, 30]]);
      expect(await minutes(dave)).toBe(0);
    },
    TIMEOUT_MS,
  );
});
