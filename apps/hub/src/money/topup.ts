import { decideTopUp } from '@fedow/ledger';
import type { PaymentMethod } from '@fedow/protocol';
import type { HubContext } from '../context';
import { findCard } from '../directory/cards';
import type { Source } from './source';
import { submitRequest, type MoneyRequest, type RequestOutcome } from './submit';

export interface TopUp {
  source: Source;
  idempotencyKey: string;
  asset: string;
  amount: number;
  /** A card by tag, printed number or QR code; or a user or ephemeral wallet. */
  card?: string;
  wallet?: string;
  /** The payment's reference: required for FED, used once (LEDGER.md, CRE). */
  reference?: string;
  /** Which provider the reference belongs to: references are unique per provider. */
  provider?: string;
  method?: PaymentMethod;
  /** Writes of the same transaction when the top-up is applied: a provider's payment marked credited. */
  alsoWrite?: MoneyRequest['alsoWrite'];
}

/**
 * A top-up (`CRE` + `REF` in one transaction): an operator at the cash desk, a
 * bank transfer recorded by hand, a payment provider's notification. FED enters
 * only against a payment reference, and never twice for the same one.
 */
export async function topUp(context: HubContext, input: TopUp): Promise<RequestOutcome> {
  const card = input.card === undefined ? null : await findCard(context.storage.read, input.card);
  const paymentRef = input.reference === undefined ? undefined : `${input.provider ?? 'manual'}:${input.reference}`;
  return submitRequest(context, {
    source: input.source,
    idempotencyKey: input.idempotencyKey,
    kind: 'topup',
    body: {
      asset: input.asset,
      amount: input.amount,
      card: card?.id ?? null,
      wallet: input.wallet ?? null,
      reference: paymentRef ?? null,
      method: input.method ?? null,
    },
    needs: { cards: card ? [card.firstTagId] : [], wallets: input.wallet ? [input.wallet] : [], paymentRefs: paymentRef ? [paymentRef] : [] },
    decide: (state, decision, request) =>
      decideTopUp(state, { asset: input.asset, amount: input.amount, card: card?.firstTagId, wallet: input.wallet, paymentRef, request }, decision),
    alsoWrite: input.alsoWrite,
  });
}
