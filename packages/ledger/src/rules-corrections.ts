import { decideCorrection } from './rules-operator';
import type { Decision, DecisionContext, LedgerState } from './state';
import { accept, balanceOf, refuse } from './state';

/**
 * Corrections by an operator (LEDGER.md, `COR`), and the repair of a stored
 * balance that drifted from the replay of the transfers (`fedow verify --apply`).
 */

export type CorrectionDirection = 'credit' | 'debit';

export interface WalletCorrection {
  wallet: string;
  asset: string;
  amount: number;
  direction: CorrectionDirection;
  reason: string;
  request: string;
}

/**
 * A `COR` seen from the corrected wallet: a credit comes from the primary wallet
 * (r += a), a debit goes to it (s −= a, never into debt). The primary wallet
 * itself cannot be corrected: as both sides, its COR would read as a debit.
 */
export function decideWalletCorrection(state: LedgerState, request: WalletCorrection, context: DecisionContext): Decision {
  if (request.wallet === state.primaryWallet) return refuse('wrong_wallet_kind', 'the primary wallet cannot be corrected');
  const [sender, receiver] = request.direction === 'credit' ? [state.primaryWallet, request.wallet] : [request.wallet, state.primaryWallet];
  return decideCorrection(state, { sender, receiver, asset: request.asset, amount: request.amount, reason: request.reason, request: request.request }, context);
}

export interface BalanceRepair {
  wallet: string;
  asset: string;
  /** The stored balance the repair was proposed against. */
  stored: number;
  /** What the replay of every transfer gives: the value the balance is set to. */
  replayed: number;
  reason: string;
}

/**
 * Sets a stored balance back to the replay. No transfer: a `COR` of the
 * difference would move the replay as much as the stored value (stored = replay
 * + d; after a COR of −d, stored' = replay and replay' = replay − d), so only
 * restoring the stored value closes the gap. Refused when the balance moved
 * since it was read, so a repair never overwrites a movement it did not see.
 */
export function decideRepair(state: LedgerState, repair: BalanceRepair): Decision {
  if (repair.reason.trim() === '') return refuse('reason_required');
  if (!Number.isSafeInteger(repair.stored) || !Number.isSafeInteger(repair.replayed)) return refuse('invalid_amount', 'balances are integers');
  if (repair.stored === repair.replayed) return refuse('invalid_amount', 'the balance already equals the replay');
  if (!state.assets.has(repair.asset)) return refuse('unknown_asset', repair.asset);
  if (!state.wallets.has(repair.wallet)) return refuse('unknown_wallet', repair.wallet);
  const current = balanceOf(state, repair.wallet, repair.asset);
  if (current !== repair.stored) return refuse('balance_moved', `${repair.wallet}:${repair.asset} is ${current}, not ${repair.stored}`);
  return accept([], [{ type: 'balance-restored', wallet: repair.wallet, asset: repair.asset, from: repair.stored, to: repair.replayed }]);
}
