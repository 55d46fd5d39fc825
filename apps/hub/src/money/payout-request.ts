import { HubError } from '../errors';
import { iso, type HubContext } from '../context';
import * as repo from '../storage/repo';
import { normaliseIban } from './iban';

export interface PayoutRequest {
  /** The user or ephemeral wallet the FED leaves. */
  wallet: string;
  card?: string | null;
  amount: number;
  iban: string;
  holder: string;
}

/**
 * A card holder's leftovers to be paid back by SEPA transfer: stored as
 * `requested`; nothing moves until an operator's batch is marked sent, which
 * books the `RFD` of every payout in it. The IBAN is checked here.
 */
export async function requestPayout(context: HubContext, input: PayoutRequest): Promise<repo.Payout> {
  const iban = normaliseIban(input.iban);
  if (iban === null) throw new HubError('bad_request', `the IBAN ${input.iban} is not valid (country, length or checksum)`);
  const holder = input.holder.trim();
  if (holder === '') throw new HubError('bad_request', 'the account holder’s name is required');
  if (!Number.isSafeInteger(input.amount) || input.amount <= 0) throw new HubError('bad_request', 'a payout is more than 0');
  return context.storage.transaction(async (tx) => {
    // Only a card holder's money is paid out: a place banks its own (a deposit).
    const wallet = (await repo.getWallets(tx, [input.wallet])).get(input.wallet);
    if (!wallet) throw new HubError('unknown_wallet', `no wallet ${input.wallet}`, 404);
    if (wallet.kind !== 'user' && wallet.kind !== 'ephemeral') throw new HubError('wrong_wallet_kind', `a payout is paid from a card holder's wallet, not a ${wallet.kind} wallet`);
    const fed = (await repo.listAssets(tx)).find((asset) => asset.category === 'FED');
    if (!fed) throw new Error('the hub has no FED asset');
    const [balance] = await repo.loadWalletBalances(tx, [input.wallet]).then((rows) => rows.filter((row) => row.assetId === fed.id));
    const pending = (await repo.listPayouts(tx, { wallet: input.wallet, statuses: ['requested', 'approved'] })).reduce((sum, payout) => sum + payout.amount, 0);
    const available = (balance?.value ?? 0) - pending;
    if (input.amount > available) throw new HubError('insufficient_funds', `${input.amount - Math.max(available, 0)} missing: the payout is more than the FED balance not already asked for`);
    const row: repo.Payout = {
      id: context.newId(),
      walletId: input.wallet,
      cardId: input.card ?? null,
      assetId: fed.id,
      amount: input.amount,
      iban,
      holder,
      status: 'requested',
      batchId: null,
      requestedAt: iso(context.clock.now()),
      requestId: null,
    };
    await repo.insertPayout(tx, row);
    return row;
  });
}
