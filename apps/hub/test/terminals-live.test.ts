/**
 * `fedow terminals --list` is another process than the hub: it must still show what the API shows.
 * The polls run the CLI's entry function in this process, with its own storage and context (the
 * hub's in-memory presence is not theirs); the human listing runs in a real child process.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS, freshDatabase } from '../../../test/support/dialects';
import * as repo from '../src/storage/repo';
import { PRESENCE_STALE_MS } from '../src/sync/presence-recorder';
import { cliInProcess, cliProcess } from './support/cli-process';
import { CASHIER, seedHub, type Seeded, listenForTills } from '../../../support/seed';
import { SpecTill } from '../../../support/spec-till';

interface Listed {
  id: string;
  online: boolean;
  lag: number | null;
}

describe.each(DIALECTS)('terminals --list on %s', (dialect) => {
  const databaseUrl = freshDatabase(dialect);
  let world: Seeded;
  let url: string;
  let env: NodeJS.ProcessEnv;
  const { json } = cliInProcess(() => ({ cwd: world.dir, env }));
  const real = cliProcess(() => ({ cwd: world.dir, env }));

  beforeEach(async () => {
    const database = await databaseUrl();
    world = await seedHub({ databaseUrl: database });
    url = await listenForTills(world);
    const { DATABASE_URL: _ignored, ...rest } = process.env;
    env = { ...rest, FEDOW_DATA_DIR: world.dir, ...(database ? { DATABASE_URL: database } : {}) };
  });

  afterEach(async () => {
    await world.close();
  });

  async function cliList(): Promise<Listed[]> {
    return (await json('terminals', '--list')).terminals;
  }

  async function apiList(): Promise<Listed[]> {
    const response = await world.hub.app.inject({ method: 'GET', url: '/api/v1/terminals', headers: { authorization: `Bearer ${world.hub.identity.operatorToken}` } });
    expect(response.statusCode).toBe(200);
    return response.json().terminals;
  }

  /** The CLI's answer once `accept` holds (the hub writes its presence down every few seconds). */
  async function cliUntil(accept: (listed: Listed[]) => boolean): Promise<Listed[]> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const listed = await cliList();
      if (accept(listed) || Date.now() > deadline) return listed;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  const brief = (listed: Listed[]) => listed.map(({ id, online, lag }) => ({ id, online, lag })).sort((a, b) => a.id.localeCompare(b.id));

  it('shows a connected till online with the lag the API shows, and offline once it leaves', async () => {
    const idle = await world.till();
    const till = new SpecTill(await world.till(), url);
    await till.connect();
    const first = till.entry('REF', { card: world.cards[0]!, primary: CASHIER, asset: world.local, amount: 100 });
    till.entry('SAL', { card: world.cards[0]!, primary: CASHIER, asset: world.local, amount: 10 });
    const third = till.entry('SAL', { card: world.cards[0]!, primary: CASHIER, asset: world.local, amount: 10 });
    await till.push([first]);
    // A gap: the hub acks up to 1 while the till holds 3, so it lags by 2.
    till.send({ type: 'push', entries: [third] });
    await till.next((message) => message.type === 'ack');

    const api = brief(await apiList());
    expect(api.find((t) => t.id === till.till.id)).toEqual({ id: till.till.id, online: true, lag: 2 });
    expect(api.find((t) => t.id === idle.id)).toEqual({ id: idle.id, online: false, lag: null });
    expect(brief(await cliUntil((listed) => listed.some((t) => t.id === till.till.id && t.lag === 2)))).toEqual(api);

    const human = await real.fedow('terminals', '--list');
    expect(human.code, human.stderr).toBe(0);
    const row = human.stdout.split('\n').find((line) => line.startsWith(till.till.id))!;
    expect(row.split(/\s{2,}/).slice(3, 6)).toEqual(['yes', '1', '2']);

    till.close();
    await till.closed();
    const after = await cliUntil((listed) => listed.every((t) => !t.online));
    expect(brief(after)).toEqual(brief(await apiList()));
    expect(after.every((t) => !t.online && t.lag === null)).toBe(true);
  }, 120_000);

  it('does not trust a record a stopped hub left behind', async () => {
    const till = await world.till();
    const old = new Date(Date.now() - PRESENCE_STALE_MS - 5_000).toISOString();
    // A hub killed before it could clear its rows.
    await world.hub.context.storage.transaction((tx) =>
      repo.recordPresence(tx, 'a-killed-hub', [{ terminalId: till.id, recordedAt: old, connectedAt: old, lastMessageAt: old, lagEntries: 7 }]),
    );
    const listed = (await cliList()).find((t) => t.id === till.id)!;
    expect({ online: listed.online, lag: listed.lag }).toEqual({ online: false, lag: null });
  }, 60_000);

  it('clears what it recorded when it stops', async () => {
    const till = new SpecTill(await world.till(), url);
    await till.connect();
    await cliUntil((listed) => listed.some((t) => t.online));
    expect((await repo.listPresence(world.hub.context.storage.read)).map((row) => row.terminalId)).toEqual([till.till.id]);
    await world.hub.close();
    expect((await cliList()).some((t) => t.online)).toBe(false);
  }, 120_000);
});
