import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PUSH_ENTRIES_MAX, VERIFY_JOB_ENTRIES_MAX, type WireEntry } from '@fedow/protocol';
import { DIALECTS, freshDatabase } from '../../../test/support/dialects';
import { CASHIER, seedHub, type Seeded } from '../../../support/seed';
import { SpecTill } from '../../../support/spec-till';
import { PushChecks } from '../src/ingest/checks';
import { Ingest } from '../src/ingest/ingest';
import { FairTurns } from '../src/ingest/turns';
import * as repo from '../src/storage/repo';
import { verifyChain } from '../src/verify/verify-chain';

/** The till whose next persist fails after writing its rows (set by a test). */
const failing = vi.hoisted(() => ({ terminal: null as string | null }));
/** Whether a persist is writing its rows right now. */
const persisting = vi.hoisted(() => ({ now: false }));

vi.mock('../src/ingest/persist', async (original) => {
  const actual = await original<typeof import('../src/ingest/persist')>();
  return {
    ...actual,
    persistPlan: async (...args: Parameters<typeof actual.persistPlan>) => {
      persisting.now = true;
      const cards = await actual.persistPlan(...args).finally(() => (persisting.now = false));
      if (args[2] === failing.terminal) throw new Error('persist failed after its writes');
      return cards;
    },
  };
});

/** Turns of up to three keys a round, each round numbered and logged as it begins, commits or rolls back. */
function loggedTurns(log: string[]): FairTurns<number> {
  let rounds = 0;
  return new FairTurns<number>({
    keysPerRound: 3,
    round: async (work) => {
      const round = ++rounds;
      log.push(`begin ${round}`);
      try {
        await work(round);
      } catch (error) {
        log.push(`roll back ${round}`);
        throw error;
      }
      log.push(`commit ${round}`);
    },
  });
}

describe('turns in rounds', () => {
  it('run up to keysPerRound keys in one round, one turn each, and settle them after the round', async () => {
    const log: string[] = [];
    const turns = loggedTurns(log);
    const turn = (key: string) => turns.run(key, async (others, round, sharedBy) => void log.push(`${key} in ${round} of ${sharedBy}, others ${others}`)).then(() => log.push(`${key} settled`));
    await Promise.all([turn('a'), turn('a'), turn('b'), turn('c'), turn('d')]);
    expect(log).toEqual([
      'begin 1',
      'a in 1 of 3, others true',
      'b in 1 of 3, others true',
      'c in 1 of 3, others true',
      'commit 1',
      'a settled',
      'b settled',
      'c settled',
      // 'a' went to the back after its first turn: 'd' waited longer.
      'begin 2',
      'd in 2 of 2, others true',
      'a in 2 of 2, others true',
      'commit 2',
      'd settled',
      'a settled',
    ]);
  });

  it('fail every turn of a round one of its tasks throws in, and go on with the next round', async () => {
    const turns = new FairTurns<void>({ keysPerRound: 2 });
    const failed = turns.run('a', async () => {
      throw new Error('broken');
    });
    const neighbour = turns.run('b', async () => 'b');
    const later = turns.run('c', async () => 'c');
    await expect(failed).rejects.toThrow('broken');
    await expect(neighbour).rejects.toThrow('broken');
    await expect(later).resolves.toBe('c');
  });

  it('run a failed round of several turns once more, each told to isolate itself, with the same turns in the same order', async () => {
    const log: string[] = [];
    const turns = loggedTurns(log);
    const turn = (key: string, fails: boolean) =>
      turns.run(key, async (_others, round, _sharedBy, isolate) => {
        log.push(`${key} in ${round}${isolate ? ', isolated' : ''}`);
        if (!fails) return `${key} done`;
        // Isolated, a failing turn keeps its failure (the ingest's savepoint) and returns it.
        if (isolate) return `${key} failed alone`;
        throw new Error(`${key} broke`);
      });
    const outcomes = await Promise.all([turn('a', false), turn('b', true), turn('c', false)]);
    expect(outcomes).toEqual(['a done', 'b failed alone', 'c done']);
    expect(log).toEqual(['begin 1', 'a in 1', 'b in 1', 'roll back 1', 'begin 2', 'a in 2, isolated', 'b in 2, isolated', 'c in 2, isolated', 'commit 2']);
    // A turn alone in its round is not run again: its failure is its own already.
    const alone = new FairTurns<void>();
    let calls = 0;
    await expect(alone.run('a', async () => (calls++, Promise.reject(new Error('broke'))))).rejects.toThrow('broke');
    expect(calls).toBe(1);
  });
});

describe('the checks of a push', () => {
  it('count the entries checked from the start, whichever job finishes first', async () => {
    const checks = new PushChecks(5);
    const firstThree = checks.until(3);
    checks.add(2, ['ok', 'bad_signature']);
    expect(checks.ready).toBe(0);
    checks.add(0, ['ok', 'bad_hash']);
    expect(checks.ready).toBe(4);
    await firstThree;
    expect(checks.slice(1, 4)).toEqual(['bad_hash', 'ok', 'bad_signature']);
    expect(() => checks.slice(0, 5)).toThrow();
  });

  it('reject the waiters of entries a failed job never checked', async () => {
    const checks = new PushChecks(4);
    checks.add(0, ['ok', 'ok']);
    await expect(checks.until(2)).resolves.toBeUndefined();
    const rest = checks.until(4);
    checks.fail(new Error('worker died'));
    await expect(rest).rejects.toThrow('worker died');
  });
});

describe.each(DIALECTS)('tills sharing a round on %s', (dialect) => {
  const databaseUrl = freshDatabase(dialect);
  let world: Seeded;

  beforeEach(async () => {
    world = await seedHub({ databaseUrl: await databaseUrl() });
  });

  afterEach(async () => {
    failing.terminal = null;
    const verdict = await verifyChain(world.hub.context);
    await world.close();
    expect(verdict.firstDiscrepancy).toBeNull();
  });

  /** Pushes whose checks are already done: both tills reach the ingest in the same turn of the event loop. */
  const checked = (entries: WireEntry[]) => {
    const checks = new PushChecks(entries.length);
    checks.add(0, entries.map(() => 'ok' as const));
    return { entries, checks };
  };

  /** The card's balance in the local asset, as stored. */
  const balanceOf = async (tag: string) => {
    const { read } = world.hub.context.storage;
    const card = (await repo.loadCardsByTag(read, [tag])).get(tag);
    if (!card?.ephemeralWalletId) return 0;
    return (await repo.loadWalletBalances(read, [card.ephemeralWalletId])).find((balance) => balance.assetId === world.local)?.value ?? 0;
  };

  /** Two tills and an ingest; a card the second till funded with 1,000, and a sale of 700 of it by either till. */
  const twoTillsOnOneCard = async () => {
    const tills = [new SpecTill(await world.till(), 'ws://unused'), new SpecTill(await world.till(), 'ws://unused')] as const;
    const ingest = new Ingest(world.hub.context, world.hub.app.cryptoPool);
    const card = world.cards[0]!;
    await ingest.pushBatch(tills[1].till.id, [checked([tills[1].entry('REF', { card, primary: CASHIER, asset: world.local, amount: 1_000 })])]);
    expect(await balanceOf(card)).toBe(1_000);
    const sale = (till: SpecTill) => checked([till.entry('SAL', { card, primary: CASHIER, asset: world.local, amount: 700 })]);
    return { tills, ingest, card, sale };
  };

  it('commits once what the good turns wrote, and a turn that fails rolls back only its own writes', async () => {
    const { context } = world.hub;
    const good = new SpecTill(await world.till(), 'ws://unused');
    const bad = new SpecTill(await world.till(), 'ws://unused');
    const topUps = (till: SpecTill, card: string) => [1, 2, 3].map((amount) => till.entry('REF', { card, primary: CASHIER, asset: world.local, amount }));
    const goodEntries = topUps(good, world.cards[0]!);
    const badEntries = topUps(bad, world.cards[1]!);
    const before = [await balanceOf(world.cards[0]!), await balanceOf(world.cards[1]!)];
    // The ingest's own transactions, counted apart from the hub's others (sealer, presence).
    let transactions = 0;
    const storage = new Proxy(context.storage, {
      get(target, property) {
        if (property === 'transaction') return (fn: Parameters<typeof target.transaction>[0]) => (transactions++, target.transaction(fn));
        const value: unknown = Reflect.get(target, property);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    failing.terminal = bad.till.id;
    const ingest = new Ingest({ ...context, storage }, world.hub.app.cryptoPool);
    const [goodOutcome, badOutcome] = await Promise.allSettled([ingest.pushBatch(good.till.id, [checked(goodEntries)]), ingest.pushBatch(bad.till.id, [checked(badEntries)])]);
    // The round ran without savepoints and failed: rolled back, then run again, each turn behind one.
    expect(transactions).toBe(2);

    expect(goodOutcome).toMatchObject({ status: 'fulfilled', value: { kind: 'acks', acks: [{ lastSeq: 3, results: [{ status: 'applied' }, { status: 'applied' }, { status: 'applied' }] }] } });
    expect(badOutcome).toMatchObject({ status: 'rejected', reason: new Error('persist failed after its writes') });
    const read = context.storage.read;
    expect(await repo.listEntries(read, good.till.id, 0, 10)).toHaveLength(3);
    expect(await repo.listEntries(read, bad.till.id, 0, 10)).toHaveLength(0);
    expect(await repo.getTerminal(read, bad.till.id)).toMatchObject({ lastSeq: 0 });
    expect([await balanceOf(world.cards[0]!), await balanceOf(world.cards[1]!)]).toEqual([before[0]! + 6, before[1]]);
  });

  it('lets a turn see what the turns before it in the round spent of a card: one card change for the round', async () => {
    const { context } = world.hub;
    const { tills: [first, second], ingest, card, sale } = await twoTillsOnOneCard();
    const cursorBefore = await repo.latestCardChange(context.storage.read);
    const cursors: number[] = [];
    context.events.on('cards-changed', ({ cursor }) => cursors.push(cursor));
    // Both in one round, in this order: the second turn reads the card after the first one's sale.
    const [firstOutcome, secondOutcome] = await Promise.all([ingest.pushBatch(first.till.id, [sale(first)]), ingest.pushBatch(second.till.id, [sale(second)])]);
    expect(firstOutcome).toMatchObject({ kind: 'acks', acks: [{ results: [{ status: 'applied' }] }] });
    expect(secondOutcome).toMatchObject({ kind: 'acks', acks: [{ results: [{ status: 'rejected', reason: 'insufficient_funds' }] }] });
    expect(await balanceOf(card)).toBe(300);
    // The round's cards are appended once, at its end, and its event names the round's cursor.
    const changes = await repo.listCardChangesAfter(context.storage.read, cursorBefore, 100);
    expect(changes.cardIds).toHaveLength(1);
    expect(changes.cursor).toBe(cursorBefore + 1);
    expect(cursors).toEqual([changes.cursor]);
  });

  it('reads the working set again for each turn of a round run after a failure, so no turn sees what a failed one undid', async () => {
    const { tills: [bad, good], ingest, card, sale } = await twoTillsOnOneCard();
    failing.terminal = bad.till.id;
    // The failing turn goes first and spends 700 before it throws; rolled back, it must leave the card's 1,000 to the next.
    const [badOutcome, goodOutcome] = await Promise.allSettled([ingest.pushBatch(bad.till.id, [sale(bad)]), ingest.pushBatch(good.till.id, [sale(good)])]);
    expect(badOutcome).toMatchObject({ status: 'rejected', reason: new Error('persist failed after its writes') });
    expect(goodOutcome).toMatchObject({ status: 'fulfilled', value: { kind: 'acks', acks: [{ results: [{ status: 'applied' }] }] } });
    expect(await balanceOf(card)).toBe(300);
  });
});

describe('a round on SQLite', () => {
  const databaseUrl = freshDatabase('sqlite');
  let world: Seeded;

  beforeEach(async () => {
    world = await seedHub({ databaseUrl: await databaseUrl() });
  });

  afterEach(async () => {
    vi.restoreAllMocks();
    await world.close();
  });

  it('hands the crypto workers their next checks while it writes a push, not only between pushes', async () => {
    // A round holds the event loop (better-sqlite3 is synchronous): no worker's
    // reply is read meanwhile, and a worker holds only two jobs, ~4 ms of checks,
    // while a push of 500 entries takes ~30 ms to write.
    const pool = world.hub.app.cryptoPool;
    const refill = pool.refill.bind(pool);
    let whileWriting = 0;
    vi.spyOn(pool, 'refill').mockImplementation(() => {
      if (persisting.now) whileWriting++;
      refill();
    });
    const till = new SpecTill(await world.till(), 'ws://unused');
    const entries = Array.from({ length: PUSH_ENTRIES_MAX }, (_, index) => till.entry('REF', { card: world.cards[index % world.cards.length]!, primary: CASHIER, asset: world.local, amount: 1 }));
    const checks = new PushChecks(entries.length);
    checks.add(0, entries.map(() => 'ok' as const));
    const outcome = await new Ingest(world.hub.context, pool).pushBatch(till.till.id, [{ entries, checks }]);
    expect(outcome).toMatchObject({ kind: 'acks', acks: [{ lastSeq: PUSH_ENTRIES_MAX }] });
    // At least once for every job's worth of entries written: the workers never wait for the whole push.
    expect(whileWriting).toBeGreaterThanOrEqual(PUSH_ENTRIES_MAX / VERIFY_JOB_ENTRIES_MAX);
  });
});
