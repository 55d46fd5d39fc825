import { sql } from 'drizzle-orm';
import type { AckResult, WireEntry } from '@fedow/protocol';
import { iso, type HubContext } from '../context';
import { Mutex } from '../storage/mutex';
import * as repo from '../storage/repo';
import type { Tx } from '../storage/types';
import { persistPlan } from './persist';
import { ingestWriter } from './writer';
import { planPush, type PushPlan, type Stop, type StoredEntry } from './push';
import type { Verdict, VerifyPool } from './verify-pool';
import { effectivePolicy, loadWorkingSet } from './working-set';

/** A key only ingest takes: pushes of different tills may touch the same cards. */
const PG_LOCK_INGEST = 0x4645_0001;

export type PushOutcome =
  | { kind: 'ack'; lastSeq: number; results: AckResult[]; stop: Stop | null; cardIds: string[] }
  | { kind: 'refused'; status: 'frozen' | 'revoked' | 'unknown' };

/**
 * Ingest of one push: verify signatures on the worker pool, then decide and
 * write every entry in ONE database transaction that also moves the till's
 * head; the ack is built only from what committed. Pushes are applied one at a
 * time per hub process (and per database on PostgreSQL), so two tills selling
 * on the same card never both read the balance before the other's debit.
 */
export class Ingest {
  private readonly mutex = new Mutex();

  constructor(
    private readonly context: HubContext,
    private readonly pool: VerifyPool,
  ) {}

  /**
   * Hash and signature checks of a push, on the worker pool. A session starts
   * them as soon as a push arrives, so they overlap the apply of the push before.
   */
  verify(publicKey: string, entries: readonly WireEntry[]): Promise<Verdict[]> {
    return this.pool.verify(publicKey, entries);
  }

  async push(terminalId: string, publicKey: string, entries: readonly WireEntry[], verification = this.verify(publicKey, entries)): Promise<PushOutcome> {
    const started = performance.now();
    const verdicts = await verification;
    const outcome = await this.mutex.run(() => this.context.storage.transaction((tx) => this.apply(tx, terminalId, entries, verdicts)));
    if (outcome.kind === 'ack') {
      const plan = outcome.plan;
      this.context.events.emit('ingested', {
        terminal: terminalId,
        applied: plan.chained.filter((entry) => entry.status === 'applied').length,
        rejected: plan.chained.filter((entry) => entry.status === 'rejected').length,
        duplicates: plan.results.filter((result) => result.status === 'duplicate').length,
        quarantined: plan.quarantined.length,
        lastSeq: plan.head.lastSeq,
        latencyMs: performance.now() - started,
      });
      if (outcome.cursor !== undefined) this.context.events.emit('cards-changed', { cardIds: outcome.cardIds, cursor: outcome.cursor });
      return { kind: 'ack', lastSeq: plan.head.lastSeq, results: plan.results, stop: plan.stop, cardIds: outcome.cardIds };
    }
    return outcome;
  }

  private async apply(tx: Tx, terminalId: string, entries: readonly WireEntry[], verdicts: Awaited<ReturnType<VerifyPool['verify']>>) {
    if (tx.dialect === 'postgres') await tx.run(sql`SELECT pg_advisory_xact_lock(${PG_LOCK_INGEST})`);
    const terminal = await repo.getTerminal(tx, terminalId);
    if (!terminal) return { kind: 'refused' as const, status: 'unknown' as const };
    if (terminal.status !== 'active') return { kind: 'refused' as const, status: terminal.status };
    const place = await repo.getPlace(tx, terminal.placeId);
    if (!place) throw new Error(`terminal ${terminalId} belongs to no place`);
    const now = iso(this.context.clock.now());
    const stored = await this.storedEntries(tx, terminalId, terminal.lastSeq, entries);
    const state = await loadWorkingSet(tx, terminal.placeId, entries.flatMap((entry) => [entry.body.card, entry.body.primary]));
    const plan = planPush(entries, verdicts, { lastSeq: terminal.lastSeq, lastHash: terminal.lastHash }, stored.bySeq, stored.byId, state, {
      place: terminal.placeId,
      policy: effectivePolicy(place.offlinePolicy, terminal.policyOverrides),
      at: now,
      newId: this.context.newId,
    });
    const cardIds = await persistPlan(tx, ingestWriter(this.context.storage, tx), terminalId, plan, state, now);
    const moved = await repo.updateTerminalHead(tx, {
      id: terminalId,
      fromSeq: terminal.lastSeq,
      lastSeq: plan.head.lastSeq,
      lastHash: plan.head.lastHash,
      lastSeenAt: now,
      rejected: plan.chained.filter((entry) => entry.status === 'rejected').length,
    });
    if (!moved) throw new Error(`terminal ${terminalId}: its head moved during the push`);
    if (plan.stop?.code === 'fork') await repo.setTerminalStatus(tx, terminalId, 'frozen');
    const cursor = await repo.appendCardChanges(tx, cardIds, now);
    return { kind: 'ack' as const, plan, cardIds, cursor };
  }

  /** The entries already stored at the push's seqs (≤ head) and with its ids: duplicates or forks. */
  private async storedEntries(tx: Tx, terminalId: string, lastSeq: number, entries: readonly WireEntry[]) {
    const seqs = entries.map((entry) => entry.body.seq).filter((seq) => seq <= lastSeq);
    const bySeq = new Map<number, StoredEntry>();
    for (const row of seqs.length ? await repo.getEntriesBySeq(tx, terminalId, seqs) : []) bySeq.set(row.seq, { seq: row.seq, id: row.id, hash: row.hash });
    const byId = new Map<string, number>();
    for (const row of await repo.getEntriesByIds(tx, entries.map((entry) => entry.body.id))) byId.set(row.id, row.seq);
    return { bySeq, byId };
  }
}

export type { PushPlan };
