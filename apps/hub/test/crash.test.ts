import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WireEntry } from '@fedow/protocol';
import { openStorage } from '../src/storage';
import * as repo from '../src/storage/repo';
import { verifyChain } from '../src/verify/verify-chain';
import { buildHub } from '../src/app';
import { configFromEnv } from '../src/config';
import { killCount } from '../../../test/support/kill-count';
import { CASHIER, seedHub, type Seeded, type SeededTill } from '../../../support/seed';
import { SpecTill } from '../../../support/spec-till';

const ROOT = join(import.meta.dirname, '..', '..', '..');
/** Each kill is a `fedow serve` start (seconds on a loaded machine): 3 in `npm test`, 5 with FEDOW_FULL_KILLS=1. */
const KILLS = killCount({ quick: 3, full: 5 });

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** `fedow serve` as a real process on the seeded database. */
async function startHub(world: Seeded, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [join(ROOT, 'apps/hub/bin/fedow.mjs'), 'serve', '--port', String(port)], {
    env: { ...process.env, DATABASE_URL: `sqlite:${join(world.dir, 'fedow.sqlite')}`, HUB_KEY_FILE: join(world.dir, 'hub.key'), LOG_LEVEL: 'error' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
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

describe('the hub killed with SIGKILL during ingest', () => {
  let world: Seeded;
  let till: SeededTill;

  beforeAll(async () => {
    world = await seedHub({ cards: 50 });
    till = await world.till();
    await world.hub.close();
  });

  afterAll(async () => {
    const { rmSync } = await import('node:fs');
    rmSync(world.dir, { recursive: true, force: true });
  });

  it(`loses no acknowledged entry and applies none twice, over ${KILLS} kills`, async () => {
    const port = await freePort();
    const client = new SpecTill(till, `ws://127.0.0.1:${port}/sync`);
    const sent: WireEntry[] = [];
    const acked = new Set<number>();
    const TOTAL = 3_000;
    // Every card gets the same top-ups; the final balances prove nothing was applied twice.
    for (let index = 0; index < TOTAL; index++) {
      sent.push(client.entry('REF', { card: world.cards[index % world.cards.length]!, primary: CASHIER, asset: world.local, amount: 100 }));
    }
    let interrupted = 0;
    for (let kill = 0; kill <= KILLS; kill++) {
      const hub = await startHub(world, port);
      const welcome = await client.connect();
      // Durability: everything acknowledged before the kill is in the hub's head.
      expect(welcome.lastSeq).toBeGreaterThanOrEqual(Math.max(0, ...acked));
      let next = welcome.lastSeq;
      const pushing = (async () => {
        while (next < TOTAL) {
          const batch = sent.slice(next, next + 100);
          const ack = await client.push(batch);
          for (const result of ack.results) acked.add(result.seq);
          next = ack.lastSeq;
        }
      })().catch(() => undefined);
      if (kill < KILLS) {
        // From 100 to 260 ms into the stream, whatever the number of kills.
        await new Promise((resolve) => setTimeout(resolve, 100 + Math.round((kill * 160) / Math.max(1, KILLS - 1))));
        if (next < TOTAL) interrupted++;
        hub.kill('SIGKILL');
        await new Promise((resolve) => hub.once('exit', resolve));
        await pushing;
      } else {
        await pushing;
        expect(next).toBe(TOTAL);
        // Most kills must have landed while entries were flowing, or the test proves nothing.
        expect(interrupted).toBeGreaterThanOrEqual(Math.ceil(KILLS / 2));
        client.close();
        hub.kill('SIGTERM');
        await new Promise((resolve) => hub.once('exit', resolve));
      }
    }
    const storage = await openStorage(`sqlite:${join(world.dir, 'fedow.sqlite')}`);
    try {
      const entries = await repo.listEntries(storage.read, till.id, 0, TOTAL + 10);
      expect(entries.map((entry) => entry.seq)).toEqual(Array.from({ length: TOTAL }, (_, index) => index + 1));
      const perCard = (TOTAL / world.cards.length) * 100;
      for (const uid of world.cards.slice(0, 5)) {
        const card = (await repo.loadCardsByTag(storage.read, [uid])).get(uid)!;
        const [balance] = (await repo.loadWalletBalances(storage.read, [card.ephemeralWalletId!])).filter((row) => row.assetId === world.local);
        expect(balance?.value).toBe(perCard);
      }
    } finally {
      await storage.close();
    }
    const hub = await buildHub(configFromEnv({}, { databaseUrl: `sqlite:${join(world.dir, 'fedow.sqlite')}`, keyPath: join(world.dir, 'hub.key'), log: false }));
    try {
      const result = await verifyChain(hub.context, {});
      expect(result.firstDiscrepancy).toBeNull();
      expect(result.ok).toBe(true);
    } finally {
      await hub.close();
    }
  }, 180_000);
});
