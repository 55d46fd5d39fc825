/** Pairing codes still waiting for their till, for the dashboard's pairing page. */
import { and, asc, gt, isNull } from 'drizzle-orm';
import type { PairingCode } from './rows';
import type { Tx } from './types';

/** Codes neither used nor expired at `now`, the soonest to expire first (the code itself is stored hashed). */
export async function listPendingPairingCodes(tx: Tx, now: string, limit: number): Promise<PairingCode[]> {
  const { pairingCodes } = tx.t;
  return tx.db
    .select()
    .from(pairingCodes)
    .where(and(isNull(pairingCodes.usedAt), gt(pairingCodes.expiresAt, now)))
    .orderBy(asc(pairingCodes.expiresAt))
    .limit(limit);
}
