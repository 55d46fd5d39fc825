/**
 * Ingest with outgoing webhooks subscribed beside the same ingest without any
 * (issue 14.3: goal within 5 %), in the same run, on fresh copies of one world:
 * `fedow serve` in a child process, 8 tills × 2,000 pre-signed entries over
 * ws://127.0.0.1 after 500 a till of warm-up, the runs interleaved (off, on,
 * off, on, …) and the median of each of five reported, because this machine's
 * speed drifts between runs. With the subscription, one endpoint takes every
 * event (a local HTTP receiver answering 204) and the hub dispatches and
 * delivers while it ingests.
 * Standalone: `node --import tsx scripts/bench/webhooks.ts`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism, loadavg } from 'node:os';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { PUSH_ENTRIES_MAX, WEBHOOK_EVENT_TYPES, type WireEntry } from '@fedow/protocol';
import { newWebhookSecret } from '@fedow/hub';
import { percentile, report } from './report';
import { BenchTill } from './support/bench-till';
import { pushFrames, signChains } from './support/chains';
import { startHubProcess, type HubProcess } from './support/hub-process';
import { copyWorld, createWorld, removeDatabase, type BenchWorld } from '../../support/bench-world';

/**
 * Each run first pushes `warmUp` entries a till, untimed: a fresh hub's first
 * second carries V8's compilation of the ingest path, which made three runs of
 * 4 tills × 1,500 entries range over ±10 % and the goal's verdict a draw.
 */
const RUN = { tills: 8, warmUp: 500, perTill: 2_000 };
/**
 * Steady sales, as a busy festival's: `tills` tills, each pushing `entries`
 * every `intervalMs` for `seconds`; the deliverer should keep up in the gaps
 * between pushes rather than wait for the tills to stop.
 */
const STEADY = { tills: 10, entries: 2, intervalMs: 100, seconds: 8, warmUpSeconds: 1 };
/** Runs of each kind, interleaved. */
const ROUNDS = 5;
const GOAL_SLOWDOWN_MAX = 0.05;

interface IngestRun {
  rate: number;
  /** The deliverer's database work on the hub's main thread during the timed pushes (its /metrics counter), started while pushes were at the ingest or in a gap. */
  workMs: { busy: number; idle: number };
  wallMs: number;
  /** Messages the receiver had when the last ack came back, and when the hub stopped. */
  deliveredDuringIngest: number;
}

export async function benchWebhooks(world: BenchWorld, chains: readonly string[][]): Promise<{ met: boolean; value: string; limit: string }> {
  const short = chains.slice(0, RUN.tills).findIndex((chain) => chain.length < RUN.warmUp + RUN.perTill);
  if (short !== -1) throw new Error(`bench: webhooks: till ${short} has ${chains[short]!.length} signed entries, the runs need ${RUN.warmUp + RUN.perTill}`);
  const receiver = await startReceiver();
  try {
    const off: IngestRun[] = [];
    const on: IngestRun[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      off.push(await ingest(world, chains, `webhooks-off-${round}`, null, receiver));
      on.push(await ingest(world, chains, `webhooks-on-${round}`, receiver.url, receiver));
    }
    const median = (runs: IngestRun[]) => percentile(runs.map((run) => run.rate).sort((a, b) => a - b), 50);
    const without = median(off);
    const withHooks = median(on);
    const slowdown = 1 - withHooks / without;
    const met = slowdown <= GOAL_SLOWDOWN_MAX;
    report({
      name: `push → durable ack, ${RUN.tills} tills, every event subscribed`,
      value: withHooks,
      unit: 'entries/s',
      limit: without,
      limitName: 'the same ingest with no subscription, same run',
      better: 'higher',
      goal: `≤ 5 % slower ${met ? '(met)' : '(NOT met)'}`,
    });
    const rates = (runs: IngestRun[]) => runs.map((run) => Math.round(run.rate).toLocaleString('en-US')).join(', ');
    console.log(`     medians of ${ROUNDS} interleaved runs: ${Math.round(withHooks).toLocaleString('en-US')} vs ${Math.round(without).toLocaleString('en-US')} entries/s (${(slowdown * 100).toFixed(1)} % slower)`);
    console.log(`     with: ${rates(on)}; without: ${rates(off)} entries/s`);
    console.log(`     messages delivered while ingesting (signed, 204 from a local receiver): ${on.map((run) => run.deliveredDuringIngest.toLocaleString('en-US')).join(', ')}`);
    const work = (runs: IngestRun[]) => runs.map((run) => `${Math.round(run.workMs.busy)} + ${Math.round(run.workMs.idle)} ms (${(((run.workMs.busy + run.workMs.idle) / run.wallMs) * 100).toFixed(1)} %)`).join(', ');
    console.log(`     the deliverer's database work on the hub's main thread during each run, while pushes were at the ingest + in its gaps (/metrics):`);
    console.log(`       with ${work(on)}; without ${work(off)}`);
    const quiet = await steadySales(world, chains, null);
    const subscribed = await steadySales(world, chains, receiver);
    const latency = (run: SteadyRun) => `p50 ${run.p50.toFixed(1)} ms, p99 ${run.p99.toFixed(1)} ms`;
    const rate = (STEADY.tills * STEADY.entries * 1000) / STEADY.intervalMs;
    console.log(`     steady sales, ${rate} entries/s from ${STEADY.tills} tills for ${STEADY.seconds} s: ${subscribed.during.toLocaleString('en-US')} of their ${subscribed.expected.toLocaleString('en-US')} transfer messages delivered while they sold, the last ${subscribed.afterSeconds.toFixed(2)} s after`);
    console.log(`       push → ack after the first ${STEADY.warmUpSeconds} s: ${latency(subscribed)} with every event subscribed; ${latency(quiet)} without`);
    return { met, value: `${Math.round(withHooks).toLocaleString('en-US')} entries/s (${(slowdown * 100).toFixed(1)} % slower)`, limit: `${Math.round(without).toLocaleString('en-US')} entries/s without` };
  } finally {
    await receiver.close();
  }
}

async function ingest(world: BenchWorld, chains: readonly string[][], name: string, url: string | null, receiver: Receiver): Promise<IngestRun> {
  const path = copyWorld(world, name);
  if (url !== null) subscribe(path, url);
  const hub = await startHubProcess(path);
  const clients = world.tills.slice(0, RUN.tills).map((till) => new BenchTill(till, hub.syncUrl));
  try {
    for (const client of clients) await client.connect();
    await pushAll(clients, chains, 0, RUN.warmUp, name);
    const before = receiver.count;
    const workBefore = await webhookWorkSeconds(hub.syncUrl);
    const start = performance.now();
    const ends = await pushAll(clients, chains, RUN.warmUp, RUN.perTill, name);
    const seconds = (Math.max(...ends) - start) / 1000;
    const workAfter = await webhookWorkSeconds(hub.syncUrl);
    const workMs = { busy: (workAfter.busy - workBefore.busy) * 1000, idle: (workAfter.idle - workBefore.idle) * 1000 };
    const failed = clients.flatMap((client) => client.errors);
    if (failed.length > 0) throw new Error(`bench: ${name}: ${failed.join('; ')}`);
    return { rate: (RUN.tills * RUN.perTill) / seconds, deliveredDuringIngest: receiver.count - before, workMs, wallMs: seconds * 1000 };
  } finally {
    await endRun(clients, hub, path);
  }
}

interface SteadyRun {
  /** Transfer messages delivered while the tills sold, of `expected`; the last came `afterSeconds` after. */
  during: number;
  expected: number;
  afterSeconds: number;
  /** Each push's time from its schedule to its ack. */
  p50: number;
  p99: number;
}

/** Steady sales, with every event subscribed (`receiver`) or none: the tills' ack latencies, and the messages delivered while they sold. */
async function steadySales(world: BenchWorld, chains: readonly string[][], receiver: Receiver | null): Promise<SteadyRun> {
  const path = copyWorld(world, `webhooks-steady-${receiver ? 'on' : 'off'}`);
  if (receiver) subscribe(path, receiver.url);
  const hub = await startHubProcess(path);
  const clients = world.tills.slice(0, STEADY.tills).map((till) => new BenchTill(till, hub.syncUrl));
  try {
    for (const client of clients) await client.connect();
    const pushes = (STEADY.seconds * 1000) / STEADY.intervalMs;
    const frames = clients.map((_, index) => pushFrames(chains[index]!, STEADY.entries, pushes * STEADY.entries));
    const before = receiver?.transfers ?? 0;
    const start = performance.now() + 50;
    // Tills spread over the interval, as independent tills would be.
    const latencies = await Promise.all(clients.map((client, index) => client.paced(frames[index]!, start + (index * STEADY.intervalMs) / STEADY.tills, STEADY.intervalMs)));
    const sold = performance.now();
    const during = (receiver?.transfers ?? 0) - before;
    // A top-up is two transfers (cash in, then to the card), a sale one; each transfer one message.
    const expected = chains.slice(0, STEADY.tills).reduce((sum, chain) => sum + chain.slice(0, pushes * STEADY.entries).reduce((count, text) => count + ((JSON.parse(text) as WireEntry).body.kind === 'REF' ? 2 : 1), 0), 0);
    while (receiver && receiver.transfers - before < expected && performance.now() - sold < 120_000) await new Promise((resolve) => setTimeout(resolve, 20));
    // A fresh hub's first pushes wait for V8 to compile the ingest's path: they are not what the tills see later.
    const sorted = latencies
      .flat()
      .filter((sample) => sample.sentAt >= start + STEADY.warmUpSeconds * 1000)
      .map((sample) => sample.ms)
      .sort((a, b) => a - b);
    return { during, expected, afterSeconds: (performance.now() - sold) / 1000, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
  } finally {
    await endRun(clients, hub, path);
  }
}

/** Closes a run's tills and hub, and deletes its copy of the world. */
async function endRun(clients: readonly BenchTill[], hub: HubProcess, path: string): Promise<void> {
  for (const client of clients) client.terminate();
  await hub.stop();
  removeDatabase(path);
}

/** fedow_webhook_work_seconds_total from the hub's /metrics: started while tills pushed (busy), and in their gaps (idle). */
async function webhookWorkSeconds(syncUrl: string): Promise<{ busy: number; idle: number }> {
  const text = await (await fetch(syncUrl.replace('ws://', 'http://').replace(/\/sync$/, '/metrics'))).text();
  const read = (label: string) => Number(new RegExp(`^fedow_webhook_work_seconds_total\\{ingest="${label}"\\} (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
  return { busy: read('busy'), idle: read('idle') };
}

/** Each till pushes its chain's entries `from` to `from + count`, in pushes of the most a push holds; the time of each till's last ack. */
function pushAll(clients: readonly BenchTill[], chains: readonly string[][], from: number, count: number, name: string): Promise<number[]> {
  return Promise.all(
    clients.map((client, index) => {
      const frames = pushFrames(chains[index]!.slice(from), PUSH_ENTRIES_MAX, count);
      return client.pushAll(frames, frames.map((_, push) => from + Math.min(count, (push + 1) * PUSH_ENTRIES_MAX)));
    }),
  ).catch((error: unknown) => {
    throw new Error(`bench: ${name}: ${error instanceof Error ? error.message : String(error)}`);
  });
}

/** The endpoint, written in the copy before its hub starts: the hub finds it on its first round. */
function subscribe(path: string, url: string): void {
  const database = new Database(path);
  try {
    database
      .prepare('INSERT INTO webhook_endpoints (id, place_id, url, events, secret, created_at, created_by) VALUES (?, NULL, ?, ?, ?, ?, ?)')
      .run(crypto.randomUUID(), url, JSON.stringify(WEBHOOK_EVENT_TYPES), newWebhookSecret(), new Date().toISOString(), 'bench');
  } finally {
    database.close();
  }
}

interface Receiver {
  url: string;
  /** Messages received, of every type; `transfers`: of them, `transfer.applied`. */
  count: number;
  transfers: number;
  close(): Promise<void>;
}

/** Answers 204 to every POST: the receiver's cost is not what is measured. */
async function startReceiver(): Promise<Receiver> {
  const state = { count: 0, transfers: 0 };
  const server: Server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      state.count++;
      if (body.startsWith('{"type":"transfer.applied"')) state.transfers++;
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    get count() {
      return state.count;
    },
    get transfers() {
      return state.transfers;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(`\n== hub with webhooks (apps/hub): ${availableParallelism()} cores, load average ${loadavg()[0]!.toFixed(2)} at start`);
  const world = await createWorld(RUN.tills);
  try {
    const chains = await signChains(world.tills.map((till) => ({ terminal: till.id, secretKeyHex: till.secretKeyHex, genesis: till.genesis, count: RUN.warmUp + RUN.perTill, cards: world.cards, cashier: world.cashier, asset: world.local })));
    await benchWebhooks(world, chains);
  } finally {
    rmSync(world.dir, { recursive: true, force: true });
  }
}
