import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimulatorReader } from '@fedow/nfc';
import { DEFAULT_OFFLINE_POLICY, type OfflinePolicy } from '@fedow/protocol';
import { openAgent, type SyncSocket, type TillAgent } from '@fedow/terminal';
import type { SessionSocket } from '../../apps/hub/src/sync/session';
import { buildHub, type Hub } from '../../apps/hub/src/app';
import { configFromEnv } from '../../apps/hub/src/config';
import { createPairingCode } from '../../apps/hub/src/directory/terminals';
import { CASHIER, CASHIER_B, seedHub, type Seeded } from '../../support/seed';
import { Rng as SeedRng } from './rng';
import { SimNetwork, type NetworkFaults, type SimSocket } from './network';
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

/** What a schedule's cashiers use: the seeded places, assets and cards. */
export type SimFixture = Pick<Seeded, 'placeA' | 'placeB' | 'local' | 'gift' | 'fed' | 'cards'>;

export interface WorldOptions {
  tills: number;
  cards: number;
  faults: NetworkFaults;
}

/**
 * A paired federation on disk, made once per process and copied for each
 * schedule: seeding a hub and pairing tills costs far more than a schedule.
 */
interface Template {
  root: string;
  fixture: SimFixture;
  tills: Array<Pick<SimTill, 'name' | 'place'>>;
  /** Virtual time when the template was closed: a schedule starts there. */
  endedAt: number;
}

const templates = new Map<string, Promise<Template>>();

/**
 * Worlds live in memory-backed files when the system has them: the hub and the
 * tills keep their real SQLite files (WAL, the hub's separate reader, crash =
 * close and reopen), but an fsync costs nothing, and fsyncs were half of a
 * schedule's time on the working disk.
 */
const WORLDS_DIR = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();

/** Folders of this process's templates and open worlds: memory that outlives the process unless removed. */
const folders = new Set<string>();
process.once('exit', () => removeWorldFolders());

/**
 * Removes this process's templates and worlds. A test runner may end its worker
 * without the exit event, and each run left a template in /dev/shm: tests that
 * run schedules in their own process call this when done.
 */
export function removeWorldFolders(): void {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  folders.clear();
  templates.clear();
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

  private constructor(
    readonly root: string,
    readonly fixture: SimFixture,
    readonly scheduler: Scheduler,
    readonly rng: SeedRng,
    faults: NetworkFaults,
  ) {
    this.network = new SimNetwork(scheduler, rng, faults, (socket, till) => this.accept(socket, till));
  }

  static async create(rng: SeedRng, options: WorldOptions): Promise<SimWorld> {
    const key = `${options.tills}-${options.cards}`;
    if (!templates.has(key)) templates.set(key, SimWorld.makeTemplate(options));
    const template = await templates.get(key)!;
    const root = mkdtempSync(join(WORLDS_DIR, 'fedow-sim-'));
    folders.add(root);
    cpSync(template.root, root, { recursive: true });
    const world = new SimWorld(root, template.fixture, new Scheduler(template.endedAt), rng, options.faults);
    world.hub = await world.openHub();
    for (const till of template.tills) {
      const simTill: SimTill = { ...till, dataDir: join(root, 'tills', till.name), skewMs: rng.int(-90_000, 90_000), agent: null as unknown as TillAgent, up: true };
      simTill.agent = world.openTill(simTill);
      simTill.agent.start();
      world.tills.push(simTill);
    }
    await world.advance(1_000);
    return world;
  }

  private openHub(): Promise<Hub> {
    const clock = { now: () => new Date(this.scheduler.now) };
    return buildHub(configFromEnv({}, { databaseUrl: `sqlite:${join(this.root, 'hub', 'fedow.sqlite')}`, keyPath: join(this.root, 'hub', 'hub.key'), log: false }), { clock, timers: this.scheduler.hubTimers(), cryptoWorkers: 0, ioThreads: false, httpApis: false });
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

  /** Pairs a new till through the real pairing route, and waits for its first snapshot. */
  async pairTill(place: 'A' | 'B', name: string): Promise<void> {
    const till: SimTill = { name, place, dataDir: join(this.root, 'tills', name), skewMs: 0, agent: null as unknown as TillAgent, up: true };
    till.agent = this.openTill(till);
    this.tills.push(till);
    till.agent.start();
    const code = (await createPairingCode(this.hub.context, { place: place === 'A' ? this.fixture.placeA.id : this.fixture.placeB.id, name })).code;
    const paired = await till.agent.pair('http://hub.sim', code, name);
    if (!paired.ok) throw new Error(`pairing ${name}: ${paired.code}`);
    for (let waited = 0; !till.agent.cache.primaries().has(this.cashierOf(till)); waited += 500) {
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
    this.hub = await this.openHub();
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
    rmSync(this.root, { recursive: true, force: true });
    folders.delete(this.root);
  }

  private static async makeTemplate(options: WorldOptions): Promise<Template> {
    const scheduler = new Scheduler(SIM_EPOCH);
    const seeded = await seedHub({ policy: SIM_POLICY, cards: options.cards, hub: { clock: { now: () => new Date(scheduler.now) }, cryptoWorkers: 0, ioThreads: false } });
    const root = mkdtempSync(join(WORLDS_DIR, 'fedow-sim-template-'));
    folders.add(root);
    const { placeA, placeB, local, gift, fed, cards } = seeded;
    const world = new SimWorld(root, { placeA, placeB, local, gift, fed, cards }, scheduler, new SeedRng(0x5eed), { latencyMs: [1, 5], blackHole: 0 });
    world.hub = seeded.hub;
    for (let index = 0; index < options.tills; index++) await world.pairTill(index % 2 === 0 ? 'A' : 'B', `till-${index}`);
    for (const till of world.tills) await till.agent.close();
    await world.settle();
    world.network.dropAll();
    await seeded.hub.close();
    cpSync(seeded.dir, join(root, 'hub'), { recursive: true });
    rmSync(seeded.dir, { recursive: true, force: true });
    return { root, fixture: world.fixture, tills: world.tills.map(({ name, place }) => ({ name, place })), endedAt: scheduler.now };
  }
}
