/**
 * Every movement asked through the compatible API is an `api` request from its
 * place, on the one path (money/submit.ts): decided by a ledger rule, persisted in
 * one transaction with what its answer echoes (metadata, comment, hash).
 */
import { createHash } from 'node:crypto';
import type { Decision, DecisionContext, LedgerState } from '@fedow/ledger';
import type { FastifyRequest } from 'fastify';
import { iso } from '../clock';
import type { HubContext } from '../context';
import { HubError } from '../errors';
import type { StateNeeds } from '../money/state';
import { submitRequest, type RequestBody, type RequestOutcome } from '../money/submit';
import * as repo from '../storage/repo';
import type { Tx } from '../storage/types';
import { invalid } from './http';
import { topLevelFields } from './raw-json';
import { compatHash } from './shapes';

export interface ApiMovement {
  place: repo.Place;
  request: FastifyRequest;
  kind: string;
  body: RequestBody;
  needs: StateNeeds;
  decide(state: LedgerState, context: DecisionContext, requestId: string): Decision;
  /** The raw body: its `metadata` and `comment` are echoed as received. */
  raw: string | null;
  subscriptionStart?: string | null;
  /** Lespass refills' checkout and invoice ids: a second use is refused. */
  dedupKeys?: readonly string[];
  /**
   * The answer's body when the movement is applied now, built inside its
   * transaction from its stored transfers and what its decision holds (`facts`);
   * on SQLite only, and never for a replay: the caller then reads it back.
   */
  answer?(tx: Tx, transfers: repo.Transfer[], state: LedgerState, echoes: Map<string, repo.CompatTransaction>): Promise<unknown>;
}

/** The outcome, and the answer built in its transaction (null for a replay or without `answer`). */
export type ApiOutcome = RequestOutcome & { shown: { body: unknown } | null };

/**
 * The request's idempotency key: a replay of the very same signed request (PSS
 * signatures are randomised, so only a replay repeats one) is answered again and
 * applied once; an unsigned request (a Lespass place's key alone) is always new.
 */
function idempotencyKey(context: HubContext, request: FastifyRequest): string {
  const signature = request.headers.signature;
  return typeof signature === 'string' && signature !== '' ? `sig:${createHash('sha256').update(signature).digest('hex')}` : `api:${context.newId()}`;
}

/** Applies the movement, or throws the rule's refusal as a 400 in the original's shape. */
export async function submitApiMovement(context: HubContext, movement: ApiMovement): Promise<ApiOutcome> {
  const fields = movement.raw === null ? null : topLevelFields(movement.raw);
  const metadata = rawField(fields, 'metadata');
  const comment = rawField(fields, 'comment');
  const dedupKeys = movement.dedupKeys ?? [];
  let shown: { body: unknown } | null = null;
  if (await repo.isCompatDedupKeyUsed(context.storage.read, dedupKeys)) throw invalid('Already reported');
  const outcome = await submitRequest(context, {
    source: { kind: 'api', place: movement.place.id },
    idempotencyKey: idempotencyKey(context, movement.request),
    kind: movement.kind,
    body: movement.body,
    needs: movement.needs,
    decide: movement.decide,
    alsoWrite: async (tx, applied, state) => {
      const at = iso(context.clock.now());
      const echoes = applied.transfers.map((transfer) => ({ transferId: transfer.id, hash: compatHash(transfer.id), metadata, comment, subscriptionStart: movement.subscriptionStart ?? null, createdAt: at }));
      await repo.insertCompatTransactions(tx, echoes);
      const main = applied.transfers.at(-1);
      if (main && !(await repo.claimCompatDedupKeys(tx, dedupKeys, main.id))) throw invalid('Already reported');
      // On PostgreSQL the ledger's lock is held to the commit: the answer's reads wait until after it.
      if (movement.answer && tx.dialect === 'sqlite') {
        const transfers = await repo.getTransfersById(tx, applied.transfers.map((transfer) => transfer.id));
        shown = { body: await movement.answer(tx, transfers, state, new Map(echoes.map((echo) => [echo.transferId, echo]))) };
      }
    },
  });
  if (outcome.status === 'rejected') throw refusal(outcome);
  return { ...outcome, shown: outcome.replayed ? null : shown };
}

function rawField(fields: Map<string, string> | null, name: string): string | null {
  const text = fields?.get(name);
  return text === undefined || text === 'null' ? null : text;
}

/** LaBoutik reads a refused refill's `primary_card_fisrtTagId` key as "Carte primaire non valide". */
function refusal(outcome: RequestOutcome): HubError {
  const message = outcome.message ? `${outcome.reason}: ${outcome.message}` : String(outcome.reason);
  if (outcome.reason === 'invalid_primary_card') return invalid('Carte primaire non valide', 'primary_card_fisrtTagId');
  return new HubError('bad_request', message, 400, { code: outcome.reason });
}

/** The transfers of an applied outcome, as stored (for their answers). */
export async function outcomeTransfers(context: HubContext, outcome: RequestOutcome): Promise<repo.Transfer[]> {
  return repo.getTransfersById(context.storage.read, outcome.transfers.map((transfer) => transfer.id));
}
