import { canonicalize, commit, decideWithMelts, type Decision, type DecisionContext, type LedgerState } from '@fedow/ledger';
import { nodeCrypto } from '@fedow/ledger/crypto-node';
import { hashBody } from '@fedow/ledger';
import type { RuleCode } from '@fedow/protocol';
import { iso } from '../clock';
import type { HubContext } from '../context';
import { HubError } from '../errors';
import { persistDecisions } from '../ingest/persist';
import { ingestWriter } from '../ingest/writer';
import { lockLedger } from '../storage/ledger-lock';
import * as repo from '../storage/repo';
import type { Tx } from '../storage/types';
import { sourceColumns, type Source } from './source';
import { loadRequestState, type StateNeeds } from './state';

/** The JSON a request body may hold: what RFC 8785 hashes (no undefined, no floats). */
export type RequestBody = Record<string, string | number | boolean | null | readonly string[]>;

/**
 * A movement of money asked by a source other than a till: an operator's
 * top-up, a card holder's transfer, a payment provider's notification, an API
 * client's sale. It is decided by the ledger's rules and persisted by the same
 * code as a till's push (`persistDecisions`), in one transaction.
 */
export interface MoneyRequest {
  source: Source;
  /** The client's idempotency key: a retry with the same key is applied once and answered the same way. */
  idempotencyKey: string;
  /** What is asked, in one word: topup, refund, deposit, correction, link, replace, lost, first, … */
  kind: string;
  /** Stored verbatim and hashed; a retry must carry the same body. */
  body: RequestBody;
  /** What the decision reads, beyond places and assets. */
  needs: StateNeeds;
  /**
   * False for the requests that must see the balances as stored: the melt sweep
   * itself, a balance repair. Otherwise the melts due on the balances a decision
   * moves are booked in it first (DECISIONS.md, "Melting currency").
   */
  meltFirst?: boolean;
  /**
   * False for a request booking thousands of transfers (a melt sweep's page):
   * the answer stored for its retries leaves them out (they are in the ledger
   * under the request's id); the first answer has them. Default true.
   */
  storeTransfers?: boolean;
  /**
   * False for a request that may find nothing to do (a sweep's page where no
   * balance is due): a decision that moves nothing then stores no request, so
   * the rule is run once instead of once to check and again to decide. Default true.
   */
  storeEmpty?: boolean;
  /** The ledger's rule, given the request's id (the transfers name it). */
  decide(state: LedgerState, context: DecisionContext, requestId: string): Decision;
  /**
   * Further writes of the same unit of truth (a payment marked credited, payouts
   * booked), only when applied; `state` is the ledger as the decision left it
   * (what an answer may show without reading it back).
   */
  alsoWrite?(tx: Tx, outcome: RequestOutcome, state: LedgerState): Promise<void>;
}

export interface TransferSummary {
  id: string;
  action: string;
  sender: string;
  receiver: string;
  asset: string;
  amount: number;
  card: string | null;
}

/** The answer to a request: stored with it, and given again to every retry. */
export interface RequestOutcome {
  request: string;
  status: 'applied' | 'rejected';
  reason: RuleCode | null;
  message: string | null;
  transfers: TransferSummary[];
  /** True when this answer was stored by an earlier delivery of the same request. */
  replayed: boolean;
}

/** What a request needs from the hub: its time and fresh ids. */
export interface RequestEnv {
  at: string;
  newId: () => string;
}

const IDEMPOTENCY_KEY_CHARS_MAX = 255;

/**
 * Submits a request in its own transaction, then tells the tills of the cards
 * it changed. A rule's refusal is stored and answered (`status: rejected`),
 * never thrown; the same key with another body throws `idempotency_conflict`.
 */
export async function submitRequest(context: HubContext, request: MoneyRequest): Promise<RequestOutcome> {
  const env = { at: iso(context.clock.now()), newId: context.newId };
  const { outcome, change } = await context.storage.transaction((tx) => applyRequest(tx, env, request));
  if (change) context.events.emit('cards-changed', change);
  return outcome;
}

/**
 * The request inside a transaction the caller holds (first start, asset
 * creation, a melt sweep's page): the caller announces `change` after its
 * commit. `preloaded`, when given, is the state the caller read in this transaction
 * under the ledger's lock (the sweep decides on the page it read to pick the
 * balances), and `needs` is not read again.
 */
export async function applyRequest(
  tx: Tx,
  env: RequestEnv,
  request: MoneyRequest,
  preloaded?: LedgerState,
): Promise<{ outcome: RequestOutcome; change: { cardIds: string[]; cursor: number } | null }> {
  checkKey(request.idempotencyKey);
  const body = plainBody(request.body);
  const hash = hashBody(nodeCrypto, body);
  const { source, actor } = sourceColumns(request.source);
  await lockLedger(tx);
  const existing = await repo.getRequestByKey(tx, source, actor, request.idempotencyKey);
  if (existing) {
    if (existing.hash !== hash || existing.kind !== request.kind) {
      throw new HubError('idempotency_conflict', `the idempotency key ${request.idempotencyKey} was used for another request (${existing.kind}, ${existing.receivedAt})`);
    }
    return { outcome: { ...(JSON.parse(existing.result) as Omit<RequestOutcome, 'replayed'>), replayed: true }, change: null };
  }
  const id = env.newId();
  const state = preloaded ?? (await loadRequestState(tx, request.needs));
  const decision = request.meltFirst === false ? request.decide(state, env, id) : decideWithMelts(state, env, (melted) => request.decide(melted, env, id));
  const outcome: RequestOutcome = decision.ok
    ? { request: id, status: 'applied', reason: null, message: null, transfers: decision.transfers.map(summary), replayed: false }
    : { request: id, status: 'rejected', reason: decision.code, message: decision.message, transfers: [], replayed: false };
  if (request.storeEmpty === false && decision.ok && decision.transfers.length === 0 && decision.effects.length === 0) return { outcome, change: null };
  const { replayed: _replayed, ...stored } = outcome;
  await repo.insertRequest(tx, {
    id,
    source,
    actor,
    idempotencyKey: request.idempotencyKey,
    kind: request.kind,
    body: canonicalize(body),
    hash,
    receivedAt: env.at,
    status: outcome.status,
    reason: outcome.reason,
    result: JSON.stringify(request.storeTransfers === false ? { ...stored, transfers: [] } : stored),
  });
  if (!decision.ok) return { outcome, change: null };
  commit(state, decision);
  const cardIds = await persistDecisions(tx, ingestWriter(tx), [decision], state, 'request');
  await request.alsoWrite?.(tx, outcome, state);
  const cursor = await repo.appendCardChanges(tx, cardIds, env.at);
  return { outcome, change: cursor === undefined ? null : { cardIds, cursor } };
}

/** An applied outcome, or the rule's refusal as the typed error the API and CLI answer with. */
export function appliedOrThrow(outcome: RequestOutcome): RequestOutcome {
  if (outcome.status === 'rejected') throw new HubError(outcome.reason ?? 'bad_request', outcome.message ?? 'refused', undefined, { request: outcome.request });
  return outcome;
}

function checkKey(key: string): void {
  if (key.length === 0 || key.length > IDEMPOTENCY_KEY_CHARS_MAX || !/^[\x21-\x7e]+$/.test(key)) {
    throw new HubError('bad_request', `an idempotency key is 1 to ${IDEMPOTENCY_KEY_CHARS_MAX} printable ASCII characters`);
  }
}

/** Drops undefined fields: what is stored, hashed and compared is plain JSON. */
function plainBody(body: RequestBody): RequestBody {
  return JSON.parse(JSON.stringify(body)) as RequestBody;
}

function summary(transfer: { id: string; action: string; sender: string; receiver: string; asset: string; amount: number; card: string | null }): TransferSummary {
  return { id: transfer.id, action: transfer.action, sender: transfer.sender, receiver: transfer.receiver, asset: transfer.asset, amount: transfer.amount, card: transfer.card };
}
