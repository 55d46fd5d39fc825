import type { AckResult, EntryBody, OfflinePolicy, WireEntry } from '@fedow/protocol';
import { commit, decideEntry, type Acceptance, type LedgerState } from '@fedow/ledger';
import type { Verdict } from '../crypto/pool';

/** The hub's durable view of a till's chain when the push starts. */
export interface ChainHead {
  lastSeq: number;
  lastHash: string;
}

/** A stored entry of this till at a seq ≤ lastSeq: enough to tell a duplicate from a fork. */
export interface StoredEntry {
  seq: number;
  id: string;
  hash: string;
}

export type Stop = { code: 'fork'; seq: number; message: string } | { code: 'gap'; expected: number; message: string };

export interface PushPlan {
  results: AckResult[];
  /** Entries that enter the chain (applied or rejected by a ledger rule), in seq order. */
  chained: { entry: WireEntry; status: 'applied' | 'rejected'; reason: string | null; decision: Acceptance | null }[];
  /** Entries whose hash or signature failed: kept aside, the chain does not move. */
  quarantined: { entry: WireEntry; reason: 'bad_hash' | 'bad_signature' }[];
  head: ChainHead;
  /** Why processing stopped before the end of the push, if it did. */
  stop: Stop | null;
}

export interface PlanContext {
  place: string;
  policy: OfflinePolicy;
  at: string;
  newId: () => string;
}

/**
 * Decides what to do with each entry of a push, in order, following SYNC.md's
 * rules: 1 hash and signature, 2 duplicate, 3 fork, 4 gap, 5 ledger rules.
 * Pure over its inputs: `state` is the batch's working set and is updated as
 * entries apply, so entry n+1 sees entry n. Nothing is written here.
 */
export function planPush(
  entries: readonly WireEntry[],
  verdicts: readonly Verdict[],
  start: ChainHead,
  stored: ReadonlyMap<number, StoredEntry>,
  storedIds: ReadonlyMap<string, number>,
  state: LedgerState,
  context: PlanContext,
): PushPlan {
  const plan: PushPlan = { results: [], chained: [], quarantined: [], head: { ...start }, stop: null };
  const known = new Map(stored);
  for (const [index, entry] of entries.entries()) {
    const body = entry.body;
    const verdict = verdicts[index]!;
    if (verdict !== 'ok') {
      plan.quarantined.push({ entry, reason: verdict });
      plan.results.push({ seq: body.seq, id: body.id, status: 'rejected', reason: verdict });
      continue;
    }
    if (body.seq <= plan.head.lastSeq) {
      const previous = known.get(body.seq);
      if (previous && previous.id === body.id && previous.hash === entry.hash) {
        plan.results.push({ seq: body.seq, id: body.id, status: 'duplicate' });
        continue;
      }
      plan.stop = { code: 'fork', seq: body.seq, message: `entry ${body.seq} differs from the one already stored` };
      break;
    }
    if (body.seq > plan.head.lastSeq + 1) {
      plan.stop = { code: 'gap', expected: plan.head.lastSeq + 1, message: `expected entry ${plan.head.lastSeq + 1}, got ${body.seq}` };
      break;
    }
    const reusedAt = storedIds.get(body.id);
    if (reusedAt !== undefined && reusedAt !== body.seq) {
      plan.stop = { code: 'fork', seq: body.seq, message: `entry ${body.seq} reuses the id of entry ${reusedAt}` };
      break;
    }
    if (body.prev !== plan.head.lastHash) {
      plan.stop = { code: 'fork', seq: body.seq, message: `entry ${body.seq} does not link to entry ${plan.head.lastSeq}` };
      break;
    }
    const decision = decideEntry(state, body, context);
    if (decision.ok) {
      commit(state, decision);
      plan.chained.push({ entry, status: 'applied', reason: null, decision });
      plan.results.push({ seq: body.seq, id: body.id, status: 'applied' });
    } else {
      plan.chained.push({ entry, status: 'rejected', reason: decision.code, decision: null });
      plan.results.push({ seq: body.seq, id: body.id, status: 'rejected', reason: decision.code });
    }
    plan.head = { lastSeq: body.seq, lastHash: entry.hash };
    known.set(body.seq, { seq: body.seq, id: body.id, hash: entry.hash });
  }
  return plan;
}

/**
 * The body's text as stored. Any JSON text of the signed object will do:
 * `fedow verify` parses it and rehashes its canonical form. The engine's own
 * JSON.stringify is several times faster than canonicalising on the hot path.
 */
export function bodyText(body: EntryBody): string {
  return JSON.stringify(body);
}
