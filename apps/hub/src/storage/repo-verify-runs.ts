/** Verify runs: when `fedow verify` ran and what it found, for the dashboard and the next run. */
import { desc, eq } from 'drizzle-orm';
import type { NewVerifyRun, VerifyRun } from './rows';
import type { Tx } from './types';

export async function insertVerifyRun(tx: Tx, row: NewVerifyRun): Promise<void> {
  await tx.db.insert(tx.t.verifyRuns).values(row);
}

export async function finishVerifyRun(
  tx: Tx,
  id: string,
  result: Pick<VerifyRun, 'finishedAt' | 'ok' | 'firstDiscrepancy' | 'transfersChecked'>,
): Promise<void> {
  const { verifyRuns } = tx.t;
  await tx.db.update(verifyRuns).set(result).where(eq(verifyRuns.id, id));
}

export async function latestVerifyRun(tx: Tx): Promise<VerifyRun | undefined> {
  const { verifyRuns } = tx.t;
  const [row] = await tx.db.select().from(verifyRuns).orderBy(desc(verifyRuns.startedAt)).limit(1);
  return row;
}
