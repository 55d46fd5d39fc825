import type { Outcome } from '@fedow/terminal';
import { Rng } from './rng';
import { checkConvergence, checkLedger, checkTillsStored } from './invariants';
import { SIM_EPOCH, SimWorld, type SimTill } from './world';

/**
 * One schedule: a seed decides everything — the tills' clock skews, what the
 * cashiers do (sell, top up, refund, void, on a shared population of cards),
 * when the network delays, cuts, black-holes or partitions, when a till or the
 * hub crashes — and the invariants are checked at checkpoints, then once the
 * network has healed. A failure names its seed; `npm run sim -- --seed S
 * --schedules 1` replays it.
 */

export interface ScheduleOptions {
  tills: number;
  cards: number;
  steps: number;
  /** Checks the ledger every this many steps. */
  checkpointEvery: number;
}

export const DEFAULT_SCHEDULE: ScheduleOptions = { tills: 3, cards: 8, steps: 40, checkpointEvery: 20 };

export interface ScheduleResult {
  seed: number;
  outcomes: Record<string, number>;
  virtualMinutes: number;
  /** Every event of the schedule, in order, hashed: the same seed gives the same digest. */
  fingerprint: string;
}

export class ScheduleFailure extends Error {
  constructor(
    readonly seed: number,
    message: string,
    readonly trace: string[],
  ) {
    super(`schedule ${seed}: ${message}`);
  }
}

export async function runSchedule(seed: number, options: ScheduleOptions = DEFAULT_SCHEDULE): Promise<ScheduleResult> {
  const rng = new Rng(seed);
  const world = await SimWorld.create(rng, { tills: options.tills, cards: options.cards, faults: { latencyMs: [1, 40], blackHole: 0.004 } });
  const outcomes: Record<string, number> = {};
  const count = (what: string) => void (outcomes[what] = (outcomes[what] ?? 0) + 1);
  try {
    for (let step = 1; step <= options.steps; step++) {
      await playStep(world, rng, count);
      if (step % options.checkpointEvery === 0) await checkLedger(world, `at step ${step}`);
    }
    await heal(world);
    await checkLedger(world, 'after healing');
    await checkTillsStored(world);
    await checkConvergence(world);
    for (const [what, n] of Object.entries(world.network.counts)) outcomes[`network ${what}`] = n;
    return { seed, outcomes, virtualMinutes: Math.round((world.scheduler.now - SIM_EPOCH) / 60_000), fingerprint: world.scheduler.fingerprint() };
  } catch (error) {
    throw new ScheduleFailure(seed, error instanceof Error ? error.message : String(error), world.scheduler.trace.slice(-25));
  } finally {
    await world.close();
  }
}

async function playStep(world: SimWorld, rng: Rng, count: (what: string) => void): Promise<void> {
  const till = rng.pick(world.tills);
  if (till.up) await cashier(world, till, rng, count);
  // A fault strikes a few milliseconds later: the entry just sold, its push or its ack are still on the wire.
  await world.advance(rng.int(0, 60));
  const roll = rng.next();
  const victim = rng.pick(world.tills);
  if (roll < 0.04) {
    world.network.partition(victim.name, rng.int(10_000, 15 * 60_000), rng.int(0, 60_000));
    count('fault: partition');
  } else if (roll < 0.06) {
    await world.crashHub(rng.int(0, 30_000));
    count('fault: hub crash');
  } else if (roll < 0.09 && victim.up) {
    await world.crashTill(victim, rng.int(0, 60_000));
    count('fault: till crash');
  }
  await world.advance(rng.int(0, 5_000));
}

/** What a cashier does at the till: mostly sales, some top-ups, now and then a refund or a void. */
async function cashier(world: SimWorld, till: SimTill, rng: Rng, count: (what: string) => void): Promise<void> {
  const { agent } = till;
  if (!agent.snapshot().session) {
    const unlocked = agent.unlock(world.cashierOf(till));
    if (!unlocked.ok) return count(`unlock refused: ${unlocked.code}`);
  }
  const card = rng.pick(world.fixture.cards);
  const asset = world.fixture.local;
  const roll = rng.next();
  let outcome: Outcome;
  let action: string;
  if (roll < 0.55) {
    action = 'sale';
    outcome = await agent.sale({ amount: rng.int(50, 2_500), asset }, card);
  } else if (roll < 0.85) {
    action = 'top-up';
    outcome = await agent.topUp({ amount: rng.int(500, 5_000), payment: rng.chance(0.5) ? 'cash' : 'card', asset }, card);
  } else if (roll < 0.97) {
    action = 'refund';
    outcome = await agent.refund({ asset }, card);
  } else {
    action = 'void';
    outcome = await agent.voidCard(card);
  }
  count(outcome.approve ? `${action} approved ${outcome.auth}` : `${action} declined ${outcome.code}`);
}

/** The network heals and every till is up: time passes until the tills have pushed and the feed has caught up. */
async function heal(world: SimWorld): Promise<void> {
  world.network.faults.blackHole = 0;
  world.network.heal();
  // Reconnection backoff reaches 30 s and a black-holed connection takes 45 s of silence to give up: 3 minutes cover both.
  for (let minute = 0; minute < 4; minute++) await world.advance(60_000);
}
