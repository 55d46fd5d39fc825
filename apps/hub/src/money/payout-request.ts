import { accept, balanceOf, refuse } from '@fedow/ledger';
import { HubError } from '../errors';
import { iso } from '../clock';
import type { HubContext } from '../context';
import { lockLedger } from '../storage/ledger-lock';
import { recordEvents } from '../outbox/events';
import * as repo from '../storage/repo';
import { normaliseIban } from './iban';
import { CLI_OPERATOR, type Source } from './source';
import { appliedOrThrow, applyRequest } from './submit';

export interface PayoutRequest {
  /** The user or ephemeral wallet the FED leaves. */
  wallet: string;
  card?: string | null;
  amount: number;
  iban: string;
  holder: string;
  /** Who asks; the command line's operator by default. */
  source?: Source;
  /** A retry with the same key gets the same payout; without one, each call asks anew. */
  idempotencyKey?: string;
}

/**
 * A card holder's leftovers to be paid back by SEPA transfer: a recorded request
 * (kind `payout-request`, no transfer) whose payout row carries the request's id,
 * stored as `requested`; nothing moves until an operator's batch is marked sent,
 * which books the `RFD` of every payout in it. The IBAN is checked here, and the
 * amount against the FED balance not already asked for, under the ledger lock.
 */
export async function requestPayout(context: HubContext, input: PayoutRequest): Promise<repo.Payout> {
  const iban = normaliseIban(input.iban);
  if (iban === null) throw new HubError('bad_request', `the IBAN ${input.iban} is not valid (country, length or checksum)`);
  const holder = input.holder.trim();
  if (holder === '') throw new HubError('bad_request', 'the account holder’s name is required');
  if (!Number.isSafeInteger(input.amount) || input.amount <= 0) throw new HubError('bad_request', 'a payout is more than 0');
  const env = { at: iso(context.clock.now()), newId: context.newId };
  const outcome = await context.storage.transaction(async (tx) => {
    await lockLedger(tx);
    // Only a card holder's money is paid out: a place banks its own (a deposit).
    const wallet = (await repo.getWallets(tx, [input.wallet])).get(input.wallet);
    if (!wallet) throw new HubError('unknown_wallet', `no wallet ${input.wallet}`, 404);
    if (wallet.kind !== 'user' && wallet.kind !== 'ephemeral') throw new HubError('wrong_wallet_kind', `a payout is paid from a card holder's wallet, not a ${wallet.kind} wallet`);
    const fed = (await repo.listAssets(tx)).find((asset) => asset.category === 'FED');
    if (!fed) throw new Error('the hub has no FED asset');
    const pending = (await repo.listPayouts(tx, { wallet: input.wallet, statuses: ['requested', 'approved'] })).reduce((sum, payout) => sum + payout.amount, 0);
    const { outcome } = await applyRequest(tx, env, {
      source: input.source ?? { kind: 'operator', name: CLI_OPERATOR },
      idempotencyKey: input.idempotencyKey ?? `payout:${context.newId()}`,
      kind: 'payout-request',
      body: { wallet: input.wallet, card: input.card ?? null, amount: input.amount, iban, holder },
      needs: { wallets: [input.wallet] },
      decide: (state) => {
        const available = balanceOf(state, input.wallet, fed.id) - pending;
        return input.amount > available
          ? refuse('insufficient_funds', `${input.amount - Math.max(available, 0)} missing: the payout is more than the FED balance not already asked for`)
          : accept([]);
      },
      // The payout's id is the request's: a retry's answer names it.
      alsoWrite: async (write, applied) => {
        await recordEvents(write, [{ type: 'payout.requested', data: { payout: applied.request, wallet: input.wallet, asset: fed.id, amount: input.amount } }], env.at);
        await repo.insertPayout(write, {
          id: applied.request,
          walletId: input.wallet,
          cardId: input.card ?? null,
          assetId: fed.id,
          amount: input.amount,
          iban,
          holder,
          status: 'requested',
          batchId: null,
          requestedAt: env.at,
          requestId: null,
        });
      },
    });
    return outcome;
  });
  appliedOrThrow(outcome);
  const payout = await repo.getPayout(context.storage.read, outcome.request);
  if (!payout) throw new Error(`payout request ${outcome.request} was applied without its payout`);
  return payout;
}
