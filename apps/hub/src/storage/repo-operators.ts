/** Operator tokens by name, and the one write of a balance that is not a delta (a repair). */
import { and, asc, eq, isNull } from 'drizzle-orm';
import { assert } from './batch';
import type { OperatorToken } from './rows';
import type { Tx } from './types';

/** Every token, active and revoked, oldest first. */
export async function listOperatorTokens(tx: Tx): Promise<OperatorToken[]> {
  const { operatorTokens } = tx.t;
  return tx.db.select().from(operatorTokens).orderBy(asc(operatorTokens.createdAt), asc(operatorTokens.label));
}

/** The active (not revoked) token of that name: names are unique among active tokens. */
export async function getActiveOperatorToken(tx: Tx, name: string): Promise<OperatorToken | undefined> {
  const { operatorTokens } = tx.t;
  const [row] = await tx.db
    .select()
    .from(operatorTokens)
    .where(and(eq(operatorTokens.label, name), isNull(operatorTokens.revokedAt)));
  return row;
}

/** Returns false when the token was already revoked (or is unknown). */
export async function revokeOperatorToken(tx: Tx, hash: string, at: string): Promise<boolean> {
  const { operatorTokens } = tx.t;
  const updated = await tx.db
    .update(operatorTokens)
    .set({ revokedAt: at })
    .where(and(eq(operatorTokens.hash, hash), isNull(operatorTokens.revokedAt)))
    .returning({ hash: operatorTokens.hash });
  return updated.length === 1;
}

/**
 * Sets a stored balance to a value (creating the row): only a repair does this,
 * through `persistEffects`, when the stored value drifted from the replay.
 */
export async function setBalance(tx: Tx, walletId: string, assetId: string, value: number): Promise<void> {
  assert(tx.inTransaction, 'balances move only inside storage.transaction()');
  assert(Number.isSafeInteger(value), `balance ${value} is not a safe integer`);
  const { balances } = tx.t;
  await tx.db
    .insert(balances)
    .values({ walletId, assetId, value })
    .onConflictDoUpdate({ target: [balances.walletId, balances.assetId], set: { value } });
}
