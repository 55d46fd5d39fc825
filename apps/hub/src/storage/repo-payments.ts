/**
 * Payments taken by a provider for FED (Stripe Checkout, a card terminal's payment
 * intent): pending until the provider's verified notification credits them, then
 * refunded in part or whole through the provider.
 */
import { and, desc, eq, gt, sql } from 'drizzle-orm';
import type { NewPayment, Payment } from './rows';
import type { Tx } from './types';

export async function insertPayment(tx: Tx, row: NewPayment): Promise<void> {
  await tx.db.insert(tx.t.payments).values(row);
}

export async function getPayment(tx: Tx, id: string): Promise<Payment | undefined> {
  const { payments } = tx.t;
  const [row] = await tx.db.select().from(payments).where(eq(payments.id, id));
  return row;
}

export async function getPaymentBySession(tx: Tx, provider: string, session: string): Promise<Payment | undefined> {
  const { payments } = tx.t;
  const [row] = await tx.db.select().from(payments).where(and(eq(payments.provider, provider), eq(payments.session, session)));
  return row;
}

/** The provider's session, once it has given one; only a pending payment without one takes it. */
export async function setPaymentSession(tx: Tx, id: string, session: string): Promise<void> {
  const { payments } = tx.t;
  await tx.db.update(payments).set({ session }).where(and(eq(payments.id, id), eq(payments.status, 'pending')));
}

/**
 * A pending payment credited by `request`, in the request's transaction. False when
 * it was not pending: the caller's transaction then rolls back.
 */
export async function markPaymentCredited(tx: Tx, change: { id: string; reference: string; walletId: string; creditedAt: string; requestId: string; amount: number }): Promise<boolean> {
  const { payments } = tx.t;
  // The amount is set again: an open-amount checkout learns it only when paid.
  const updated = await tx.db
    .update(payments)
    .set({ status: 'credited', reference: change.reference, walletId: change.walletId, creditedAt: change.creditedAt, requestId: change.requestId, amount: change.amount })
    .where(and(eq(payments.id, change.id), eq(payments.status, 'pending')))
    .returning({ id: payments.id });
  return updated.length === 1;
}

/** A wallet's credited payments of a provider with something left to refund, newest first. */
export async function listRefundablePayments(tx: Tx, provider: string, walletId: string): Promise<Payment[]> {
  const { payments } = tx.t;
  return tx.db
    .select()
    .from(payments)
    .where(and(eq(payments.provider, provider), eq(payments.walletId, walletId), eq(payments.status, 'credited'), gt(payments.amount, payments.refunded)))
    .orderBy(desc(payments.createdAt), desc(payments.id));
}

/**
 * Adds `amount` to what was refunded of a payment, never beyond its amount: false
 * when it would go beyond (another refund took it meanwhile). Fully refunded
 * payments become `refunded`.
 */
export async function addPaymentRefunded(tx: Tx, id: string, amount: number): Promise<boolean> {
  const { payments } = tx.t;
  const updated = await tx.db
    .update(payments)
    .set({
      refunded: sql`${payments.refunded} + ${amount}`,
      status: sql`case when ${payments.refunded} + ${amount} = ${payments.amount} then 'refunded' else ${payments.status} end`,
    })
    .where(and(eq(payments.id, id), sql`${payments.refunded} + ${amount} <= ${payments.amount}`))
    .returning({ id: payments.id });
  return updated.length === 1;
}
