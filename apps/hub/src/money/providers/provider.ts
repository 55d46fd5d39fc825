import type { PaymentMethod } from '@fedow/protocol';
import type { HubContext } from '../../context';
import * as repo from '../../storage/repo';
import type { Source } from '../source';
import type { MoneyRequest, RequestOutcome } from '../submit';
import { topUp } from '../topup';

/** Who receives FED: a card (tag, printed number or QR code), or a user or ephemeral wallet. */
export type PaymentTarget = { card: string; wallet?: undefined } | { wallet: string; card?: undefined };

/** Money a provider paid back to whoever paid: its id at the provider, and how much. */
export interface ProviderRefund {
  id: string;
  amount: number;
}

/**
 * A way federated euros enter the federation, against a payment reference that
 * is unique per provider (`stripe:pi_…`, `manual:VIR-2026-001`), and, for some,
 * leave it back to the payer. Stripe takes card payments and pays them back; a
 * bank transfer or a cash-desk payment recorded by hand cannot be reversed by the
 * hub: its FED leaves as a SEPA payout request.
 */
export interface PaymentProvider {
  /** The name payment references are stored under, and the actor of its notifications. */
  readonly name: string;
  /** Pays `amount` of a credited payment back to whoever paid it; null when this provider cannot. */
  refund(payment: repo.Payment, amount: number, idempotencyKey: string): Promise<ProviderRefund | null>;
}

export interface FedPayment {
  source: Source;
  idempotencyKey: string;
  target: PaymentTarget;
  amount: number;
  /** The provider's own reference of the money received: stored as `<provider>:<reference>`, used once. */
  reference: string;
  method: PaymentMethod;
  alsoWrite?: MoneyRequest['alsoWrite'];
}

/**
 * FED received by a provider becomes a top-up (`CRE` + `REF`) on the one path:
 * the ledger refuses a reference already used, so a payment is never credited twice.
 */
export async function creditFed(context: HubContext, provider: PaymentProvider, payment: FedPayment): Promise<RequestOutcome> {
  const fed = await fedAsset(context);
  return topUp(context, {
    source: payment.source,
    idempotencyKey: payment.idempotencyKey,
    asset: fed.id,
    amount: payment.amount,
    card: payment.target.card,
    wallet: payment.target.wallet,
    reference: payment.reference,
    provider: provider.name,
    method: payment.method,
    alsoWrite: payment.alsoWrite,
  });
}

/** The hub's FED asset: created at first start, so its absence is a bug. */
export async function fedAsset(context: HubContext): Promise<repo.Asset> {
  const fed = (await repo.listAssets(context.storage.read)).find((asset) => asset.category === 'FED');
  if (!fed) throw new Error('the hub has no FED asset');
  return fed;
}
