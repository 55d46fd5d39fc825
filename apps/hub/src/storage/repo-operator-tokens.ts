/** Operator tokens: the bearer tokens of the admin API, stored hashed, by name, revocable. */
import { and, asc, eq, isNull } from 'drizzle-orm';
import type { NewOperatorToken, OperatorToken } from './rows';
import type { Tx } from './types';

export async function insertOperatorToken(tx: Tx, row: NewOperatorToken): Promise<void> {
  await tx.db.insert(tx.t.operatorTokens).values(row);
}

export async function getOperatorToken(tx: Tx, hash: string): Promise<OperatorToken | undefined> {
  const { operatorTokens } = tx.t;
  const [row] = await tx.db.select().from(operatorTokens).where(eq(operatorTokens.hash, hash));
  return row;
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

/** Every token, active and revoked, oldest first. */
export async function listOperatorTokens(tx: Tx): Promise<OperatorToken[]> {
  const { operatorTokens } = tx.t;
  return tx.db.select().from(operatorTokens).orderBy(asc(operatorTokens.createdAt), asc(operatorTokens.label));
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

export async function deleteOperatorToken(tx: Tx, hash: string): Promise<boolean> {
  const { operatorTokens } = tx.t;
  const deleted = await tx.db.delete(operatorTokens).where(eq(operatorTokens.hash, hash)).returning();
  return deleted.length === 1;
}
