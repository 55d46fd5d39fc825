/** The hub's identity row: written once at first start, read by everything that signs or names the hub. */
import type { HubIdentity } from './rows';
import type { Tx } from './types';

/** Writes the hub identity on first start; returns the stored one (the first writer's). */
export async function initHubIdentity(tx: Tx, identity: Omit<HubIdentity, 'id'>): Promise<HubIdentity> {
  const { hubIdentity } = tx.t;
  await tx.db.insert(hubIdentity).values({ id: 1, ...identity }).onConflictDoNothing();
  const stored = await getHubIdentity(tx);
  if (!stored) throw new Error('hub identity missing right after it was written');
  return stored;
}

export async function getHubIdentity(tx: Tx): Promise<HubIdentity | undefined> {
  const [row] = await tx.db.select().from(tx.t.hubIdentity);
  return row;
}
