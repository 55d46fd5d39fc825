import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimulatorReader } from '@fedow/nfc';
import { DEFAULT_OFFLINE_POLICY, type OfflinePolicy } from '@fedow/protocol';
import { openAgent, type SyncSocket, type TillAgent } from '@fedow/terminal';
import type { SessionSocket } from '../../apps/hub/src/sync/session';
import { buildHub, type Hub } from '../../apps/hub/src/app';
import { configFromEnv } from '../../apps/hub/src/config';
import { createPairingCode } from '../../apps/hub/src/directory/terminals';
import { CASHIER, CASHIER_B, seedHub, type Seeded } from '../../apps/hub/test/support/seed';
import { SimNetwork, type NetworkFaults, type SimSocket } from './network';
import type { Rng } from './rng';
import { Scheduler } from './scheduler';

/** Where a schedule starts on the virtual clock. */
export const SIM_EPOCH = Date.parse('2026-07-14T18:00:00.000Z');

export const SIM_POLICY: OfflinePolicy = { ...DEFAULT_OFFLINE_POLICY, maxOfflineSale: 2_000, maxOfflineCardSpend: 3_000, maxOfflineExposure: 8_000, maxOfflineMinutes: 120 };

export interface SimTill {
  name: string;
  place: 'A' | 'B';
  dataDir: string;
  skewMs: number;
  agent: TillAgent;
  up: boolean;
}

/**
 * One simulated federation: the real hub (ingest, sealer, card feed) on a SQLite
 * file with its crypto checks inline, and real till agents (authoriser, journal,
 * sync client) on SQLite files, all on the scheduler's virtual clock and the
 * simulated network. Crashes are real closes and re-opens of those files:
 * what was committed survives, what was in flight is lost.
 */
export class SimWorld {
  hub!: Hub;
  readonly tills: SimTill[] = [];
  readonly network: SimNetwork;
  private readonly tillDirs: string;

  private constructor(
    readonly seeded: Seeded,
    readonly scheduler: Scheduler,
    readonly rng: Rng,
    faults: NetworkFaults,
  ) {
    this.hub = seeded.hub;
    this.tillDirs = mkdtempSync(join(tmpdir(), 'fedow-sim-'));
    this.network = new SimNetwork(scheduler, rng, faults, (socket, till) => this.accept(socket, till));
  }

  static async create(rng: Rng, options: { tills: number; cards: number; faults: NetworkFaults }): Promise<SimWorld> {
    const scheduler = new Scheduler(SIM_EPOCH);
    const clock = { now: () => new Date(scheduler.now) };
    const seeded = await seedHub({ policy: SIM_POLICY, cards: options.cards, hub: { clock, cryptoWorkers: 0 } });
    const world = new SimWorld(seeded, scheduler, rng, options.faults);
    for (let index = 0; index < options.tills; index++) await world.addTill(index % 2 === 0 ? 'A' : 'B', `till-${index}`);
    return world;
  }

  private accept(socket: SimSocket, till: string): void {
    // SimSocket has the part of `ws` the session uses (SessionSocket), not the rest of its type.
    this.hub.app.sync.accept(socket as unknown as SessionSocket, `sim:${till}`);
  }

  /** Lets the real event loop run until nothing new is scheduled: the hub's and tills' reactions are in place. */
  readonly settle = async (): Promise<void> => {
    let idle = 0;
    let seen = this.scheduler.version;
    while (idle < 6) {
      await new Promise((resolve) => setImmediate(resolve));
      if (this.scheduler.version === seen) idle++;
      else {
        idle = 0;
        seen = this.scheduler.version;
      }
    }
  };

  async advance(ms: number): Promise<void> {
    await this.scheduler.runUntil(this.scheduler.now + ms, this.settle);
  }

  private openTill(till: Pick<SimTill, 'name' | 'dataDir' | 'skewMs'>): TillAgent {
    return openAgent({
      dataDir: till.dataDir,
      reader: new SimulatorReader(),
      clock: { now: () => this.scheduler.now + till.skewMs, random: (length) => this.rng.bytes(length) },
      random: () => this.rng.next(),
      timers: this.scheduler.timers(till.name),
      openSocket: () => this.network.open(till.name) as unknown as SyncSocket,
      fetch: this.fetch,
      language: 'en',
    });
  }

  private async addTill(place: 'A' | 'B', name: string): Promise<void> {
    const dataDir = join(this.tillDirs, name);
    const skewMs = this.rng.int(-90_000, 90_000);
    const agent = this.openTill({ name, dataDir, skewMs });
    const till: SimTill = { name, place, dataDir, skewMs, agent, up: true };
    this.tills.push(till);
    agent.start();
    const code = (await createPairingCode(this.hub.context, { place: place === 'A' ? this.seeded.placeA.id : this.seeded.placeB.id, name })).code;
    const paired = await agent.pair('http://hub.sim', code, name);
    if (!paired.ok) throw new Error(`pairing ${name}: ${paired.code}`);
    for (let waited = 0; !agent.cache.primaries().has(this.cashierOf(till)); waited += 500) {
      if (waited > 120_000) throw new Error(`${name} never received its first snapshot`);
      await this.advance(500);
    }
  }

  cashierOf(till: Pick<SimTill, 'place'>): string {
    return till.place === 'A' ? CASHIER : CASHIER_B;
  }

  /** The till's HTTP calls (pairing) go to the current hub in-process. */
  private readonly fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input));
    const response = await this.hub.app.inject({
      method: (init?.method ?? 'GET') as 'GET',
      url: url.pathname + url.search,
      headers: Object.fromEntries(new Headers(init?.headers).entries()),
      ...(typeof init?.body === 'string' ? { payload: init.body } : {}),
    });
    return new Response(response.statusCode === 204 ? null : response.body, { status: response.statusCode, headers: { 'content-type': String(response.headers['content-type'] ?? 'application/json') } });
  }) as typeof fetch;

  /** The hub process dies: every connection ends, in-flight frames are lost, and it starts again on its files. */
  async crashHub(downMs: number): Promise<void> {
    this.network.hubAccepting = false;
    this.network.dropAll();
    await this.settle();
    await this.hub.close();
    await this.advance(downMs);
    const clock = { now: () => new Date(this.scheduler.now) };
    this.hub = await buildHub(configFromEnv({}, { databaseUrl: `sqlite:${join(this.seeded.dir, 'fedow.sqlite')}`, keyPath: join(this.seeded.dir, 'hub.key'), log: false }), { clock, cryptoWorkers: 0 });
    this.network.hubAccepting = true;
  }

  /** A till's process dies and starts again on its journal. */
  async crashTill(till: SimTill, downMs: number): Promise<void> {
    till.up = false;
    await till.agent.close();
    await this.advance(downMs);
    till.agent = this.openTill(till);
    till.agent.start();
    till.up = true;
  }

  async close(): Promise<void> {
    for (const till of this.tills) if (till.up) await till.agent.close().catch(() => undefined);
    this.network.dropAll();
    await this.hub.close().catch(() => undefined);
    rmSync(this.seeded.dir, { recursive: true, force: true });
    rmSync(this.tillDirs, { recursive: true, force: true });
  }
}
