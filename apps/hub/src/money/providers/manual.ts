import type { PaymentMethod } from '@fedow/protocol';
import type { HubContext } from '../../context';
import type { Source } from '../source';
import type { RequestOutcome } from '../submit';
import { topUp } from '../topup';
import { fedAsset, type PaymentProvider, type PaymentTarget } from './provider';

/**
 * Money an operator received outside the hub and records by hand: a bank
 * transfer, cash or a card at the cash desk, with its reference. The hub cannot
 * send it back: a refund of its FED becomes a SEPA payout request.
 */
export const manualProvider: PaymentProvider = {
  name: 'manual',
  refund: async () => null,
};

export interface ManualTopUp {
  source: Source;
  idempotencyKey: string;
  target: PaymentTarget;
  amount: number;
  /** FED by default; another asset needs no reference. */
  asset?: string;
  reference?: string;
  method: PaymentMethod;
}

/** A top-up an operator records: FED against its reference (`manual:<ref>`, used once), other assets as they come. */
export async function recordManualTopUp(context: HubContext, input: ManualTopUp): Promise<RequestOutcome> {
  const asset = input.asset ?? (await fedAsset(context)).id;
  return topUp(context, {
    source: input.source,
    idempotencyKey: input.idempotencyKey,
    asset,
    amount: input.amount,
    card: input.target.card,
    wallet: input.target.wallet,
    reference: input.reference,
    provider: manualProvider.name,
    method: input.method,
  });
}
