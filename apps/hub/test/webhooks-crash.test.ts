/**
 * Outgoing webhooks across crashes: a `fedow serve` child process killed with
 * SIGKILL while transfers are committed and their messages are waiting, being
 * dispatched or in flight. Every transfer still reaches the endpoint, in commit
 * order; a message is repeated only when a kill landed between its answer and
 * the hub recording it (at-least-once), so at most once per kill. Two kills in
 * `npm test` (the endpoint hanging, then answering), four with FEDOW_FULL_KILLS=1.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WireEntry } from '@fedow/protocol';
import { openStorage } from '../src/storage';
import * as repo from '../src/storage/repo';
import { killCount } from '../../../test/support/kill-count';
import { cliInProcess, cliProcess, FEDOW_BIN } from './support/cli-process';
import { CASHIER, seedHub, type Seeded, type SeededTill } from '../../../support/seed';
import { SpecTill } from '../../../support/spec-till';
import { until, WebhookReceiver } from './support/webhook-receiver';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

let world: Seeded;
let till: SeededTill;
let env: NodeJS.ProcessEnv;
const { fedow, json } = cliInProcess(() => ({ cwd: world.dir, env }));
const real = cliProcess(() => ({ cwd: world.dir, env }));

beforeAll(async () => {
  world = await seedHub({ cards: 40 });
  till = await world.till();
  // The seed's own transfers leave the outbox before any endpoint exists: not this test's messages.
  await until(async () => (await repo.countOutboxEvents(world.hub.context.storage.read)) === 0, 'the seed’s outbox drained');
  await world.hub.close();
  env = {
    ...process.env,
    DATABASE_URL: `sqlite:${join(world.dir, 'fedow.sqlite')}`,
    HUB_KEY_FILE: join(world.dir, 'hub.key'),
    LOG_LEVEL: 'error',
    FEDOW_WEBHOOK_POLL_MS: '20',
    FEDOW_WEBHOOK_TIMEOUT_MS: '500',
    FEDOW_WEBHOOK_RETRY_FIRST_MS: '20',
    FEDOW_WEBHOOK_RETRY_MAX_MS: '200',
  };
}, 60_000);

afterAll(() => rmSync(world.dir, { recursive: true, force: true }));

async function startHub(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [FEDOW_BIN, 'serve', '--port', String(port)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('listening')) resolve();
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`the hub exited with ${code}: ${output}`)));
  });
  return child;
}

async function stop(hub: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  const exited = new Promise((resolve) => hub.once('exit', resolve));
  hub.kill(signal);
  await exited;
}

async function transfersInOrder(): Promise<string[]> {
  const storage = await openStorage(env.DATABASE_URL!);
  try {
    const rows = await storage.read.all<{ id: string }>(sql`select id from transfers order by seq`);
    return rows.map((row) => row.id);
  } finally {
    await storage.close();
  }
}

describe('outgoing webhooks and a hub killed with SIGKILL', () => {
  it('delivers every committed transfer, in order, after kills between commit and delivery; the CLI lists and replays', async () => {
    const receiver = new WebhookReceiver(() => ({ kind: 'hang' }));
    const url = await receiver.listen();
    const added = await json('webhooks', '--add', url, '--events', 'transfer.applied,block.sealed');
    receiver.useSecret(added.secret);
    const before = new Set(await transfersInOrder());

    const port = await freePort();
    const client = new SpecTill(till, `ws://127.0.0.1:${port}/sync`);
    const TOTAL = 400;
    const entries: WireEntry[] = Array.from({ length: TOTAL }, (_, index) =>
      client.entry('REF', { card: world.cards[index % world.cards.length]!, primary: CASHIER, asset: world.local, amount: 100 }),
    );
    const KILLS = killCount({ quick: 2, full: 4 });
    try {
      for (let round = 0; round <= KILLS; round++) {
        // Round 0: the endpoint never answers, so everything committed waits in the outbox or the queue at the kill.
        if (round === 1) receiver.answer((n) => (n % 7 === 0 ? { kind: 'fail', status: 502 } : { kind: 'ok' }));
        const hub = await startHub(port);
        const welcome = await client.connect();
        let next = welcome.lastSeq;
        const pushing = (async () => {
          while (next < TOTAL) {
            const ack = await client.push(entries.slice(next, next + 50));
            next = ack.lastSeq;
          }
        })().catch(() => undefined);
        if (round < KILLS) {
          await new Promise((resolve) => setTimeout(resolve, 300 + round * 150));
          await stop(hub, 'SIGKILL');
          await pushing;
          continue;
        }
        await pushing;
        expect(next).toBe(TOTAL);
        client.close();
        const committed = (await transfersInOrder()).filter((id) => !before.has(id));
        expect(committed.length).toBeGreaterThanOrEqual(TOTAL);
        const transferIds = () => receiver.accepted.filter((message) => message.type === 'transfer.applied').map((message) => message.data.id as string);
        const expected = new Set(committed);
        // Distinct ids: a repeat (the message in flight at a kill) must not stand in for one still on its way.
        await until(() => new Set(transferIds().filter((id) => expected.has(id))).size >= committed.length, 'every committed transfer delivered', 150_000);

        const received = transferIds();
        const firsts = received.filter((id, index) => received.indexOf(id) === index);
        expect(firsts).toEqual(committed);
        // A repeat is the message in flight at a kill: at most one per kill, and right after its first copy's run.
        expect(received.length - firsts.length).toBeLessThanOrEqual(KILLS);
        expect(receiver.badSignatures).toBe(0);

        const listed = await json('webhooks', '--list');
        expect(listed.endpoints[0].deliveries.delivered).toBeGreaterThanOrEqual(committed.length);
        const [latest] = (await json('webhooks', '--deliveries', '--status', 'delivered', '--limit', '1')).deliveries;
        const accepted = receiver.accepted.length;
        // A real process, as an operator replays a message while the hub runs.
        const replay = await real.json('webhooks', '--replay', latest.id);
        expect(replay.replayOf).toBe(latest.id);
        await until(() => receiver.accepted.length > accepted, 'the replay delivered by the running hub');
        expect(receiver.accepted.at(-1)!.id).toBe(latest.messageId);
        await stop(hub, 'SIGTERM');
      }
    } finally {
      client.close();
      await receiver.close();
    }
    const usage = await fedow('webhooks', '--replay', 'not-a-uuid');
    expect(usage.code).toBe(1);
    expect(usage.stderr).toMatch(/--replay/);
  }, 300_000);
});
