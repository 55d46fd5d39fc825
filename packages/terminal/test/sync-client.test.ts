import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { PUSH_ENTRIES_MAX, PUSH_WINDOW_MAX, type AssetInfo, type CardState } from '@fedow/protocol';
import { join } from 'node:path';
import { nodeCrypto } from '@fedow/ledger/crypto-node';
import { openTillStore, type Journal } from '../src';
import { backoffDelay, systemTimers, type SyncClient, type Timers } from '../src/sync/sync-client';
import { cleanup, temporaryDirectory, uuid } from './helpers';
import { FakeHub, waitFor } from './support/fake-hub';
import { appendSales, client, FAST, pairedTill, reopen } from './support/till';

const hubs: FakeHub[] = [];
const clients: SyncClient[] = [];
const opened: Journal[] = [];

afterEach(async () => {
  for (const sync of clients.splice(0)) await sync.stop();
  for (const hub of hubs.splice(0)) await hub.close();
  for (const journal of opened.splice(0)) if (journal.open) journal.close();
  cleanup();
});

async function startHub(...args: Parameters<typeof FakeHub.start>): Promise<FakeHub> {
  const hub = await FakeHub.start(...args);
  hubs.push(hub);
  return hub;
}

function track(sync: SyncClient): SyncClient {
  clients.push(sync);
  return sync;
}

const LOCAL: AssetInfo = { id: uuid(0x10), name: 'Pinte', currencyCode: 'EUR', category: 'TLF', decimals: 2, archived: false };
function card(n: number, balance: number): CardState {
  return { card: `04D0${n.toString(16).toUpperCase().padStart(4, '0')}`, wallet: uuid(0xc000 + n), balances: { [LOCAL.id]: balance }, blocked: false };
}

describe('sync client: handshake, push, ack', () => {
  it('signs the hello, pushes pending entries in order and marks them acknowledged', async () => {
    const hub = await startHub();
    const till = pairedTill(hub, opened);
    appendSales(till.journal, 3);
    const sync = track(client(till));
    sync.start();
    // Bounds for a loaded machine (filling the window took over 10 s on 2 cores at a load of 40): conditions, not windows.
    await waitFor(() => sync.state().status === 'online' && sync.state().pendingCount === 0, 60_000, 'drained');
    expect(till.hubTill.chain.map((entry) => entry.body.seq)).toEqual([1, 2, 3]);
    expect(till.hubTill.acks.map((result) => result.status)).toEqual(['applied', 'applied', 'applied']);
    expect(sync.state()).toMatchObject({ status: 'online', pendingCount: 0, lagEntries: 0, offlineSince: null });
    expect(sync.state().lastWelcomeAt).not.toBeNull();

    // Entries committed while online go out promptly on kick(), in pushes of ≤ 500.
    appendSales(till.journal, 1_100);
    sync.kick();
    await waitFor(() => till.hubTill.chain.length === 1_103 && sync.state().pendingCount === 0, 60_000, 'second drain');
    expect(Math.max(...till.hubTill.pushSizes)).toBeLessThanOrEqual(PUSH_ENTRIES_MAX);
    expect(till.hubTill.chain.map((entry) => entry.body.seq)).toEqual(Array.from({ length: 1_103 }, (_, index) => index + 1));
    expect([...till.hubTill.applied.values()].every((count) => count === 1)).toBe(true);
  }, 180_000);

  it(`keeps at most ${PUSH_WINDOW_MAX} pushes awaiting ack, and a welcome acknowledges what the hub stored`, async () => {
    const hub = await startHub();
    const till = pairedTill(hub, opened);
    appendSales(till.journal, PUSH_ENTRIES_MAX * (PUSH_WINDOW_MAX + 1));
    hub.knobs.holdAcks = true;
    // Silence is not this test's subject: at a load of 40, 3 s without a pong dropped the connection
    // and the next welcome acknowledged the held pushes before the window was checked.
    const sync = track(client(till, { tuning: { ...FAST, silenceMsMax: 60_000 } }));
    sync.start();
    await waitFor(() => till.hubTill.pushSizes.length === PUSH_WINDOW_MAX, 60_000, 'window full');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(till.hubTill.pushSizes).toEqual(Array(PUSH_WINDOW_MAX).fill(PUSH_ENTRIES_MAX));
    expect(till.journal.pendingCount()).toBe(PUSH_ENTRIES_MAX * (PUSH_WINDOW_MAX + 1));

    // The acks were lost; after a reconnection the welcome says what the hub holds.
    hub.knobs.holdAcks = false;
    hub.dropConnections();
    await waitFor(() => till.journal.pendingCount() === 0, 60_000, 'drained after reconnect');
    expect(till.hubTill.chain).toHaveLength(PUSH_ENTRIES_MAX * (PUSH_WINDOW_MAX + 1));
    expect([...till.hubTill.applied.values()].every((count) => count === 1)).toBe(true);
  }, 180_000);

  it('refuses a hub that signs its challenge with another key, and alerts', async () => {
    const hub = await startHub();
    const till = pairedTill(hub, opened);
    appendSales(till.journal, 1);
    hub.knobs.impostor = true;
    const sync = track(client(till));
    const alerts: string[] = [];
    sync.on('alert', (alert) => alerts.push(alert.code));
    sync.start();
    await waitFor(() => alerts.includes('wrong_hub'), 5_000, 'wrong_hub alert');
    await waitFor(() => sync.state().status === 'offline', 5_000, 'offline');
    expect(sync.state().reason).toBe('wrong_hub');
    expect(till.hubTill.connections).toBe(0);
    expect(till.hubTill.pushSizes).toEqual([]);
  });
});

describe('sync client: resends', () => {
  it('gets duplicates, not double applies, when a stale welcome makes it resend', async () => {
    const hub = await startHub();
    const till = pairedTill(hub, opened);
    appendSales(till.journal, 5);
    const sync = track(client(till));
    sync.start();
    await waitFor(() => till.journal.pendingCount() === 0 && till.hubTill.acks.length === 5, 5_000, 'first drain');

    hub.knobs.staleWelcomeBy = 2;
    hub.dropConnections();
    await waitFor(() => till.hubTill.connections === 2 && till.hubTill.acks.length === 7, 5_000, 'resent');
    expect(till.hubTill.acks.slice(5)).toEqual([
      expect.objectContaining({ seq: 4, status: 'duplicate' }),
      expect.objectContaining({ seq: 5, status: 'duplicate' }),
    ]);
    expect(till.hubTill.chain).toHaveLength(5);
    expect([...till.hubTill.applied.values()]).toEqual([1, 1, 1, 1, 1]);
    expect(sync.state()).toMatchObject({ status: 'online', pendingCount: 0 });
  });

  it('resends from `expected` after a gap', async () => {
    const hub = await startHub();
    const till = pairedTill(hub, opened);
    const sync = track(client(till));
    sync.start();
    await waitFor(() => sync.isOnline(), 5_000, 'online');

    hub.knobs.dropPushes = 1; // entry 1 is lost on the way
    appendSales(till.journal, 1);
    sync.kick();
    await waitFor(() => till.hubTill.pushSizes.length === 1, 5_000, 'first push');
    appendSales(till.journal, 1);
    sync.kick();
    await waitFor(() => till.journal.pendingCount() === 0, 5_000, 'drained');
    // push [2] → gap expected 1 → push [1, 2].
    expect(till.hubTill.pushSizes).toEqual([1, 1, 2]);
    expect(till.hubTill.chain.map((entry) => entry.body.seq)).toEqual([1, 2]);
    expect(till.hubTill.acks.map((result) => `${result.seq}:${result.status}`)).toEqual(['1:applied', '2:applied']);
  });

  it('after a kill between the journal commit and the ack, resends and the hub applies each entry once', async () => {
    const hub = await startHub();
    const till = pairedTill(hub, opened);
    const first = track(client(till));
    first.start();
    await waitFor(() => first.isOnline(), 5_000, 'online');

    // Case 1: the hub committed but its ack never arrived. Case 2: the push never arrived.
    hub.knobs.holdAcks = true;
    appendSales(till.journal, 3);
    first.kick();
    await waitFor(() => till.hubTill.chain.length === 3, 5_000, 'hub stored 1..3');
    hub.knobs.holdAcks = false;
    hub.knobs.dropPushes = 1;
    appendSales(till.journal, 2);
    first.kick();
    await waitFor(() => till.hubTill.pushSizes.length === 2, 5_000, 'second push lost');
    expect(till.journal.pendingCount()).toBe(5);

    // The kill: no cleanup, no last words; the connection simply dies with the process.
    hub.dropConnections();
    await first.stop();
    till.journal.close();

    const restarted = reopen(till, opened);
    expect(restarted.journal.pendingCount()).toBe(5);
    const second = track(client(restarted));
    second.start();
    await waitFor(() => restarted.journal.pendingCount() === 0, 5_000, 'drained after restart');
    expect(till.hubTill.chain.map((entry) => entry.body.seq)).toEqual([1, 2, 3, 4, 5]);
    expect([...till.hubTill.applied.values()]).toEqual([1, 1, 1, 1, 1]);
    // 1..3 were confirmed by the welcome (not resent); 4..5 were resent once.
    expect(till.hubTill.acks.map((result) => `${result.seq}:${result.status}`)).toEqual(['4:applied', '5:applied']);
  });
});

describe('sync client: stops', () => {
  it('stops on a fork error and does not reconnect', async () => {
    const hub = await startHub();
    const till = pairedTill(hub, opened);
    const sync = track(client(till));
    const alerts: string[] = [];
    sync.on('alert', (alert) => alerts.push(alert.code));
    sync.start();
    await waitFor(() => sync.isOnline(), 5_000, 'online');
    hub.knobs.forkOnNextPush = true;
    appendSales(till.journal, 1);
    sync.kick();
    await waitFor(() => sync.state().status === 'stopped', 5_000, 'stopped');
    expect(sync.state().reason).toBe('fork');
    expect(alerts).toContain('fork');
    // Several backoff periods (20 → 200 ms) later: still one connection, entry still pending.
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(till.hubTill.connections).toBe(1);
    expect(hub.openConnections()).toBe(0);
    expect(till.journal.pendingCount()).toBe(1);
  });

  it('stops when the welcome disagrees with the journal (a cloned till)', async () => {
    const hub = await startHub();
    const till = pairedTill(hub, opened);
    // A restored backup or a copied disk: same key, same identity, its own seq 1.
    const twinStore = openTillStore(join(temporaryDirectory(), 'twin.db'), { crypto: nodeCrypto, secretKey: till.secretKey });
    opened.push(twinStore.journal);
    expect(twinStore.journal.setIdentity(till.identity)).toEqual({ ok: true });
    const twin = { ...till, path: '', store: twinStore, journal: twinStore.journal, cache: twinStore.cache };
    appendSales(twin.journal, 1, 999);
    const twinSync = track(client(twin));
    twinSync.start();
    await waitFor(() => till.hubTill.chain.length === 1, 5_000, 'twin pushed');
    await twinSync.stop();

    appendSales(till.journal, 1, 100);
    const sync = track(client(till));
    sync.start();
    await waitFor(() => sync.state().status === 'stopped', 5_000, 'stopped');
    expect(sync.state().reason).toBe('fork');
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(till.hubTill.connections).toBe(2);
  });
});

describe('sync client: timing', () => {
  it('backs off 0.5 s doubling to 30 s with ±20 % jitter from the injected random source', async () => {
    const port = await closedPort();
    const hub = await startHub();
    const till = pairedTill(hub, opened);
    const draws = [0, 0.999, 0.5, 0.25, 0.75, 0.1, 0.9, 0.5, 0];
    let draw = 0;
    const delays: number[] = [];
    // Records each delay the client asks for and runs it 1,000× faster.
    const timers: Timers = {
      setTimeout(callback, ms) {
        delays.push(ms);
        return systemTimers.setTimeout(callback, ms / 1_000);
      },
      clearTimeout: systemTimers.clearTimeout,
    };
    const sync = track(
      client(till, { url: `ws://127.0.0.1:${port}/sync`, timers, random: () => draws[draw++ % draws.length]!, tuning: {} }),
    );
    sync.start();
    await waitFor(() => delays.length >= 9, 10_000, 'nine attempts');
    await sync.stop();
    const bases = [500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000];
    expect(delays.slice(0, 9)).toEqual(bases.map((base, index) => backoffDelay(index, draws[index]!)));
    for (const [index, base] of bases.entries()) {
      expect(delays[index]).toBeGreaterThanOrEqual(base * 0.8);
      expect(delays[index]).toBeLessThanOrEqual(base * 1.2);
    }
    expect(delays[0]).toBe(400);
    expect(delays[2]).toBe(2_000);
    expect(sync.state().status).toBe('stopped');
  });

  it('closes after the silence limit, goes offline and reconnects', async () => {
    const hub = await startHub();
    const till = pairedTill(hub, opened);
    const sync = track(client(till, { tuning: { heartbeatMs: 40, silenceMsMax: 150, reconnectMsMin: 20, reconnectMsMax: 100 } }));
    const statuses: string[] = [];
    sync.on('state', (state) => {
      if (statuses[statuses.length - 1] !== state.status) statuses.push(`${state.status}${state.reason ? `:${state.reason}` : ''}`);
    });
    sync.start();
    await waitFor(() => sync.isOnline(), 5_000, 'online');
    // Pings are answered: three silence periods pass without a disconnection.
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect(till.hubTill.connections).toBe(1);
    expect(sync.isOnline()).toBe(true);

    hub.muteConnections();
    await waitFor(() => till.hubTill.connections === 2 && sync.isOnline(), 5_000, 'reconnected');
    expect(statuses).toContain('offline:silence');
    expect(statuses[statuses.length - 1]).toBe('online');
  });
});

describe('sync client: card updates', () => {
  it('stores a snapshot in parts, then deltas, and sends `updated` only after the cache holds them', async () => {
    const cards = [1, 2, 3, 4, 5].map((n) => card(n, n * 1_000));
    const hub = await startHub({ cards, assets: [LOCAL], primaries: ['CAFE0001'], partSize: 2 });
    const till = pairedTill(hub, opened);
    const seen: Array<{ cursor: string; cards: number; stored: string | undefined; balance: number }> = [];
    hub.onUpdated = (_till, cursor) => {
      // Another connection to the till's file, at the moment `updated` arrives.
      const db = new Database(till.path, { readonly: true });
      const stored = db.prepare<[], { value: string }>("SELECT value FROM settings WHERE key = 'cursor'").get()?.value;
      const count = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM cards').get()!.n;
      const row = db.prepare<[], { state: string }>("SELECT state FROM cards WHERE uid = '04D00002'").get();
      db.close();
      const balance = row ? (JSON.parse(row.state) as CardState).balances[LOCAL.id] ?? -1 : -1;
      seen.push({ cursor, cards: count, stored, balance });
    };
    const sync = track(client(till));
    sync.start();
    await waitFor(() => seen.length === 1, 5_000, 'snapshot updated');
    expect(seen[0]).toEqual({ cursor: 'v1', cards: 5, stored: 'v1', balance: 2_000 });
    expect(till.cache.primaries()).toEqual(new Set(['CAFE0001']));

    hub.setCards([card(2, 1_500)]);
    await waitFor(() => seen.length === 2, 5_000, 'delta updated');
    expect(seen[1]).toEqual({ cursor: 'v2', cards: 5, stored: 'v2', balance: 1_500 });

    // Reconnecting with the cursor: the hub sends what changed since (nothing), not a snapshot.
    await sync.stop();
    hub.setCards([card(3, 42)]);
    sync.start();
    await waitFor(() => seen.length === 3, 5_000, 'delta since cursor');
    expect(seen[2]).toMatchObject({ cursor: 'v3', cards: 5, stored: 'v3' });
    expect(till.hubTill.updatedCursors).toEqual(['v1', 'v2', 'v3']);
  });

  it('treats entries up to `appliedThrough` as acknowledged when their ack was lost', async () => {
    const hub = await startHub({ cards: [card(1, 1_000)], assets: [LOCAL] });
    const till = pairedTill(hub, opened);
    const sync = track(client(till));
    sync.start();
    await waitFor(() => till.hubTill.updatedCursors.length === 1, 5_000, 'snapshot');
    hub.knobs.holdAcks = true;
    appendSales(till.journal, 2);
    sync.kick();
    await waitFor(() => till.hubTill.chain.length === 2, 5_000, 'stored');
    expect(till.journal.pendingCount()).toBe(2);
    hub.knobs.appliedThrough = true;
    hub.setCards([card(1, 800)]);
    await waitFor(() => till.hubTill.updatedCursors.length === 2, 5_000, 'delta');
    expect(till.journal.pendingCount()).toBe(0);
  });
});

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
