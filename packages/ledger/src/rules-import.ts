import { draft, requireAmount } from './rules-common';
import type { Decision, DecisionContext, LedgerState } from './state';
import { accept, balanceOf, refuse } from './state';

/**
 * Opening balances: the balances a hub takes over from an original Fedow
 * (`fedow import-fedow`), one request per wallet and asset. The money enters as
 * every top-up does: `CRE` at the asset's origin, then `REF` from the origin to
 * the wallet (none when the wallet is the origin). So Σ balances = Σ CRE holds
 * with no new action, and `fedow verify` replays it like any top-up.
 */
export interface OpeningBalance {
  wallet: string;
  asset: string;
  amount: number;
  /** Where the balance was held before: kept in the transfers' meta for the auditor. */
  from: { system: string; wallet: string; asset: string };
  request: string;
}

/**
 * Refused unless the wallet's balance of the asset is still empty: an opening
 * balance opens it, and never adds to money the hub already holds there (a second
 * import under another key cannot credit the wallet twice). No category or
 * wallet kind is refused: the original's balances are facts, whatever they are.
 */
export function decideOpeningBalance(state: LedgerState, opening: OpeningBalance, context: DecisionContext): Decision {
  const amountRefusal = requireAmount(opening.amount, 1);
  if (amountRefusal) return amountRefusal;
  const asset = state.assets.get(opening.asset);
  if (!asset) return refuse('unknown_asset', opening.asset);
  if (!state.wallets.has(opening.wallet)) return refuse('unknown_wallet', opening.wallet);
  const held = balanceOf(state, opening.wallet, asset.id);
  if (held !== 0) return refuse('balance_moved', `${opening.wallet} already holds ${held} of ${asset.name}: an opening balance opens an empty balance`);
  const meta = { opening: opening.from };
  const fields = { asset: asset.id, amount: opening.amount, entry: opening.request, meta };
  const creation = draft(context, { action: 'CRE', sender: asset.origin, receiver: asset.origin, ...fields });
  if (opening.wallet === asset.origin) return accept([creation]);
  return accept([creation, draft(context, { action: 'REF', sender: asset.origin, receiver: opening.wallet, ...fields })]);
}
