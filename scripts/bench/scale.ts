/**
 * Card changes across hub processes (issue 15, part 3): three `fedow serve` on one
 * PostgreSQL (the multi-hub test's cluster, HAProxy included), an observer till
 * connected to each hub, and a probe till on the first hub topping up a fresh card
 * every PROBE_EVERY_MS. A sample is the time from the probe's ack (the change is
 * committed) to the update naming that card at each observer. Two phases:
 * - under load: loader tills on the first and second hubs push top-ups all along,
 *   so every hub's card feed is busy; the third hub has no till pushing;
 * - idle: no loaders; only the probe's own changes cross the processes.
 * The limit beside each cross-process figure is the observer on the probe's own hub,
 * in the same run: what the relay between processes adds is the difference.
 */
import { CASHIER } from '../../support/seed';
import { SpecTill } from '../../support/spec-till';
import { startCluster, type Cluster } from '../../support/hub-cluster';
import { percentile, report } from './report';

const GOAL_MS = 200;
const SAMPLES = 150;
const PROBE_EVERY_MS = 60;
const LOADERS_PER_BUSY_HUB = 3;
const LOAD_EVERY_MS = 40;
const LOAD_CARDS = 100;

interface Observer {
  hub: string;
  till: SpecTill;
  /** performance.now() of the first update naming each card. */
  seen: Map<string, number>;
}

export async function benchScale(): Promise<void> {
  console.log('\n# scale: card changes across 3 hub processes on one PostgreSQL');
  const loaders = 2 * LOADERS_PER_BUSY_HUB;
  const cluster = await startCluster({ hubs: 3, pairingCodes: 0, cards: LOAD_CARDS + 2 * SAMPLES, tills: 4 + loaders });
  try {
    const tills = cluster.seed.tills;
    const observers = await Promise.all(cluster.hubs.map((hub, index) => observe(hub.name, tills[index]!, syncUrl(hub.url))));
    const probe = new SpecTill(tills[3]!, syncUrl(cluster.hubs[0]!.url));
    await probe.connect();
    const probeCards = cluster.seed.cards.slice(LOAD_CARDS);

    const load = startLoad(cluster, tills.slice(4), cluster.seed.cards.slice(0, LOAD_CARDS));
    const loaded = await sample(cluster, probe, probeCards.slice(0, SAMPLES), observers);
    const loadedEntries = await load.stop();
    const idle = await sample(cluster, probe, probeCards.slice(SAMPLES), observers);

    for (const [phase, latencies] of [['under load', loaded], ['idle', idle]] as const) {
      const own = [...latencies.get('hub1')!].sort((a, b) => a - b);
      for (const hub of ['hub2', 'hub3']) {
        const other = [...latencies.get(hub)!].sort((a, b) => a - b);
        const label = hub === 'hub3' && phase === 'under load' ? `${hub}, no till pushing there` : hub;
        report({ name: `card change → till on ${label} ${phase}, p50`, value: percentile(other, 50), unit: 'ms', limit: percentile(own, 50), limitName: 'till on the same hub, p50', better: 'lower' });
        report({ name: `card change → till on ${label} ${phase}, p99`, value: percentile(other, 99), unit: 'ms', limit: percentile(own, 99), limitName: 'till on the same hub, p99', better: 'lower', goal: `p99 ≤ ${GOAL_MS} ms ${percentile(other, 99) <= GOAL_MS ? '✔' : '✘'}` });
      }
    }
    console.log(`(load: ${loaders} tills pushing top-ups on hub1 and hub2, ${loadedEntries} entries during the loaded phase; ${SAMPLES} samples per phase)`);
    for (const observer of observers) observer.till.close();
    probe.close();
  } finally {
    await cluster.close();
  }
}

function syncUrl(url: string): string {
  return `${url.replace('http://', 'ws://')}/sync`;
}

async function observe(hub: string, identity: Cluster['seed']['tills'][number], url: string): Promise<Observer> {
  const till = new SpecTill(identity, url);
  await till.connect();
  const seen = new Map<string, number>();
  till.rawSocket.on('message', (data: Buffer) => {
    const at = performance.now();
    const text = data.toString();
    if (!text.startsWith('{"type":"update"')) return;
    const message = JSON.parse(text) as { cards: { card: string }[] };
    for (const state of message.cards) if (!seen.has(state.card)) seen.set(state.card, at);
    // SpecTill keeps every message for its waiters: nobody waits here.
    till.messages.length = 0;
  });
  return { hub, till, seen };
}

/** One fresh card per sample: a top-up pushed by the probe, timed from its ack to each observer. */
async function sample(cluster: Cluster, probe: SpecTill, cards: readonly string[], observers: readonly Observer[]): Promise<Map<string, number[]>> {
  const latencies = new Map(observers.map((observer) => [observer.hub, [] as number[]]));
  for (const card of cards) {
    const started = performance.now();
    probe.messages.length = 0;
    const ack = await probe.push([probe.entry('REF', { card, primary: CASHIER, asset: cluster.seed.local, amount: 100 })]);
    const ackedAt = performance.now();
    if (ack.results[0]?.status !== 'applied') throw new Error(`bench scale: the probe's top-up was ${JSON.stringify(ack.results[0])}`);
    const deadline = ackedAt + 10_000;
    while (observers.some((observer) => !observer.seen.has(card))) {
      if (performance.now() > deadline) throw new Error(`bench scale: card ${card} did not reach every hub's till within 10 s`);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    for (const observer of observers) latencies.get(observer.hub)!.push(Math.max(0, observer.seen.get(card)! - ackedAt));
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, PROBE_EVERY_MS - (performance.now() - started))));
  }
  return latencies;
}

/** Loader tills on the first two hubs, each pushing a top-up every LOAD_EVERY_MS until stopped. */
function startLoad(cluster: Cluster, identities: Cluster['seed']['tills'], cards: readonly string[]): { stop(): Promise<number> } {
  let running = true;
  let pushed = 0;
  const loops = identities.map(async (identity, index) => {
    const hub = cluster.hubs[index % 2]!;
    const till = new SpecTill(identity, syncUrl(hub.url));
    await till.connect();
    for (let turn = 0; running; turn++) {
      const started = performance.now();
      await till.push([till.entry('REF', { card: cards[(turn * 7 + index) % cards.length]!, primary: CASHIER, asset: cluster.seed.local, amount: 10 })]);
      pushed++;
      // Nobody reads the updates this till receives.
      till.messages.length = 0;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, LOAD_EVERY_MS - (performance.now() - started))));
    }
    till.close();
  });
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      return pushed;
    },
  };
}
