import type { AckResult, EntryBody, IntegrityCode, OfflinePolicy, RejectCode, WireEntry } from '@fedow/protocol';
import { commit, decideEntry, decideWithMelts, type Acceptance, type LedgerState } from '@fedow/ledger';
import type { Verdict } from '../crypto/pool';
import { clashEntryKey } from './entry-key';

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

/** Which till's entry holds a stored key (`entries.id`), and at which seq. */
export interface KeyHolder {
  terminal: string;
  seq: number;
}

export type Stop = { code: 'fork'; seq: number; message: string } | { code: 'gap'; expected: number; message: string };

export interface PushPlan {
  results: AckResult[];
  /** Entries that enter the chain (applied or rejected by a ledger rule), in seq order. */
  chained: { entry: WireEntry; key: string; status: 'applied' | 'rejected'; reason: RejectCode | null; decision: Acceptance | null }[];
  /** Entries whose hash or signature failed, or that name another till: kept aside, the chain does not move. */
  quarantined: { entry: WireEntry; reason: IntegrityCode }[];
  head: ChainHead;
  /** Why processing stopped before the end of the push, if it did. */
  stop: Stop | null;
}

export interface PlanContext {
  /** The till of the connection: the only chain its key may sign. */
  terminal: string;
  place: string;
  policy: OfflinePolicy;
  at: string;
  newId: () => string;
}

/**
 * Decides what to do with each entry of a push, in order, following SYNC.md's
 * rules: 1 hash, signature and the till it names, 2 duplicate, 3 fork, 4 gap,
 * then an id another till holds (`duplicate_id`), 5 ledger rules.
 * Pure over its inputs: `state` is the batch's working set and is updated as
 * entries apply, so entry n+1 sees entry n. `keys` holds the stored entries'
 * keys among this push's ids, and among the clash keys of the ids another till
 * holds (only those can be stored: a clash key is written only for such an id,
 * and entries are never deleted). Nothing is written here.
 */
export function planPush(
  entries: readonly WireEntry[],
  verdicts: readonly Verdict[],
  start: ChainHead,
  stored: ReadonlyMap<number, StoredEntry>,
  keys: ReadonlyMap<string, KeyHolder>,
  state: LedgerState,
  context: PlanContext,
): PushPlan {
  const plan: PushPlan = { results: [], chained: [], quarantined: [], head: { ...start }, stop: null };
  const known = new Map(stored);
  const held = new Map(keys);
  for (const [index, entry] of entries.entries()) {
    const body = entry.body;
    const refusal = integrity(verdicts[index]!, body, context);
    if (refusal !== null) {
      plan.quarantined.push({ entry, reason: refusal });
      plan.results.push({ seq: body.seq, id: body.id, status: 'rejected', reason: refusal });
      continue;
    }
    if (body.seq <= plan.head.lastSeq) {
      // The hash was recomputed from this body: the same hash is the same entry.
      if (known.get(body.seq)?.hash === entry.hash) {
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
    if (body.prev !== plan.head.lastHash) {
      plan.stop = { code: 'fork', seq: body.seq, message: `entry ${body.seq} does not link to entry ${plan.head.lastSeq}` };
      break;
    }
    const holder = held.get(body.id);
    // A clash key is held only under an id another till holds (`keys`' contract): an id nobody holds needs none.
    const clashKey = holder === undefined ? null : clashEntryKey(context.terminal, body.id);
    const ownReuse = holder?.terminal === context.terminal ? holder : clashKey === null ? undefined : held.get(clashKey);
    if (ownReuse !== undefined) {
      plan.stop = { code: 'fork', seq: body.seq, message: `entry ${body.seq} reuses the id of entry ${ownReuse.seq}` };
      break;
    }
    if (holder !== undefined) {
      // Signed by this till in its own chain: it advances the chain, rejected.
      plan.chained.push({ entry, key: clashKey!, status: 'rejected', reason: 'duplicate_id', decision: null });
      plan.results.push({ seq: body.seq, id: body.id, status: 'rejected', reason: 'duplicate_id' });
      held.set(clashKey!, { terminal: context.terminal, seq: body.seq });
    } else {
      const decision = decideWithMelts(state, context, (melted) => decideEntry(melted, body, context));
      if (decision.ok) commit(state, decision);
      const reason = decision.ok ? null : decision.code;
      plan.chained.push({ entry, key: body.id, status: decision.ok ? 'applied' : 'rejected', reason, decision: decision.ok ? decision : null });
      plan.results.push(reason === null ? { seq: body.seq, id: body.id, status: 'applied' } : { seq: body.seq, id: body.id, status: 'rejected', reason });
      held.set(body.id, { terminal: context.terminal, seq: body.seq });
    }
    plan.head = { lastSeq: body.seq, lastHash: entry.hash };
    known.set(body.seq, { seq: body.seq, id: body.id, hash: entry.hash });
  }
  return plan;
}

/**
 * SYNC.md rule 1, and the fields that place an entry in a chain: the schema
 * fixed `v`; the till may sign only its own chain. A body naming another till
 * would be stored in this till's chain with columns that contradict it.
 */
function integrity(verdict: Verdict, body: EntryBody, context: PlanContext): IntegrityCode | null {
  if (verdict !== 'ok') return verdict;
  if (body.terminal !== context.terminal) return 'wrong_terminal';
  return null;
}

/**
 * The body's text as stored. Any JSON text of the signed object will do:
 * `fedow verify` parses it and rehashes its canonical form. The engine's own
 * JSON.stringify is several times faster than canonicalising on the hot path.
 */
export function bodyText(body: EntryBody): string {
  return JSON.stringify(body);
}
