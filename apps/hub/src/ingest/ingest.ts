import type { AckResult, WireEntry } from '@fedow/protocol';
import { iso, type HubContext } from '../context';
import { lockLedger } from '../storage/ledger-lock';
import { Mutex } from '../storage/mutex';
import * as repo from '../storage/repo';
import type { Tx } from '../storage/types';
import { persistPlan } from './persist';
import { ingestWriter } from './writer';
import { planPush, type PushPlan, type Stop, type StoredEntry } from './push';
import type { CryptoPool, Verdict } from '../crypto/pool';
import { effectivePolicy, loadWorkingSet } from './working-set';

export interface PushAck {
  lastSeq: number;
  results: AckResult[];
  stop: Stop | null;
}

export type PushOutcome =
  | ({ kind: 'ack'; cardIds: string[] } & PushAck)
  | { kind: 'refused'; status: 'frozen' | 'revoked' | 'unknown' };

export type BatchOutcome = { kind: 'acks'; acks: PushAck[]; cardIds: string[] } | { kind: 'refused'; status: 'frozen' | 'revoked' | 'unknown' };

/** A push waiting to be applied, with its signature checks already under way. */
export interface PendingPush {
  entries: readonly WireEntry[];
  verification: Promise<Verdict[]>;
}

/**
 * Ingest of pushes: signatures are verified on the worker pool, then the pushes
 * a till has queued are decided and written in ONE database transaction that
 * also moves the till's head (SYNC.md's push batch); each push's ack is built
 * only from what committed. Batches are applied one at a time per hub process
 * (and per database on PostgreSQL), so two tills selling on the same card never
 * both read the balance before the other's debit.
 */
export class Ingest {
  private readonly mutex = new Mutex();

  constructor(
    private readonly context: HubContext,
    private readonly pool: CryptoPool,
  ) {}

  /**
   * Hash and signature checks of a push, on the worker pool. A session starts
   * them as soon as a push arrives, so they overlap the apply of the pushes before.
   */
  verify(publicKey: string, entries: readonly WireEntry[]): Promise<Verdict[]> {
    return this.pool.verify(publicKey, entries);
  }

  /** One push on its own. */
  async push(terminalId: string, publicKey: string, entries: readonly WireEntry[], verification = this.verify(publicKey, entries)): Promise<PushOutcome> {
    const outcome = await this.pushBatch(terminalId, [{ entries, verification }]);
    return outcome.kind === 'acks' ? { kind: 'ack', ...outcome.acks[0]!, cardIds: outcome.cardIds } : outcome;
  }

  /** Pushes of one till, in order, in one transaction; one ack per push. */
  async pushBatch(terminalId: string, pushes: readonly PendingPush[]): Promise<BatchOutcome> {
    const started = performance.now();
    const verdicts = await Promise.all(pushes.map((push) => push.verification));
    const batch = pushes.map((push, index) => ({ entries: push.entries, verdicts: verdicts[index]! }));
    const outcome = await this.mutex.run(() => this.context.storage.transaction((tx) => this.apply(tx, terminalId, batch)));
    if (outcome.kind === 'refused') return outcome;
    const { plans, cardIds, cursor } = outcome;
    this.context.events.emit('ingested', {
      terminal: terminalId,
      applied: count(plans, (plan) => plan.chained.filter((entry) => entry.status === 'applied').length),
      rejected: count(plans, (plan) => plan.chained.filter((entry) => entry.status === 'rejected').length),
      duplicates: count(plans, (plan) => plan.results.filter((result) => result.status === 'duplicate').length),
      quarantined: count(plans, (plan) => plan.quarantined.length),
      lastSeq: plans[plans.length - 1]!.head.lastSeq,
      latencyMs: performance.now() - started,
    });
    if (cursor !== undefined) this.context.events.emit('cards-changed', { cardIds, cursor });
    return { kind: 'acks', acks: plans.map((plan) => ({ lastSeq: plan.head.lastSeq, results: plan.results, stop: plan.stop })), cardIds };
  }

  private async apply(tx: Tx, terminalId: string, batch: readonly { entries: readonly WireEntry[]; verdicts: readonly Verdict[] }[]) {
    await lockLedger(tx);
    const terminal = await repo.getTerminal(tx, terminalId);
    if (!terminal) return { kind: 'refused' as const, status: 'unknown' as const };
    if (terminal.status !== 'active') return { kind: 'refused' as const, status: terminal.status };
    const place = await repo.getPlace(tx, terminal.placeId);
    if (!place) throw new Error(`terminal ${terminalId} belongs to no place`);
    const now = iso(this.context.clock.now());
    const all = batch.flatMap((push) => push.entries);
    const stored = await this.storedEntries(tx, terminalId, terminal.lastSeq, all);
    const state = await loadWorkingSet(tx, terminal.placeId, all.flatMap((entry) => [entry.body.card, entry.body.primary]));
    const context = { place: terminal.placeId, policy: effectivePolicy(place.offlinePolicy, terminal.policyOverrides), at: now, newId: this.context.newId };
    const writer = ingestWriter(tx);
    const plans: PushPlan[] = [];
    const cardIds = new Set<string>();
    let head = { lastSeq: terminal.lastSeq, lastHash: terminal.lastHash };
    for (const push of batch) {
      // After a gap or a fork nothing more of this batch enters the chain: the
      // later pushes get acks without results, as they would one by one.
      const stopped = plans.some((plan) => plan.stop !== null);
      const plan = stopped ? { results: [], chained: [], quarantined: [], head, stop: null } : planPush(push.entries, push.verdicts, head, stored.bySeq, stored.byId, state, context);
      for (const card of await persistPlan(tx, writer, terminalId, plan, state, now)) cardIds.add(card);
      for (const { entry } of plan.chained) {
        stored.bySeq.set(entry.body.seq, { seq: entry.body.seq, id: entry.body.id, hash: entry.hash });
        stored.byId.set(entry.body.id, entry.body.seq);
      }
      head = plan.head;
      plans.push(plan);
    }
    const moved = await repo.updateTerminalHead(tx, {
      id: terminalId,
      fromSeq: terminal.lastSeq,
      lastSeq: head.lastSeq,
      lastHash: head.lastHash,
      lastSeenAt: now,
      rejected: count(plans, (plan) => plan.chained.filter((entry) => entry.status === 'rejected').length),
    });
    if (!moved) throw new Error(`terminal ${terminalId}: its head moved during the push`);
    if (plans.some((plan) => plan.stop?.code === 'fork')) await repo.setTerminalStatus(tx, terminalId, 'frozen');
    const cursor = await repo.appendCardChanges(tx, [...cardIds], now);
    return { kind: 'ack' as const, plans, cardIds: [...cardIds], cursor };
  }

  /** The entries already stored at the push's seqs (≤ head) and with its ids: duplicates or forks. */
  private async storedEntries(tx: Tx, terminalId: string, lastSeq: number, entries: readonly WireEntry[]) {
    const seqs = entries.map((entry) => entry.body.seq).filter((seq) => seq <= lastSeq);
    const bySeq = new Map<number, StoredEntry>();
    for (const row of seqs.length ? await repo.getEntriesBySeq(tx, terminalId, seqs) : []) bySeq.set(row.seq, { seq: row.seq, id: row.id, hash: row.hash });
    const byId = await repo.getEntrySeqsByIds(tx, entries.map((entry) => entry.body.id));
    return { bySeq, byId };
  }
}

function count(plans: readonly PushPlan[], of: (plan: PushPlan) => number): number {
  return plans.reduce((sum, plan) => sum + of(plan), 0);
}

export type { PushPlan };
