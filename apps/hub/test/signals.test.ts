import { afterEach, describe, expect, it } from 'vitest';
import type { HubMessage } from '@fedow/protocol';
import { buildHub, type Hub } from '../src/app';
import { configFromEnv } from '../src/config';
import { topUp } from '../src/money/topup';
import { freshDatabase } from '../../../test/support/dialects';
import { cliProcess } from './support/cli-process';
import { CASHIER, seedHub, type Seeded } from '../../../support/seed';
import { SpecTill } from '../../../support/spec-till';

/**
 * Changes made by another process reach the tills (issue 15, part 3): the CLI
 * beside a SQLite hub, and a second hub process on the same PostgreSQL.
 */

function syncUrl(hub: Hub): string {
  const address = hub.app.server.address();
  return `ws://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/sync`;
}

let world: Seeded | undefined;
let second: Hub | undefined;
afterEach(async () => {
  await second?.close();
  second = undefined;
  await world?.close();
  world = undefined;
});

describe('the CLI beside a running SQLite hub', () => {
  const { fedow } = cliProcess(() => ({ cwd: world!.dir, env: { ...process.env, FEDOW_DATA_DIR: world!.dir, DATABASE_URL: '' } }));

  it('a product created and a till revoked with the CLI reach the connected till within a second', async () => {
    world = await seedHub();
    await world.hub.app.listen({ host: '127.0.0.1', port: 0 });
    const till = new SpecTill(await world.till('A'), syncUrl(world.hub));
    expect(await till.connect()).toMatchObject({ type: 'welcome' });
    await till.next((message) => message.type === 'update');

    // The hub hears the CLI through its signals (polled every 100 ms), not at the till's next connection.
    const heard = new Promise((resolve) => world!.hub.context.events.once('directory', resolve));
    const created = await fedow('products', '--create', '--place', world.placeA.id, '--label', 'Limonade', '--price', '350', '--asset', world.local);
    expect(created.code, created.stderr).toBe(0);
    expect(await heard).toEqual({ place: world.placeA.id });
    const update = (await till.next((message) => message.type === 'update' && (message.catalogue ?? []).some((item) => item.label === 'Limonade'), 5_000)) as Extract<HubMessage, { type: 'update' }>;
    expect(update.catalogue?.map((item) => item.label)).toContain('Limonade');

    const revoked = await fedow('terminals', '--revoke', till.till.id);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(await till.closed(5_000)).toBe(4403);
  }, 60_000);
});

describe('two hub processes on one PostgreSQL', () => {
  const database = freshDatabase('postgres');

  async function twoHubs(): Promise<{ first: Hub; second: Hub }> {
    const url = (await database())!;
    world = await seedHub({ databaseUrl: url });
    second = await buildHub(configFromEnv({}, { databaseUrl: url, keyPath: `${world.dir}/hub.key`, log: false }));
    for (const hub of [world.hub, second]) await hub.app.listen({ host: '127.0.0.1', port: 0 });
    return { first: world.hub, second };
  }

  it('a till that connects through the other hub has its old connection closed at once', async () => {
    const { first, second } = await twoHubs();
    const seeded = await world!.till('A');
    const old = new SpecTill(seeded, syncUrl(first));
    await old.connect();
    const fresh = new SpecTill(seeded, syncUrl(second));
    expect(await fresh.connect()).toMatchObject({ type: 'welcome' });
    expect(await old.closed(5_000)).toBe(4000);
    fresh.close();
  }, 60_000);

  it('a connection replaced through the other hub leaves the first hub: no longer its session, its presence or its connected count', async () => {
    const { first, second } = await twoHubs();
    const seeded = await world!.till('A');
    const old = new SpecTill(seeded, syncUrl(first));
    await old.connect();
    expect(first.context.presence.get(seeded.id)).toBeDefined();
    const fresh = new SpecTill(seeded, syncUrl(second));
    expect(await fresh.connect()).toMatchObject({ type: 'welcome' });
    expect(await old.closed(5_000)).toBe(4000);
    expect(first.context.presence.get(seeded.id)).toBeUndefined();
    const metrics = await first.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/^fedow_connected_tills 0$/m);
    expect(second.context.presence.get(seeded.id)).toBeDefined();
    fresh.close();
  }, 60_000);

  it('a card topped up through one hub reaches a till on the other within 200 ms, and a revocation through it closes the till', async () => {
    const { first, second } = await twoHubs();
    const till = new SpecTill(await world!.till('A'), syncUrl(first));
    await till.connect();
    await till.next((message) => message.type === 'update');
    const card = world!.cards[3]!;
    // The first hub hears of it by NOTIFY, not by its feed's 1 s poll: the relay re-emits the change on its events.
    const heard = new Promise((resolve) => world!.hub.context.events.once('cards-changed', resolve));
    await topUp(second.context, { source: { kind: 'operator', name: 'test' }, idempotencyKey: 'signals-1', card, asset: world!.local, amount: 1_500, method: 'cash' });
    const update = (await till.next((message) => message.type === 'update' && message.cards.some((state) => state.card === card), 5_000)) as Extract<HubMessage, { type: 'update' }>;
    await heard;
    expect(update.cards.find((state) => state.card === card)?.balances[world!.local]).toBe(1_500);

    const revoked = await second.app.inject({ method: 'POST', url: `/api/v1/terminals/${till.till.id}/revoke`, headers: { authorization: `Bearer ${world!.hub.identity.operatorToken}` } });
    expect(revoked.statusCode).toBe(200);
    expect(await till.closed(5_000)).toBe(4403);
  }, 60_000);

  it("the dashboard's live view is the same from both hubs: a till on the first is online on the second's, its pushes refresh it", async () => {
    const { first, second } = await twoHubs();
    const dashboard = await DashboardClient.open(second, world!.hub.identity.operatorToken!);
    try {
      const till = new SpecTill(await world!.till('A'), syncUrl(first));
      await till.connect();
      // The first hub wrote its presence and told the others: the second's page refreshes its tills.
      await dashboard.changed('tills');
      expect(await dashboard.tillState(till.till.id)).toBe('online');

      dashboard.clear();
      const ack = await till.push([till.entry('REF', { card: world!.cards[0]!, primary: CASHIER, asset: world!.local, amount: 500 })]);
      expect(ack.results[0]?.status).toBe('applied');
      await dashboard.changed('money');

      dashboard.clear();
      till.close();
      await dashboard.changed('tills');
      expect(await dashboard.tillState(till.till.id)).toBe('offline');
    } finally {
      dashboard.close();
    }
  }, 60_000);
});

/** An operator's dashboard on one hub, over HTTP: its session and its server-sent events. */
class DashboardClient {
  private topics: string[] = [];
  private readonly abort = new AbortController();

  private constructor(
    private readonly base: string,
    private readonly cookie: string,
  ) {}

  static async open(hub: Hub, token: string): Promise<DashboardClient> {
    const address = hub.app.server.address();
    const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const login = await fetch(`${base}/dashboard/login`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token }) });
    expect(login.status).toBe(303);
    const client = new DashboardClient(base, login.headers.getSetCookie().map((cookie) => cookie.split(';')[0]).join('; '));
    await client.listen();
    return client;
  }

  private async listen(): Promise<void> {
    const response = await fetch(`${this.base}/dashboard/api/events`, { headers: { cookie: this.cookie }, signal: this.abort.signal });
    expect(response.status).toBe(200);
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    void (async () => {
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done) return;
        buffer += value;
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = /^event: changed\ndata: (.*)$/m.exec(event);
          if (data) this.topics.push(...(JSON.parse(data[1]!) as { topics: string[] }).topics);
        }
      }
    })();
  }

  clear(): void {
    this.topics = [];
  }

  async changed(topic: string, timeoutMs = 5_000): Promise<void> {
    await expect.poll(() => this.topics, { timeout: timeoutMs, interval: 20 }).toContain(topic);
  }

  async tillState(terminal: string): Promise<string | undefined> {
    const response = await fetch(`${this.base}/dashboard/api/overview`, { headers: { cookie: this.cookie } });
    const overview = (await response.json()) as { tills: { id: string; state: string }[] };
    return overview.tills.find((till) => till.id === terminal)?.state;
  }

  close(): void {
    this.abort.abort();
  }
}
