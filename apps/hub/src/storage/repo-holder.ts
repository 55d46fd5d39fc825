/** The card holder's page: one-time links, sessions, transfer codes, limits and options. */
import { and, eq, gt, isNull, lt, sql } from 'drizzle-orm';
import type { HolderCode, HolderLimit, HolderLink, HolderSession } from './rows';
import type { Tx } from './types';

export async function insertHolderLink(tx: Tx, link: HolderLink): Promise<void> {
  await tx.db.insert(tx.t.holderLinks).values(link);
}

export type HolderLinkClaim = { status: 'claimed'; link: HolderLink } | { status: 'unknown' | 'expired' | 'used' };

/** Marks a link used if it is live: a link works once, even when two tabs follow it at once. */
export async function claimHolderLink(tx: Tx, tokenHash: string, now: string): Promise<HolderLinkClaim> {
  const { holderLinks } = tx.t;
  const [claimed] = await tx.db
    .update(holderLinks)
    .set({ usedAt: now })
    .where(and(eq(holderLinks.tokenHash, tokenHash), isNull(holderLinks.usedAt), gt(holderLinks.expiresAt, now)))
    .returning();
  if (claimed) return { status: 'claimed', link: claimed };
  const [link] = await tx.db.select().from(holderLinks).where(eq(holderLinks.tokenHash, tokenHash));
  if (!link) return { status: 'unknown' };
  return { status: link.usedAt === null ? 'expired' : 'used' };
}

/** Links asked for this e-mail since `since`: the per-address limit of sign-in mails. */
export async function countHolderLinksSince(tx: Tx, email: string, since: string): Promise<number> {
  const { holderLinks } = tx.t;
  const [row] = await tx.all<{ n: number | string }>(sql`select count(*) as n from ${holderLinks} where ${holderLinks.email} = ${email} and ${holderLinks.createdAt} >= ${since}`);
  return Number(row?.n ?? 0);
}

export async function insertHolderSession(tx: Tx, session: HolderSession): Promise<void> {
  await tx.db.insert(tx.t.holderSessions).values(session);
}

/** A live session by the hash of its cookie. */
export async function getHolderSession(tx: Tx, idHash: string, now: string): Promise<HolderSession | undefined> {
  const { holderSessions } = tx.t;
  const [row] = await tx.db
    .select()
    .from(holderSessions)
    .where(and(eq(holderSessions.idHash, idHash), gt(holderSessions.expiresAt, now)));
  return row;
}

export async function deleteHolderSession(tx: Tx, idHash: string): Promise<void> {
  await tx.db.delete(tx.t.holderSessions).where(eq(tx.t.holderSessions.idHash, idHash));
}

/** Forgets expired sessions, links and codes older than `before`. */
export async function pruneHolderRows(tx: Tx, before: string): Promise<void> {
  const { holderSessions, holderLinks, holderCodes } = tx.t;
  await tx.db.delete(holderSessions).where(lt(holderSessions.expiresAt, before));
  await tx.db.delete(holderLinks).where(lt(holderLinks.expiresAt, before));
  await tx.db.delete(holderCodes).where(lt(holderCodes.expiresAt, before));
}

export async function insertHolderCode(tx: Tx, code: HolderCode): Promise<void> {
  await tx.db.insert(tx.t.holderCodes).values(code);
}

export async function getHolderCode(tx: Tx, id: string): Promise<HolderCode | undefined> {
  const [row] = await tx.db.select().from(tx.t.holderCodes).where(eq(tx.t.holderCodes.id, id));
  return row;
}

/** Spends one try of a live, unused code; false when none is left (or it was used meanwhile). */
export async function spendHolderCodeTry(tx: Tx, id: string): Promise<boolean> {
  const { holderCodes } = tx.t;
  const updated = await tx.db
    .update(holderCodes)
    .set({ triesLeft: sql`${holderCodes.triesLeft} - 1` })
    .where(and(eq(holderCodes.id, id), gt(holderCodes.triesLeft, 0), isNull(holderCodes.usedAt)))
    .returning({ id: holderCodes.id });
  return updated.length === 1;
}

/** Marks a code used; false when it already was (a second confirmation of the same transfer). */
export async function useHolderCode(tx: Tx, id: string, at: string): Promise<boolean> {
  const { holderCodes } = tx.t;
  const updated = await tx.db
    .update(holderCodes)
    .set({ usedAt: at })
    .where(and(eq(holderCodes.id, id), isNull(holderCodes.usedAt)))
    .returning({ id: holderCodes.id });
  return updated.length === 1;
}

/** Codes sent to this user since `since`: the per-user limit of code mails. */
export async function countHolderCodesSince(tx: Tx, userId: string, since: string): Promise<number> {
  const { holderCodes } = tx.t;
  const [row] = await tx.all<{ n: number | string }>(sql`select count(*) as n from ${holderCodes} where ${holderCodes.userId} = ${userId} and ${holderCodes.createdAt} >= ${since}`);
  return Number(row?.n ?? 0);
}

export async function getHolderLimit(tx: Tx, userId: string): Promise<HolderLimit | undefined> {
  const [row] = await tx.db.select().from(tx.t.holderLimits).where(eq(tx.t.holderLimits.userId, userId));
  return row;
}

export async function setHolderLimit(tx: Tx, limit: HolderLimit): Promise<void> {
  const { holderLimits } = tx.t;
  await tx.db
    .insert(holderLimits)
    .values(limit)
    .onConflictDoUpdate({
      target: holderLimits.userId,
      set: { transferDailyMax: sql`excluded.transfer_daily_max`, transfersBlocked: sql`excluded.transfers_blocked`, updatedAt: sql`excluded.updated_at` },
    });
}

export async function getHolderOption(tx: Tx, key: string): Promise<string | undefined> {
  const [row] = await tx.db.select().from(tx.t.holderOptions).where(eq(tx.t.holderOptions.key, key));
  return row?.value;
}

export async function setHolderOption(tx: Tx, key: string, value: string): Promise<void> {
  const { holderOptions } = tx.t;
  await tx.db
    .insert(holderOptions)
    .values({ key, value })
    .onConflictDoUpdate({ target: holderOptions.key, set: { value: sql`excluded.value` } });
}

/** What a wallet sent by TRF of one asset since `since` (minor units): the daily limit's count. */
export async function sumTransfersSentSince(tx: Tx, walletId: string, assetId: string, since: string): Promise<number> {
  const { transfers } = tx.t;
  const [row] = await tx.all<{ total: number | string | null }>(
    sql`select coalesce(sum(${transfers.amount}), 0) as total from ${transfers} where ${transfers.senderWalletId} = ${walletId} and ${transfers.assetId} = ${assetId} and ${transfers.action} = 'TRF' and ${transfers.at} >= ${since}`,
  );
  return Number(row?.total ?? 0);
}
