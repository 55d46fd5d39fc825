import {
  INGEST_SHARED_TURN_ENTRIES_MAX,
  INGEST_TURN_ENTRIES_MAX,
  QUARANTINE_FIRST_KEPT_MAX,
  QUARANTINE_FREEZE_ENTRIES,
  QUARANTINE_LATEST_KEPT_MAX,
  type AckResult,
  type WireEntry,
} from '@fedow/protocol';
import { sql } from 'drizzle-orm';
import { iso } from '../clock';
import type { HubContext } from '../context';
import { lockLedger } from '../storage/ledger-lock';
import { prepared } from '../storage/prepared';
import * as repo from '../storage/repo';
import type { Tx } from '../storage/types';
import { recordEvents } from '../outbox/events';
import { persistPlan, quarantineRows } from './persist';
import { recordShifts } from '../shifts/record';
import { ingestWriter } from './writer';
import { planPush, type ChainHead, type KeyHolder, type PushPlan, type Stop, type StoredEntry } from './push';
import type { CryptoPool, Verdict } from '../crypto/pool';
import { clashEntryKey } from './entry-key';
import { FairTurns } from './turns';
import { PushChecks } from './checks';
import { effectivePolicy, SharedWorkingSet } from './working-set';

export interface PushAck {
  lastSeq: number;
  results: AckResult[];
  stop: Stop | null;
}

/**
 * The acks of a batch. `frozen`: the till reached QUARANTINE_FREEZE_ENTRIES with
 * this batch and was frozen in its transaction; the session closes after the acks.
 */
export type BatchOutcome = { kind: 'acks'; acks: PushAck[]; cardIds: string[]; frozen: boolean } | { kind: 'refused'; status: 'frozen' | 'revoked' | 'unknown' };

/** A push waiting to be applied, with its signature checks under way, their verdicts job by job (`Ingest.check`). */
export interface PendingPush {
  entries: readonly WireEntry[];
  checks: PushChecks;
}

/** A run of consecutive entries of one push, applied in one turn. */
interface Slice {
  push: number;
  entries: readonly WireEntry[];
  verdicts: readonly Verdict[];
}

/** What is left of a push: its entries from `offset` on. */
interface Rest {
  push: number;
  offset: number;
  entries: readonly WireEntry[];
  checks: PushChecks;
}

/**
 * Tills whose turns share one transaction (one commit, one fsync, one round of
 * card updates): each turn keeps its own budget, so a round holds at most
 * INGEST_TURN_ENTRIES_MAX entries, as one till's turn alone does.
 */
const TURNS_PER_ROUND = INGEST_TURN_ENTRIES_MAX / INGEST_SHARED_TURN_ENTRIES_MAX;

/** A turn that failed inside its round, rolled back to its savepoint: the others commit. */
class TurnFailed {
  constructor(readonly error: unknown) {}
}

type TurnOutcome =
  | { kind: 'refused'; status: 'frozen' | 'revoked' | 'unknown' }
  | { kind: 'applied'; plans: PushPlan[]; head: ChainHead; cardIds: string[]; frozen: boolean };

/**
 * What the turns of one round share besides their transaction: the working set
 * (a card is read once per round, not once per turn) and the cards they
 * changed, appended to the card change stream once, at the round's end. A round
 * run again with savepoints (`isolate`) shares no working set: a turn rolled
 * back would leave its decisions in it.
 */
class Round {
  readonly workingSet = new SharedWorkingSet();
  readonly changedCards = new Set<string>();
  /** The card change stream's cursor after this round's changes; set before its commit. */
  cursor: number | undefined;

  constructor(readonly tx: Tx) {}
}

/**
 * Ingest of pushes: signatures are verified on the worker pool, then the pushes
 * a till has queued are decided and written in turns, each moving the till's
 * head once (SYNC.md's push batch); the turns of up to TURNS_PER_ROUND tills
 * share ONE database transaction, a round, and each push's ack is built only
 * from what committed. Rounds are taken one at a time per hub process (and per
 * database on PostgreSQL), and turns one after the other inside them, so two
 * tills selling on the same card never both read the balance before the other's
 * debit; tills take them round robin, and a turn is short while other tills wait.
 */
export class Ingest {
  private readonly turns: FairTurns<Round>;
  /** Tills with a batch at the ingest now (waiting for checks or turns, or applying). */
  private batches = 0;

  constructor(
    private readonly context: HubContext,
    private readonly pool: CryptoPool,
  ) {
    this.turns = new FairTurns<Round>({
      keysPerRound: TURNS_PER_ROUND,
      round: (work) =>
        this.context.storage.transaction(async (tx) => {
          const round = new Round(tx);
          await work(round);
          round.cursor = await repo.appendCardChanges(tx, [...round.changedCards], iso(this.context.clock.now()));
        }),
    });
  }

  /**
   * Hash and signature checks of a push, on the worker pool, in turns with the
   * other tills' (`key`: the till), their verdicts heard job by job. A session
   * starts them as soon as a push arrives, so they overlap the apply of the
   * pushes before; a failed job fails the push's checks (`PushChecks.until`).
   */
  check(publicKey: string, entries: readonly WireEntry[], key = publicKey): PendingPush {
    const checks = new PushChecks(entries.length);
    this.pool.verify(publicKey, entries, key, (start, verdicts) => checks.add(start, verdicts)).catch((error: unknown) => checks.fail(error));
    return { entries, checks };
  }

  /** Drops the signature checks of `key` no worker has started: its connection closed. */
  drop(key: string): void {
    this.pool.drop(key);
  }

  /**
   * Pushes of one till, in order, in as few turns as fairness allows; one ack per
   * push. Once `abandoned()` says nobody will read the acks (the connection
   * closed), no further turn is taken: the acks cover what committed.
   */
  async pushBatch(terminalId: string, pushes: readonly PendingPush[], abandoned: () => boolean = () => false): Promise<BatchOutcome> {
    if (this.batches++ === 0) this.context.events.emit('ingest-load', { busy: true });
    try {
      return await this.applyBatch(terminalId, pushes, abandoned);
    } finally {
      if (--this.batches === 0) this.context.events.emit('ingest-load', { busy: false });
    }
  }

  private async applyBatch(terminalId: string, pushes: readonly PendingPush[], abandoned: () => boolean): Promise<BatchOutcome> {
    const remaining: Rest[] = pushes
      .map((push, index) => ({ push: index, offset: 0, entries: push.entries, checks: push.checks }))
      .filter((rest) => rest.entries.length > 0);
    const acks: (PushAck | null)[] = pushes.map(() => null);
    const cardIds = new Set<string>();
    let head: ChainHead | null = null;
    let frozen = false;
    while (remaining.length > 0) {
      // The turn is asked for once the first push is checked whole, and takes
      // whatever of the batch is checked by then, within its budget. A till alone
      // at the ingest waits for its whole batch, as before rounds: applying half
      // of it while the workers check the rest measured no faster on a loaded
      // machine and cost more CPU (PERFORMANCE.md), each turn paying its working
      // set, its commit and a round of card updates.
      await untilChecked(remaining, this.batches === 1 ? Infinity : remaining[0]!.entries.length);
      const started = performance.now();
      // Taken once: a round that failed is run again (isolated) with the same slices.
      let taken: Slice[] | null = null;
      const outcome = await this.turns.run(terminalId, async (othersWaiting, round, sharedBy, isolate) => {
        // Checked when the turn comes: the connection may have closed while it waited.
        if (abandoned()) return null;
        const budget = othersWaiting ? Math.max(INGEST_SHARED_TURN_ENTRIES_MAX, Math.floor(INGEST_TURN_ENTRIES_MAX / sharedBy)) : INGEST_TURN_ENTRIES_MAX;
        const turn = (taken ??= takeTurn(remaining, budget));
        const { tx } = round;
        const applied = isolate ? await this.isolated(tx, () => this.apply(tx, terminalId, turn, new SharedWorkingSet())) : await this.apply(tx, terminalId, turn, round.workingSet);
        // Only a turn that stays in the round has its cards in the change stream.
        if (!(applied instanceof TurnFailed) && applied.kind === 'applied') for (const card of applied.cardIds) round.changedCards.add(card);
        return { applied, turn, round };
      });
      if (outcome === null) break;
      if (outcome.applied instanceof TurnFailed) throw outcome.applied.error;
      const { applied, turn, round } = outcome as { applied: TurnOutcome; turn: Slice[]; round: Round };
      // A till refused after an earlier turn of the batch committed: the till resends what was not acked.
      if (applied.kind === 'refused') return applied;
      this.report(terminalId, applied, round.cursor, started);
      for (const card of applied.cardIds) cardIds.add(card);
      head = applied.head;
      for (const [index, plan] of applied.plans.entries()) mergeAck(acks, turn[index]!.push, plan);
      frozen = applied.frozen;
      // After a gap, a fork or a freeze, nothing more of this batch enters the chain:
      // the later pushes get acks without results, as they would one by one.
      if (frozen || applied.plans.some((plan) => plan.stop !== null)) break;
    }
    if (head === null) return { kind: 'acks', acks: [], cardIds: [], frozen: false };
    const last = head;
    return { kind: 'acks', acks: acks.map((ack) => ack ?? { lastSeq: last.lastSeq, results: [], stop: null }), cardIds: [...cardIds], frozen };
  }

  /**
   * A turn in a round shared with other tills, run again after the round failed:
   * its writes behind a savepoint, so that its failure rolls back its own writes
   * only and the others' commit.
   */
  private async isolated(tx: Tx, apply: () => Promise<TurnOutcome>): Promise<TurnOutcome | TurnFailed> {
    await savepoint(tx, 'SAVEPOINT ingest_turn');
    try {
      const outcome = await apply();
      await savepoint(tx, 'RELEASE SAVEPOINT ingest_turn');
      return outcome;
    } catch (error) {
      await savepoint(tx, 'ROLLBACK TO SAVEPOINT ingest_turn');
      await savepoint(tx, 'RELEASE SAVEPOINT ingest_turn');
      return new TurnFailed(error);
    }
  }

  private report(terminalId: string, turn: Extract<TurnOutcome, { kind: 'applied' }>, cursor: number | undefined, started: number): void {
    const { plans } = turn;
    this.context.events.emit('ingested', {
      terminal: terminalId,
      applied: count(plans, (plan) => plan.chained.filter((entry) => entry.status === 'applied').length),
      rejected: count(plans, (plan) => plan.chained.filter((entry) => entry.status === 'rejected').length),
      duplicates: count(plans, (plan) => plan.results.filter((result) => result.status === 'duplicate').length),
      quarantined: count(plans, (plan) => plan.quarantined.length),
      lastSeq: turn.head.lastSeq,
      latencyMs: performance.now() - started,
    });
    if (cursor !== undefined && turn.cardIds.length > 0) this.context.events.emit('cards-changed', { cardIds: turn.cardIds, cursor });
  }

  /** `workingSet`: the round's, or one of the turn's own (a turn behind a savepoint). */
  private async apply(tx: Tx, terminalId: string, turn: readonly Slice[], workingSet: SharedWorkingSet): Promise<TurnOutcome> {
    // A round runs its turns without a break for the event loop (SQLite): the
    // workers hear of their next jobs here and every few dozen rows written
    // (ingestWriter), not only once the round is over.
    this.pool.refill();
    await lockLedger(tx);
    const terminal = await repo.getTerminal(tx, terminalId);
    if (!terminal) return { kind: 'refused', status: 'unknown' };
    if (terminal.status !== 'active') return { kind: 'refused', status: terminal.status };
    const place = await repo.getPlace(tx, terminal.placeId);
    if (!place) throw new Error(`terminal ${terminalId} belongs to no place`);
    const now = iso(this.context.clock.now());
    const all = turn.flatMap((slice) => slice.entries);
    const stored = await this.storedEntries(tx, terminalId, terminal.lastSeq, all);
    const state = await workingSet.for(tx, terminal.placeId, all.flatMap((entry) => [entry.body.card, entry.body.primary]));
    const context = { terminal: terminalId, place: terminal.placeId, policy: effectivePolicy(place.offlinePolicy, terminal.policyOverrides), at: now, newId: this.context.newId };
    const refill = () => this.pool.refill();
    const writer = ingestWriter(tx, refill);
    const plans: PushPlan[] = [];
    const cardIds = new Set<string>();
    let head = { lastSeq: terminal.lastSeq, lastHash: terminal.lastHash };
    for (const slice of turn) {
      if (plans.some((plan) => plan.stop !== null)) break;
      const plan = planPush(slice.entries, slice.verdicts, head, stored.bySeq, stored.byKey, state, context);
      refill();
      for (const card of await persistPlan(tx, writer, terminalId, plan, state, now)) cardIds.add(card);
      refill();
      await recordShifts(tx, { id: terminalId, placeId: terminal.placeId }, plan.chained);
      for (const { entry, key } of plan.chained) {
        stored.bySeq.set(entry.body.seq, { seq: entry.body.seq, id: entry.body.id, hash: entry.hash });
        stored.byKey.set(key, { terminal: terminalId, seq: entry.body.seq });
      }
      head = plan.head;
      plans.push(plan);
    }
    const quarantined = plans.flatMap((plan) => quarantineRows(terminalId, plan, now));
    const bounds = { countBefore: terminal.quarantinedCount, firstKept: QUARANTINE_FIRST_KEPT_MAX, latestKept: QUARANTINE_LATEST_KEPT_MAX };
    const quarantineCount = await repo.quarantineBounded(tx, terminalId, quarantined, bounds);
    const moved = await repo.updateTerminalHead(tx, {
      id: terminalId,
      fromSeq: terminal.lastSeq,
      lastSeq: head.lastSeq,
      lastHash: head.lastHash,
      lastSeenAt: now,
      rejected: count(plans, (plan) => plan.chained.filter((entry) => entry.status === 'rejected').length),
    });
    if (!moved) throw new Error(`terminal ${terminalId}: its head moved during the push`);
    // A till that keeps sending entries it may not sign is frozen until an operator looks.
    const frozen = quarantineCount >= QUARANTINE_FREEZE_ENTRIES;
    const forked = plans.some((plan) => plan.stop?.code === 'fork');
    if (frozen || forked) {
      await repo.setTerminalStatus(tx, terminalId, 'frozen');
      await recordEvents(tx, [{ type: 'terminal.frozen', data: { terminal: terminalId, reason: forked ? 'fork' : 'quarantine' } }], now);
    }
    return { kind: 'applied', plans, head, cardIds: [...cardIds], frozen };
  }

  /**
   * The entries already stored at the push's seqs (≤ head): duplicates or forks;
   * and who holds the push's ids, and this till's clash keys for them: reused ids.
   * A clash key is stored only for an id another till's entry holds, and entries
   * are never deleted: only those ids' clash keys can be held, so the others are
   * neither hashed nor looked up (nearly every id of a push is new).
   */
  private async storedEntries(tx: Tx, terminalId: string, lastSeq: number, entries: readonly WireEntry[]) {
    const seqs = entries.map((entry) => entry.body.seq).filter((seq) => seq <= lastSeq);
    const bySeq = new Map<number, StoredEntry>();
    for (const row of seqs.length ? await repo.getEntriesBySeq(tx, terminalId, seqs) : []) bySeq.set(row.seq, { seq: row.seq, id: row.id, hash: row.hash });
    const byKey: Map<string, KeyHolder> = await repo.getEntryHolders(tx, entries.map((entry) => entry.body.id));
    const clashes = [...byKey].flatMap(([id, holder]) => (holder.terminal === terminalId ? [] : [clashEntryKey(terminalId, id)]));
    for (const [key, holder] of await repo.getEntryHolders(tx, clashes)) byKey.set(key, holder);
    return { bySeq, byKey };
  }
}

/**
 * Takes the next turn's slices off the front of `remaining`: the checked
 * entries, in order, while they fit in `budget`; a push that does not fit, or
 * whose checks are not all done, is split, its rest left at the front. The
 * first remaining push is checked whole (pushBatch waits for it), so a turn
 * takes at least one entry.
 */
function takeTurn(remaining: Rest[], budget: number): Slice[] {
  const turn: Slice[] = [];
  let room = budget;
  while (remaining.length > 0 && room > 0) {
    const rest = remaining[0]!;
    const end = rest.offset + rest.entries.length;
    const upTo = Math.min(end, rest.offset + room, rest.checks.ready);
    if (upTo <= rest.offset) break;
    const take = upTo - rest.offset;
    turn.push({ push: rest.push, entries: take === rest.entries.length ? rest.entries : rest.entries.slice(0, take), verdicts: rest.checks.slice(rest.offset, upTo) });
    room -= take;
    if (upTo === end) {
      remaining.shift();
      continue;
    }
    remaining[0] = { ...rest, offset: upTo, entries: rest.entries.slice(take) };
    break;
  }
  return turn;
}

/** Resolves once the first `count` entries of what remains (across its pushes) are checked. */
async function untilChecked(remaining: readonly Rest[], count: number): Promise<void> {
  let left = count;
  for (const rest of remaining) {
    if (left <= 0) return;
    const wanted = Math.min(rest.entries.length, left);
    await rest.checks.until(rest.offset + wanted);
    left -= wanted;
  }
}

/** A savepoint statement of a shared round; on SQLite prepared once, not built per turn. */
async function savepoint(tx: Tx, statement: string): Promise<void> {
  if (tx.sqlite) prepared(tx.sqlite, statement).run();
  else await tx.run(sql.raw(statement));
}

/** Adds a slice's plan to its push's ack. */
function mergeAck(acks: (PushAck | null)[], push: number, plan: PushPlan): void {
  const ack = acks[push];
  if (!ack) {
    acks[push] = { lastSeq: plan.head.lastSeq, results: [...plan.results], stop: plan.stop };
    return;
  }
  ack.lastSeq = plan.head.lastSeq;
  ack.results.push(...plan.results);
  ack.stop ??= plan.stop;
}

function count(plans: readonly PushPlan[], of: (plan: PushPlan) => number): number {
  return plans.reduce((sum, plan) => sum + of(plan), 0);
}

export type { PushPlan };
