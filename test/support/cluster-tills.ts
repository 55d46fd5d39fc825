/**
 * Real till agents (journal, authoriser, card cache, sync client) paired through
 * the balancer, each selling and topping up on a shared population of cards while
 * a test does its worst to the hubs behind it.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { SimulatorReader } from '@fedow/nfc';
import { openAgent, type Outcome, type TillAgent } from '@fedow/terminal';
import { journalEntries, waitFor } from '../../support/e2e';
import { FAST_SYNC } from '../../support/sync-tuning';

/**
 * Quick reconnection, as in the other end-to-end tests, but a silence limit that
 * a busy 2-core machine running three hubs and thirty tills does not reach: a
 * killed hub closes its sockets, the tills need no silence to notice.
 */
const FLEET_SYNC = { ...FAST_SYNC, heartbeatMs: 2_000, silenceMsMax: 20_000 };

/**
 * The journals live in memory (tmpfs) when the machine has one, as the test
 * PostgreSQL runs with fsync=off: thirty tills share this process's event loop,
 * and every journal commit and card-cache write is a synchronous fsync on it
 * (each card change reaches all thirty caches), so on a busy disk one slow
 * flush stalled every till at once. No till is killed here: what their
 * journals promise across a crash is e2e-agent-kill's test.
 */
const FLEET_ROOT = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();

const TOP_UP = 1_000;
const BEER = { label: 'Bière', unit: 350, qty: 1 };

export interface LoadedTill {
  readonly name: string;
  readonly agent: TillAgent;
  readonly outcomes: { approved: number; declined: number };
}

export interface TillFleet {
  readonly tills: readonly LoadedTill[];
  /** Every till taps one of `cards` every `everyMs`: a top-up, then sales, in turn. */
  startLoad(cards: readonly string[], everyMs: number): void;
  stopLoad(): Promise<void>;
  /** One line per till: its sync state and catalogue (for a failing test's message). */
  describe(tills: readonly LoadedTill[]): string;
  /** This process's event-loop delay since the last call (p99 and max, ms): how late every till was. */
  loopDelay(): { p99: number; max: number };
  /** Until every till is connected and welcomed. */
  online(timeoutMs: number): Promise<void>;
  /** Until every till's journal is acknowledged by the hubs. */
  drained(timeoutMs: number): Promise<void>;
  /** Every entry each till committed: what the hubs must hold exactly once. */
  committed(): Map<string, { seq: number; id: string; hash: string }[]>;
  close(): Promise<void>;
}

export async function pairFleet(options: { hubUrl: string; codes: readonly string[]; cashier: string }): Promise<TillFleet> {
  const root = mkdtempSync(join(FLEET_ROOT, 'fedow-fleet-'));
  // How late this process's timers ran: a failing timing check says whether the tills' own loop was the bottleneck.
  const loopDelay = monitorEventLoopDelay({ resolution: 20 });
  loopDelay.enable();
  const tills: LoadedTill[] = [];
  let timer: NodeJS.Timeout | null = null;
  const close = async () => {
    if (timer) clearInterval(timer);
    loopDelay.disable();
    for (const till of tills) await till.agent.close();
    rmSync(root, { recursive: true, force: true });
  };
  try {
    await Promise.all(
      options.codes.map(async (code, index) => {
        const name = `till-${index + 1}`;
        const agent = openAgent({ dataDir: join(root, name), reader: new SimulatorReader({ name }), syncTuning: FLEET_SYNC, language: 'en' });
        tills.push({ name, agent, outcomes: { approved: 0, declined: 0 } });
        agent.start();
        const paired = await agent.pair(options.hubUrl, code, name);
        if (!paired.ok) throw new Error(`${name}: pairing failed: ${paired.code}: ${paired.message}`);
        await waitFor(() => agent.snapshot().sync.status === 'online' && agent.cache.primaries().has(options.cashier), 60_000, `${name} online with its first snapshot`);
        const unlocked = agent.unlock(options.cashier);
        if (!unlocked.ok) throw new Error(`${name}: the cashier card was refused`);
      }),
    );
  } catch (error) {
    await close();
    throw error;
  }

  const busy = new Set<Promise<void>>();
  let turn = 0;
  const operate = (till: LoadedTill, card: string, topUp: boolean): void => {
    const pending: Promise<Outcome> = topUp ? till.agent.topUp({ amount: TOP_UP, payment: 'cash' }, card) : till.agent.sale({ lines: [BEER] }, card);
    const done = pending.then((outcome) => void (outcome.approve ? till.outcomes.approved++ : till.outcomes.declined++));
    busy.add(done);
    void done.finally(() => busy.delete(done));
  };

  return {
    tills,
    startLoad(cards, everyMs) {
      timer = setInterval(() => {
        turn++;
        tills.forEach((till, index) => operate(till, cards[(turn * 7 + index * 13) % cards.length]!, (turn + index) % 3 === 0));
      }, everyMs);
    },
    async stopLoad() {
      if (timer) clearInterval(timer);
      timer = null;
      await Promise.all([...busy]);
    },
    describe(which) {
      return which.map((till) => {
        const { sync } = till.agent.snapshot();
        const ago = (at: number | null) => (at === null ? 'never' : `${((Date.now() - at) / 1000).toFixed(1)} s ago`);
        return `${till.name} (${till.agent.journal.identity()?.terminal}): ${sync.status}${sync.reason ? ` (${sync.reason}: ${sync.message ?? ''})` : ''}, pending ${sync.pendingCount}, welcomed ${ago(sync.lastWelcomeAt)}, last heard ${ago(sync.lastSyncAt)}, catalogue [${till.agent.catalogue().map((item) => item.label).join(', ')}]`;
      }).join('\n');
    },
    loopDelay() {
      const figures = { p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 };
      loopDelay.reset();
      return figures;
    },
    async online(timeoutMs) {
      await waitFor(() => tills.every((till) => till.agent.snapshot().sync.status === 'online'), timeoutMs, 'every till online');
    },
    async drained(timeoutMs) {
      await waitFor(() => tills.every((till) => till.agent.snapshot().sync.pendingCount === 0), timeoutMs, 'every till acknowledged');
    },
    committed() {
      return new Map(tills.map((till) => [till.agent.journal.identity()!.terminal, journalEntries(till.agent)]));
    },
    close,
  };
}
