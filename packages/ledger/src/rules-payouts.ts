import { PAYOUT_BATCH_PAYOUTS_MAX } from '@fedow/protocol';
import type { TransferDraft } from './entities';
import { decideFedPayout } from './rules-operator';
import type { Decision, DecisionContext, LedgerState } from './state';
import { accept, commit, refuse } from './state';

/** One SEPA payout of a batch: FED of a user or ephemeral wallet, paid to its holder's bank account. */
export interface BatchPayout {
  id: string;
  wallet: string;
  amount: number;
  card: string | null;
}

/**
 * A SEPA batch marked sent: one `RFD` to the primary wallet per payout, all or
 * nothing. Each payout is decided by `decideFedPayout` on a working copy of the
 * state, committed before the next, so two payouts of one wallet see each other;
 * the first that no longer fits refuses the whole batch, naming the payout.
 */
export function decidePayoutBatch(
  state: LedgerState,
  request: { batch: string; payouts: readonly BatchPayout[]; request: string },
  context: DecisionContext,
): Decision {
  if (request.payouts.length === 0) return refuse('invalid_amount', 'a batch of no payout');
  if (request.payouts.length > PAYOUT_BATCH_PAYOUTS_MAX) return refuse('invalid_amount', `more than ${PAYOUT_BATCH_PAYOUTS_MAX} payouts in one batch`);
  const working = workingCopy(state);
  const transfers: TransferDraft[] = [];
  for (const payout of request.payouts) {
    const meta = { payout: payout.id, batch: request.batch };
    const decision = decideFedPayout(working, { wallet: payout.wallet, amount: payout.amount, card: payout.card, request: request.request, meta }, context);
    if (!decision.ok) return { ...decision, message: `payout ${payout.id}: ${decision.message}` };
    // decideFedPayout never has effects: its transfers are the whole decision.
    if (decision.effects.length !== 0) throw new Error('decidePayoutBatch: a FED payout with effects');
    commit(working, decision);
    transfers.push(...decision.transfers);
  }
  return accept(transfers);
}

/**
 * The state with its own balances: committing an `RFD` writes balances only, so
 * the caller's state is left as it was (a decision never changes what it reads).
 */
function workingCopy(state: LedgerState): LedgerState {
  return { ...state, balances: new Map(state.balances), activity: new Map(state.activity), firsts: new Set(state.firsts) };
}
