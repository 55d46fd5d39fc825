import { decideRepair, decideWalletCorrection, type CorrectionDirection } from '@fedow/ledger';
import type { HubContext } from '../context';
import type { Source } from './source';
import { submitRequest, type RequestOutcome } from './submit';

export interface Correction {
  source: Source;
  idempotencyKey: string;
  wallet: string;
  asset: string;
  amount: number;
  direction: CorrectionDirection;
  reason: string;
}

/**
 * `COR` (LEDGER.md): an operator credits a wallet from the primary wallet, or
 * debits it to the primary wallet, with a reason the dashboard shows.
 */
export async function correct(context: HubContext, input: Correction): Promise<RequestOutcome> {
  const reason = input.reason.trim();
  return submitRequest(context, {
    source: input.source,
    idempotencyKey: input.idempotencyKey,
    kind: 'correction',
    body: { wallet: input.wallet, asset: input.asset, amount: input.amount, direction: input.direction, reason },
    needs: { wallets: [input.wallet] },
    decide: (state, decision, request) =>
      decideWalletCorrection(state, { wallet: input.wallet, asset: input.asset, amount: input.amount, direction: input.direction, reason, request }, decision),
  });
}

/** A stored balance that differs from the replay of the transfers. */
export interface BalanceDrift {
  wallet: string;
  asset: string;
  stored: number;
  replayed: number;
}

/**
 * Sets a drifted balance back to the replay (`fedow verify --apply`): a recorded
 * `correction` request whose effect restores the balance, with no transfer
 * (DECISIONS.md explains why a COR cannot close the gap). The key names the
 * balance, both values and the replay's last transfer, so a retry books nothing
 * twice and a later drift of the same balance is a new request.
 */
export async function repairBalance(context: HubContext, source: Source, drift: BalanceDrift, replayedThroughSeq: number): Promise<RequestOutcome> {
  const reason = `repair: stored ${drift.stored}, replay ${drift.replayed}`;
  return submitRequest(context, {
    source,
    idempotencyKey: `repair:${drift.wallet}:${drift.asset}:${drift.stored}:${drift.replayed}:${replayedThroughSeq}`,
    kind: 'correction',
    body: { wallet: drift.wallet, asset: drift.asset, stored: drift.stored, replayed: drift.replayed, reason },
    needs: { wallets: [drift.wallet] },
    meltFirst: false,
    decide: (state) => decideRepair(state, { ...drift, reason }),
  });
}
