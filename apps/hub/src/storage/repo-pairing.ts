/** Pairing codes: single-use codes that turn a new till into a terminal of a place (SYNC.md, pairing). */
import { and, asc, eq, gt, isNull } from 'drizzle-orm';
import type { NewPairingCode, PairingCode } from './rows';
import type { Tx } from './types';

export async function insertPairingCode(tx: Tx, row: NewPairingCode): Promise<void> {
  await tx.db.insert(tx.t.pairingCodes).values(row);
}

export type PairingClaim =
  | { status: 'claimed'; code: PairingCode }
  | { status: 'unknown' }
  | { status: 'expired'; code: PairingCode }
  | { status: 'used'; code: PairingCode };

/**
 * Uses a pairing code once: atomically marks it used if it is unused and not expired
 * at `now`. SYNC.md: unknown → 404, expired or used → 410.
 */
export async function claimPairingCode(tx: Tx, codeHash: string, now: string): Promise<PairingClaim> {
  const { pairingCodes } = tx.t;
  const [claimed] = await tx.db
    .update(pairingCodes)
    .set({ usedAt: now })
    .where(and(eq(pairingCodes.codeHash, codeHash), isNull(pairingCodes.usedAt), gt(pairingCodes.expiresAt, now)))
    .returning();
  if (claimed) return { status: 'claimed', code: claimed };
  const [code] = await tx.db.select().from(pairingCodes).where(eq(pairingCodes.codeHash, codeHash));
  if (!code) return { status: 'unknown' };
  return code.usedAt === null ? { status: 'expired', code } : { status: 'used', code };
}

/** Records which terminal a claimed code created. */
export async function setPairingTerminal(tx: Tx, codeHash: string, terminalId: string): Promise<void> {
  const { pairingCodes } = tx.t;
  await tx.db.update(pairingCodes).set({ terminalId }).where(eq(pairingCodes.codeHash, codeHash));
}

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
