/**
 * The till, each figure beside the limit measured on this machine in the same run:
 * - tap → committed decision (the real agent: armed sale, reader tap, authoriser,
 *   signed entry committed with synchronous=FULL) beside the disk's own fsync'd
 *   single-row commit (better-sqlite3, WAL, synchronous=FULL, one INSERT per
 *   transaction) in the same directory;
 * - journal appends per second beside the same bare inserts per second;
 * - the drain of 20,000 entries queued offline to a real in-process hub (500 per
 *   push, 4 pushes in flight, SYNC.md) beside the same entries pushed to a copy of
 *   the same hub by a bare client that follows the spec and does nothing else.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import WebSocket from 'ws';
import { hashBody, publicKeyHex, signBody } from '@fedow/ledger';
import { nodeCrypto } from '@fedow/ledger/crypto-node';
import { SimulatorReader } from '@fedow/nfc';
import { APPEND_ENTRIES_MAX, HubMessage, PUSH_ENTRIES_MAX, PUSH_WINDOW_MAX, genesisBody, helloProof, type WireEntry } from '@fedow/protocol';
import {
  DATABASE_FILE_NAME,
  KEY_FILE_NAME,
  openAgent,
  openJournal,
  readKeyFile,
  systemClock,
  type EntryDraft,
  type Journal,
} from '@fedow/terminal';
import { buildHub, configFromEnv } from '@fedow/hub';
import { CASHIER, FAST_SYNC, approved, startWorld, waitFor } from '../../support/e2e';
import { percentile, report } from './report';

const TAPS = 1_000;
/** Between taps: a till's cashier is slower than this, and the hub gets its turn to ack. */
const TAP_PAUSE_MS = 3;
const BARE_COMMITS = 2_000;
const APPENDS = 2_000;
const DRAIN_ENTRIES = 20_000;
const DRAIN_CARDS = 1_000;
/** What a night's sales may take to reach the hub once the link is back. */
const DRAIN_GOAL_S = 60;
/** A body of about the size of a sale entry's canonical text. */
const ROW_BODY = 'x'.repeat(420);

export async function benchTerminal(): Promise<void> {
  console.log('\n== the till: tap → committed decision, journal appends, drain after a night offline (SQLite files on the working disk)');
  const dir = mkdtempSync(join(tmpdir(), 'fedow-bench-terminal-'));
  try {
    // Each figure's limit is measured right before it: the disk (and a shared
    // machine's load) changes from one minute to the next.
    const commitLimit = 'bare INSERT, own transaction, synchronous=FULL';
    const bareBeforeTaps = bareCommits(join(dir, 'bare-taps.db'));
    const taps = await tapLatencies();
    report({ name: `tap → committed decision p50 (${TAPS} taps, real agent)`, value: percentile(taps, 50), unit: 'ms', limit: percentile(bareBeforeTaps.latencies, 50), limitName: `${commitLimit}, p50`, better: 'lower' });
    report({ name: 'tap → committed decision p99', value: percentile(taps, 99), unit: 'ms', limit: percentile(bareBeforeTaps.latencies, 99), limitName: `${commitLimit}, p99`, better: 'lower', goal: '≤ 10 ms' });
    const bareBeforeAppends = bareCommits(join(dir, 'bare-appends.db'));
    const appends = journalAppends(join(dir, 'journal.db'));
    report({ name: 'journal append (one entry per transaction)', value: appends, unit: 'entries/s', limit: bareBeforeAppends.perSecond, limitName: commitLimit, better: 'higher' });
    const drain = await drainNight(dir);
    report({
      name: `drain ${DRAIN_ENTRIES.toLocaleString('en-US')} offline entries (agent, ${PUSH_ENTRIES_MAX}/push, window ${PUSH_WINDOW_MAX})`,
      value: drain.agentSeconds,
      unit: 's',
      limit: drain.bareSeconds,
      limitName: 'same entries, same hub copy, bare spec client',
      better: 'lower',
      goal: `≤ ${DRAIN_GOAL_S} s`,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The disk's floor: one fsync'd commit of one row, as the journal does it (WAL, FULL). */
function bareCommits(path: string): { latencies: number[]; perSecond: number } {
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec('CREATE TABLE rows (seq INTEGER PRIMARY KEY, body TEXT NOT NULL)');
    const insert = db.prepare<[number, string]>('INSERT INTO rows (seq, body) VALUES (?, ?)');
    for (let seq = 1; seq <= 50; seq++) insert.run(seq, ROW_BODY); // warm up
    const latencies: number[] = [];
    const started = performance.now();
    for (let seq = 51; seq < 51 + BARE_COMMITS; seq++) {
      const before = performance.now();
      insert.run(seq, ROW_BODY);
      latencies.push(performance.now() - before);
    }
    const perSecond = BARE_COMMITS / ((performance.now() - started) / 1_000);
    return { latencies: latencies.sort((a, b) => a - b), perSecond };
  } finally {
    db.close();
  }
}

/** Armed sale, then the reader's tap, until the outcome is in hand: what the cashier waits for. */
async function tapLatencies(): Promise<number[]> {
  const world = await startWorld({ cards: 50 });
  try {
    const reader = new SimulatorReader();
    const agent = await world.pairAgent({ place: 'A', name: 'Bench bar', reader });
    reader.tap(CASHIER);
    const cards = world.seeded.cards;
    for (const card of cards) approved(await agent.topUp({ amount: 1_000_000, payment: 'cash', asset: world.seeded.local }, card));
    await waitFor(() => cards.every((card) => agent.cache.lookup(card) !== undefined) && agent.snapshot().sync.pendingCount === 0, 30_000, 'funded cards');
    const latencies: number[] = [];
    for (let tap = 0; tap < TAPS; tap++) {
      const pending = agent.sale({ amount: 100 });
      const before = performance.now();
      reader.tap(cards[tap % cards.length]!);
      const outcome = await pending;
      latencies.push(performance.now() - before);
      approved(outcome);
      reader.remove();
      await new Promise((resolve) => setTimeout(resolve, TAP_PAUSE_MS));
    }
    await waitFor(() => agent.snapshot().sync.pendingCount === 0, 60_000, 'the bench sales acknowledged');
    return latencies.sort((a, b) => a - b);
  } finally {
    await world.close();
  }
}

/** A journal of its own (no hub needed): one signed entry per append, each its own transaction. */
function journalAppends(path: string): number {
  const secretKey = new Uint8Array(32).fill(3);
  const journal = openJournal(path, { crypto: nodeCrypto, secretKey });
  try {
    const publicKey = publicKeyHex(nodeCrypto, secretKey);
    const [terminal, place] = ['00000000-0000-7000-8000-000000000001', '00000000-0000-7000-8000-000000000002'];
    const hub = publicKeyHex(nodeCrypto, new Uint8Array(32).fill(4));
    const identity = { terminal, publicKey, place, placeName: 'Bench', hubPublicKey: hub, hubUrl: 'http://127.0.0.1:1', genesis: hashBody(nodeCrypto, genesisBody(terminal, publicKey, place, hub)) };
    const stored = journal.setIdentity(identity);
    if (!stored.ok) throw new Error(stored.message);
    const draft: EntryDraft = { kind: 'SAL', asset: place, amount: 100, card: '04A1B2C3', primary: CASHIER, auth: 'online' };
    for (let index = 0; index < 50; index++) append(journal, [draft]); // warm up
    const started = performance.now();
    for (let index = 0; index < APPENDS; index++) append(journal, [draft]);
    return APPENDS / ((performance.now() - started) / 1_000);
  } finally {
    journal.close();
  }
}

function append(journal: Journal, drafts: EntryDraft[]): void {
  const result = journal.append(drafts, { now: Date.now(), random: systemClock.random });
  if (!result.ok) throw new Error(`journal append: ${result.message}`);
}

/**
 * A till paired with a hub, then a night offline: DRAIN_ENTRIES top-ups and sales
 * committed to its journal. The hub's files are copied; a bare client pushes the
 * entries to a hub on the copy, then the agent drains them to the original hub
 * (and the bench checks the hub applied all of them).
 */
async function drainNight(dir: string): Promise<{ agentSeconds: number; bareSeconds: number }> {
  const world = await startWorld({ cards: DRAIN_CARDS });
  const copy = join(dir, 'hub-copy');
  try {
    const dataDir = join(world.directory('fedow-bench-drain-'), 'till');
    const paired = await world.pairAgent({ place: 'A', name: 'Bench night', reader: new SimulatorReader(), dataDir });
    const terminal = paired.snapshot().paired!.terminal;
    await paired.close();
    const key = readKeyFile(join(dataDir, KEY_FILE_NAME), nodeCrypto);
    if (!key.ok) throw new Error(key.message);
    fillNight(join(dataDir, DATABASE_FILE_NAME), key.key.secretKey, world.seeded.cards, world.seeded.local);

    await world.stop();
    copyHubFiles(world.seeded.dir, copy);
    await world.start();

    const journal = openJournal(join(dataDir, DATABASE_FILE_NAME), { crypto: nodeCrypto, secretKey: key.key.secretKey });
    const wire = journal.entriesFrom(1, DRAIN_ENTRIES);
    journal.close();
    const bareSeconds = await bareDrain(copy, terminal, key.key.secretKey, wire);
    const agent = openAgent({ dataDir, reader: new SimulatorReader(), syncTuning: FAST_SYNC, language: 'en' });
    let agentSeconds: number;
    try {
      const started = performance.now();
      agent.start();
      await waitFor(() => agent.snapshot().sync.pendingCount === 0, 600_000, 'the agent to drain');
      agentSeconds = (performance.now() - started) / 1_000;
    } finally {
      await agent.close();
    }
    const entries = await world.entries(terminal);
    if (entries.length !== DRAIN_ENTRIES || entries.some((entry) => entry.status !== 'applied')) {
      throw new Error(`bench: the hub holds ${entries.length} entries, ${entries.filter((entry) => entry.status !== 'applied').length} not applied`);
    }

    return { agentSeconds, bareSeconds };
  } finally {
    await world.close();
    rmSync(copy, { recursive: true, force: true });
  }
}

/** Offline top-ups and sales over many cards, in transactions of APPEND_ENTRIES_MAX (a split sale's largest). */
function fillNight(path: string, secretKey: Uint8Array, cards: readonly string[], asset: string): void {
  const journal = openJournal(path, { crypto: nodeCrypto, secretKey });
  try {
    let index = 0;
    while (index < DRAIN_ENTRIES) {
      const drafts: EntryDraft[] = [];
      for (; drafts.length < APPEND_ENTRIES_MAX && index < DRAIN_ENTRIES; index++) {
        const card = cards[Math.floor(index / 2) % cards.length]!;
        drafts.push(index % 2 === 0 ? { kind: 'REF', asset, amount: 1_000, card, primary: CASHIER, auth: 'offline', meta: { payment: 'cash' } } : { kind: 'SAL', asset, amount: 300, card, primary: CASHIER, auth: 'offline' });
      }
      append(journal, drafts);
    }
  } finally {
    journal.close();
  }
}

/** The hub's files, closed: a second hub on the copy starts from the very same state. */
function copyHubFiles(from: string, to: string): void {
  rmSync(to, { recursive: true, force: true });
  mkdirSync(to);
  for (const name of ['fedow.sqlite', 'fedow.sqlite-wal', 'fedow.sqlite-shm', 'hub.key']) {
    if (existsSync(join(from, name))) copyFileSync(join(from, name), join(to, name));
  }
}

/** SYNC.md and nothing else: challenge, hello, pushes of 500 with 4 in flight until the last ack, `updated` for each update. */
async function bareDrain(hubDir: string, terminal: string, secretKey: Uint8Array, entries: readonly WireEntry[]): Promise<number> {
  const hub = await buildHub(configFromEnv({}, { databaseUrl: `sqlite:${join(hubDir, 'fedow.sqlite')}`, keyPath: join(hubDir, 'hub.key'), log: false }));
  try {
    await hub.app.listen({ host: '127.0.0.1', port: 0 });
    const address = hub.app.server.address();
    if (typeof address !== 'object' || address === null) throw new Error('the hub copy is not listening');
    const started = performance.now();
    await pushAll(`ws://127.0.0.1:${address.port}/sync`, terminal, secretKey, entries);
    return (performance.now() - started) / 1_000;
  } finally {
    await hub.close();
  }
}

function pushAll(url: string, terminal: string, secretKey: Uint8Array, entries: readonly WireEntry[]): Promise<void> {
  const last = entries[entries.length - 1]!.body.seq;
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    let next = 0;
    let inFlight = 0;
    const pump = () => {
      while (inFlight < PUSH_WINDOW_MAX && next < entries.length) {
        socket.send(JSON.stringify({ type: 'push', entries: entries.slice(next, next + PUSH_ENTRIES_MAX) }));
        next += PUSH_ENTRIES_MAX;
        inFlight++;
      }
    };
    socket.on('message', (data) => {
      const message = HubMessage.parse(JSON.parse(data.toString()));
      switch (message.type) {
        case 'challenge': {
          const { sig } = signBody(nodeCrypto, secretKey, helloProof(terminal, message.nonce, message.hub));
          socket.send(JSON.stringify({ type: 'hello', terminal, protocol: 1, agent: 'bench-bare/1', sig }));
          return;
        }
        case 'welcome':
          return pump();
        case 'ack':
          inFlight--;
          if (message.lastSeq >= last) {
            socket.close();
            return resolve();
          }
          return pump();
        case 'update':
          // Stored nowhere, but acknowledged as SYNC.md asks, so the hub's feed moves on.
          return socket.send(JSON.stringify({ type: 'updated', cursor: message.cursor }));
        case 'ping':
          return socket.send(JSON.stringify({ type: 'pong', t: message.t }));
        case 'error':
          socket.close();
          return reject(new Error(`bare client: ${message.code}: ${message.message}`));
        default:
          return;
      }
    });
    socket.once('error', reject);
  });
}
