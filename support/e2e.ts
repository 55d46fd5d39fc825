/**
 * End-to-end worlds for the root tests and the terminal benchmark: a real hub
 * (buildHub, in this process, listening on 127.0.0.1) on a SQLite file seeded by
 * seed.ts, and real terminal agents paired with it over HTTP and syncing over
 * WebSockets.
 *
 * The hub can be stopped and started again on the same database, key and port,
 * as an operator restarting it would: the tills see it go and come back.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CardReader } from '@fedow/nfc';
import type { OfflinePolicy } from '@fedow/protocol';
import { openAgent, type Outcome, type TillAgent } from '@fedow/terminal';
import { buildHub, configFromEnv, createPairingCode, repo, showCard, verifyChain, type CardView, type Hub, type HubConfig, type VerifyResult } from '@fedow/hub';
import { CASHIER, CASHIER_B, seedHub, type Seeded } from './seed';
import { FAST_SYNC } from './sync-tuning';
import { waitFor } from './wait';

export { freePort, waitFor } from './wait';

export { CASHIER, CASHIER_B };

export { FAST_SYNC };

export interface HubEntry {
  seq: number;
  id: string;
  hash: string;
  status: string;
  reason: string | null;
}

export interface E2eWorld {
  readonly seeded: Seeded;
  /** The live hub; replaced by start(). */
  readonly hub: Hub;
  readonly port: number;
  /** `http://127.0.0.1:<port>`: what a till is given to pair. */
  readonly url: string;
  readonly running: boolean;
  /** Stops the hub (sockets closed, database closed); the files stay. */
  stop(): Promise<void>;
  /** Starts it again on the same database, key and port. */
  start(): Promise<void>;
  pairingCode(place: 'A' | 'B', name: string): Promise<string>;
  /** A real agent in `dataDir`, started and paired with this hub; resolves once its first snapshot is stored. */
  pairAgent(options: { place: 'A' | 'B'; name: string; reader: CardReader; dataDir?: string }): Promise<TillAgent>;
  card(uid: string): Promise<CardView>;
  balance(uid: string, asset: string): Promise<number>;
  entries(terminal: string): Promise<HubEntry[]>;
  verify(): Promise<VerifyResult>;
  /** A fresh temporary directory, removed by close(). */
  directory(prefix: string): string;
  close(): Promise<void>;
}

export async function startWorld(options: { policy?: OfflinePolicy; cards?: number } = {}): Promise<E2eWorld> {
  const seeded = await seedHub({ ...(options.policy ? { policy: options.policy } : {}), cards: options.cards ?? 20 });
  const config: Partial<HubConfig> = { databaseUrl: `sqlite:${join(seeded.dir, 'fedow.sqlite')}`, keyPath: join(seeded.dir, 'hub.key'), log: false };
  let hub: Hub = seeded.hub;
  let running = true;
  await hub.app.listen({ host: '127.0.0.1', port: 0 });
  const port = listeningPort(hub);
  const directories: string[] = [];
  const agents: TillAgent[] = [];

  const world: E2eWorld = {
    seeded,
    get hub() {
      return hub;
    },
    port,
    url: `http://127.0.0.1:${port}`,
    get running() {
      return running;
    },
    async stop() {
      if (!running) return;
      running = false;
      await hub.close();
    },
    async start() {
      if (running) return;
      hub = await buildHub(configFromEnv({}, config));
      await hub.app.listen({ host: '127.0.0.1', port });
      running = true;
    },
    async pairingCode(place, name) {
      const id = place === 'A' ? seeded.placeA.id : seeded.placeB.id;
      return (await createPairingCode(hub.context, { place: id, name })).code;
    },
    async pairAgent({ place, name, reader, dataDir }) {
      const agent = openAgent({ dataDir: dataDir ?? join(world.directory('fedow-e2e-till-'), 'till'), reader, syncTuning: FAST_SYNC, language: 'en' });
      agents.push(agent);
      agent.start();
      const paired = await agent.pair(world.url, await world.pairingCode(place, name), name);
      if (!paired.ok) throw new Error(`pairing failed: ${paired.code}: ${paired.message}`);
      const cashier = place === 'A' ? CASHIER : CASHIER_B;
      await waitFor(() => agent.snapshot().sync.status === 'online' && agent.cache.primaries().has(cashier), 10_000, `${name}: online with its first snapshot`);
      return agent;
    },
    card: (uid) => showCard(hub.context, uid),
    async balance(uid, asset) {
      return (await world.card(uid)).balances[asset] ?? 0;
    },
    async entries(terminal) {
      const rows = await repo.listEntries(hub.context.storage.read, terminal, 0, 1_000_000);
      return rows.map((row) => ({ seq: row.seq, id: row.id, hash: row.hash, status: row.status, reason: row.reason }));
    },
    verify: () => verifyChain(hub.context, {}),
    directory(prefix) {
      const directory = mkdtempSync(join(tmpdir(), prefix));
      directories.push(directory);
      return directory;
    },
    async close() {
      for (const agent of agents.splice(0)) await agent.close();
      await world.stop();
      rmSync(seeded.dir, { recursive: true, force: true });
      for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
    },
  };
  return world;
}

function listeningPort(hub: Hub): number {
  const address = hub.app.server.address();
  if (typeof address !== 'object' || address === null) throw new Error('the hub is not listening on a TCP port');
  return address.port;
}

export function approved(outcome: Outcome): Extract<Outcome, { approve: true }> {
  if (!outcome.approve) throw new Error(`declined: ${outcome.code}: ${outcome.reason}`);
  return outcome;
}

/** Every entry of the agent's journal as the hub should hold it. */
export function journalEntries(agent: TillAgent): Array<{ seq: number; id: string; hash: string }> {
  const entries: Array<{ seq: number; id: string; hash: string }> = [];
  for (let from = 1; ; ) {
    const page = agent.journal.entriesFrom(from, 500);
    if (page.length === 0) return entries;
    for (const entry of page) entries.push({ seq: entry.body.seq, id: entry.body.id, hash: entry.hash });
    from = page[page.length - 1]!.body.seq + 1;
  }
}
