import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimulatorReader } from '@fedow/nfc';
import { CardUid, type SaleLine } from '@fedow/protocol';
import { openAgent, type TillAgent } from '../agent/agent';
import type { Outcome } from '../agent/outcome';
import type { SyncState } from '../sync/sync-client';

/**
 * A simulated till: the real agent (journal, authoriser, card cache, sync client)
 * with a simulator reader, driven by a load profile instead of a cashier. Used by
 * the demo (`npm start` starts a few) and by load tests against a real hub.
 *
 * - `bar`: sales of 1–3 drinks to random known cards; about 1 tap in 20 is a card
 *   the hub does not know, and short balances decline on their own.
 * - `topup`: top-ups of the place's local currency, paid cash or by bank card.
 *
 * Every operation goes through the reader: the action is armed, then the card
 * is tapped, exactly as a cashier does it.
 */

export type SimulatedProfile = 'bar' | 'topup';

export interface SimulatedTillOptions {
  hubUrl: string;
  /** Needed on first start; a data directory already paired ignores it. */
  code?: string;
  profile: SimulatedProfile;
  /** Card UIDs to tap (see readCardsCsv). */
  cards: readonly string[];
  /** Operations per second. */
  rate: number;
  name?: string;
  /** Default: a new temporary directory. */
  dataDir?: string;
  /** The cashier card; default the first primary card the hub sends. */
  primary?: string;
  /** Seed of the load's choices (cards, drinks, amounts): same seed, same load. */
  seed?: string;
  /** Receives the periodic one-line status; default none. */
  log?: (line: string) => void;
  statusEveryMs?: number;
}

export interface SimulatedTillState {
  name: string;
  profile: SimulatedProfile;
  status: 'pairing' | 'waiting' | 'running' | 'stopped' | 'failed';
  message?: string;
  approved: number;
  declined: number;
  declines: Record<string, number>;
  /** Minor units approved (sales for bar, top-ups for topup). */
  volume: number;
  sync: SyncState | null;
  dataDir: string;
}

export interface SimulatedTill {
  stop(): Promise<void>;
  state(): SimulatedTillState;
  readonly agent: TillAgent | null;
}

const DRINKS: readonly Omit<SaleLine, 'qty'>[] = [
  { label: 'Bière', unit: 350 },
  { label: 'Vin', unit: 400 },
  { label: 'Soft', unit: 250 },
  { label: 'Café', unit: 150 },
];
const TOP_UPS = [1_000, 1_500, 2_000, 5_000];
const UNKNOWN_CARD_RATIO = 0.05;
const RATE_MAX = 200;

/** The `tag_id` column of a card batch CSV (`qr_url,number,tag_id`). */
export function readCardsCsv(path: string): string[] {
  const [header, ...lines] = readFileSync(path, 'utf8').split(/\r?\n/).filter((line) => line.trim() !== '');
  const column = (header ?? '').split(',').map((name) => name.trim()).indexOf('tag_id');
  if (column < 0) throw new Error(`${path}: no tag_id column`);
  return lines.map((line) => line.split(',')[column]!.trim().toUpperCase()).filter((uid) => CardUid.safeParse(uid).success);
}

/** mulberry32 over a hash of the seed: small, fast, deterministic. */
export function seededUniform(seed: string): () => number {
  let state = 0;
  for (const char of seed) state = (Math.imul(state, 31) + char.charCodeAt(0)) | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export async function startSimulatedTill(options: SimulatedTillOptions): Promise<SimulatedTill> {
  if (!(options.rate > 0 && options.rate <= RATE_MAX)) throw new RangeError(`rate must be in (0, ${RATE_MAX}] operations per second`);
  if (options.cards.length === 0) throw new RangeError('a simulated till needs at least one card');
  const name = options.name ?? (options.profile === 'bar' ? 'Bar (simulated)' : 'Top-up desk (simulated)');
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'fedow-simulated-till-'));
  const uniform = seededUniform(options.seed ?? name);
  const reader = new SimulatorReader({ name: `${name} reader` });
  const agent = openAgent({ dataDir, reader, language: 'en', agentName: 'fedow-simulated-till/0.1.0' });
  const state: SimulatedTillState = {
    name,
    profile: options.profile,
    status: 'pairing',
    approved: 0,
    declined: 0,
    declines: {},
    volume: 0,
    sync: null,
    dataDir,
  };
  agent.start();

  if (!agent.snapshot().paired) {
    if (!options.code) {
      state.status = 'failed';
      state.message = 'not paired and no pairing code';
    } else {
      const paired = await agent.pair(options.hubUrl, options.code, name);
      if (!paired.ok) {
        state.status = 'failed';
        state.message = `pairing failed: ${paired.code}: ${paired.message}`;
      }
    }
  }
  if (state.status === 'pairing') state.status = 'waiting';

  const pick = <T>(values: readonly T[]): T => values[Math.floor(uniform() * values.length)]!;
  const record = (outcome: Outcome): void => {
    if (outcome.approve) {
      state.approved++;
      state.volume += outcome.total;
    } else if (outcome.code !== 'cancelled') {
      state.declined++;
      state.declines[outcome.code] = (state.declines[outcome.code] ?? 0) + 1;
    }
  };

  const unlock = (): boolean => {
    if (agent.snapshot().session) return true;
    const primary = options.primary ?? [...agent.cache.primaries()][0];
    if (primary === undefined) {
      state.message = 'waiting for a cashier card from the hub';
      return false;
    }
    reader.tap(primary);
    reader.remove();
    const unlocked = agent.snapshot().session !== null;
    state.message = unlocked ? undefined : `cashier card ${primary} refused`;
    return unlocked;
  };

  const operate = (): void => {
    if (state.status !== 'waiting' && state.status !== 'running') return;
    if (!unlock()) return;
    state.status = 'running';
    const pending = options.profile === 'bar' ? armSale() : agent.topUp({ amount: pick(TOP_UPS), payment: uniform() < 0.5 ? 'cash' : 'card' });
    void pending.then(record);
    reader.tap(options.profile === 'bar' && uniform() < UNKNOWN_CARD_RATIO ? unknownCard() : pick(options.cards));
    reader.remove();
  };

  const armSale = (): Promise<Outcome> => {
    const drinks = 1 + Math.floor(uniform() * 3);
    const lines = new Map<string, SaleLine>();
    for (let index = 0; index < drinks; index++) {
      const drink = pick(DRINKS);
      const line = lines.get(drink.label);
      lines.set(drink.label, line ? { ...line, qty: line.qty + 1 } : { ...drink, qty: 1 });
    }
    return agent.sale({ lines: [...lines.values()] });
  };

  const unknownCard = (): string =>
    `F0${Array.from({ length: 3 }, () => Math.floor(uniform() * 256).toString(16).padStart(2, '0')).join('')}`.toUpperCase();

  const describe = (): string => {
    const sync = agent.snapshot().sync;
    const since = sync.lastSyncAt === null ? 'never' : `${((Date.now() - sync.lastSyncAt) / 1000).toFixed(1)} s ago`;
    const declines = Object.entries(state.declines).map(([code, count]) => `${code} ${count}`).join(', ');
    return (
      `[${name}] ${state.status === 'running' ? sync.status : state.status}${sync.reason ? ` (${sync.reason})` : ''} · ` +
      `${state.approved} ok · ${state.declined} declined${declines ? ` (${declines})` : ''} · ` +
      `pending ${sync.pendingCount} · lag ${sync.lagEntries} · last sync ${since}${state.message ? ` · ${state.message}` : ''}`
    );
  };

  const operations = state.status === 'failed' ? null : setInterval(operate, 1_000 / options.rate);
  const status = options.log ? setInterval(() => options.log!(describe()), options.statusEveryMs ?? 5_000) : null;
  if (state.status === 'failed') options.log?.(describe());

  let stopped: Promise<void> | null = null;
  return {
    agent,
    state: () => ({ ...state, declines: { ...state.declines }, sync: agent.journal.open ? agent.snapshot().sync : state.sync }),
    stop() {
      stopped ??= (async () => {
        if (operations) clearInterval(operations);
        if (status) clearInterval(status);
        state.sync = agent.snapshot().sync;
        if (state.status !== 'failed') state.status = 'stopped';
        await agent.close();
      })();
      return stopped;
    },
  };
}
