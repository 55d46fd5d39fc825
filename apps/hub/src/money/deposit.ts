import { decideBankDeposit } from '@fedow/ledger';
import type { HubContext } from '../context';
import { HubError } from '../errors';
import * as repo from '../storage/repo';
import type { Source } from './source';
import { submitRequest, type RequestOutcome } from './submit';

export interface Deposit {
  source: Source;
  idempotencyKey: string;
  place: string;
  amount: number;
  /** FED when not given: what a place banks is the federated euro it earned. */
  asset?: string;
  comment?: string;
}

/** A place's money deposited at the bank (`BNK`): it leaves the system (the original's `global_asset_bank_stripe_deposit`). */
export async function deposit(context: HubContext, input: Deposit): Promise<RequestOutcome> {
  const tx = context.storage.read;
  const place = await repo.getPlace(tx, input.place);
  if (!place) throw new HubError('not_found', `no place ${input.place}`);
  const asset = input.asset ?? (await repo.listAssets(tx)).find((row) => row.category === 'FED')?.id;
  if (asset === undefined) throw new Error('the hub has no FED asset');
  const comment = input.comment?.trim() || null;
  return submitRequest(context, {
    source: input.source,
    idempotencyKey: input.idempotencyKey,
    kind: 'deposit',
    body: { place: place.id, asset, amount: input.amount, comment },
    needs: { place: place.id, wallets: [place.walletId] },
    decide: (state, decision, request) => decideBankDeposit(state, { place: place.id, asset, amount: input.amount, comment, request }, decision),
  });
}
