import type { WireEntry } from '@fedow/protocol';
import { authorise, type AuthoriseInput, type AuthoriseRequest, type Decline } from './authoriser';
import type { CardCache } from '../store/card-cache';
import { emptyCardState, type TillCardSet } from '../store/card-set';
import type { RandomSource } from '../clock';
import type { AppendResult, Journal } from '../store/journal';

/**
 * One tap, end to end on the till: gather what the till knows, decide, and when
 * approved commit the entries to the journal — "approved" may be shown only when
 * this returns `approve: true` (TILL.md: a crash before the commit shows nothing).
 */

export type TapResult =
  | { approve: true; entries: WireEntry[] }
  | Decline
  | { approve: false; code: 'journal'; failure: Exclude<AppendResult, { ok: true }> };

export interface TapContext {
  online: boolean;
  now: number;
  random: RandomSource;
  /** The hub's card set, once it sent one: a card absent from the cache is then known (and empty) or truly unknown. */
  cardSet?: Pick<TillCardSet, 'knows' | 'enrolls'>;
}

/** The authoriser's input from the journal and the card cache. */
export function gatherInput(journal: Journal, cache: CardCache, request: AuthoriseRequest, online: boolean, now: number): AuthoriseInput {
  const cached = cache.lookup(request.card);
  return {
    request,
    card: cached?.state,
    uidConflict: cached === undefined && cache.uidConflict(request.card),
    assets: cache.assets(),
    accepted: cache.accepted(),
    primaries: cache.primaries(),
    pending: journal.pendingForCard(request.card),
    policy: cache.policy(),
    connectivity: cache.connectivity(online),
    now,
    // An unknown card has no fresh balance: all its offline debits at this till count.
    counters: journal.offlineCounters(request.card, cached?.freshAt ?? 0),
  };
}

export function tap(journal: Journal, cache: CardCache, request: AuthoriseRequest, context: TapContext): TapResult {
  const input = gatherInput(journal, cache, request, context.online, context.now);
  if (input.card === undefined && context.cardSet) {
    const known = context.cardSet.knows(request.card);
    // Imported, never used: a known card with nothing on it, so a sale says what is missing.
    if (known === true) input.card = emptyCardState(request.card);
    // The hub would refuse this card (unknown_card): refuse before the cash is taken.
    if (known === false && !context.cardSet.enrolls() && (request.kind === 'REF' || request.kind === 'SUB')) return { approve: false, code: 'unknown_card' };
  }
  const decision = authorise(input);
  if (!decision.approve) return decision;
  const appended = journal.append(decision.entries, { now: context.now, random: context.random });
  if (!appended.ok) return { approve: false, code: 'journal', failure: appended };
  return { approve: true, entries: appended.entries };
}
