/**
 * The original's uuids after `fedow import-fedow` (storage: compat_aliases):
 * its FED asset and its primary wallet became the hub's own, but LaBoutik and
 * Lespass keep the uuids they stored. Ids a client sends are resolved to ours
 * here; answers show the original's in their place (shapes.ts), so a client
 * never meets two uuids for one asset.
 */
import * as repo from '../storage/repo';
import type { Tx } from '../storage/types';
import { uuid, type Fields } from './http';

/** `ids` with every alias replaced by the id it stands for; one lookup for them all. */
export async function resolveAliases<K extends string>(tx: Tx, ids: Record<K, string>): Promise<Record<K, string>> {
  const aliases = await repo.getCompatAliases(tx, Object.values<string>(ids));
  if (aliases.length === 0) return ids;
  const target = new Map(aliases.map((row) => [row.alias, row.targetId]));
  const resolved = { ...ids };
  for (const name of Object.keys(ids) as K[]) resolved[name] = target.get(ids[name]) ?? ids[name];
  return resolved;
}

export async function resolveAlias(tx: Tx, id: string): Promise<string> {
  return (await resolveAliases(tx, { id })).id;
}

/** A uuid field of a body (uuid() of http.ts), resolved. */
export async function aliasedUuid(tx: Tx, fields: Fields, name: string): Promise<string> {
  return resolveAlias(tx, uuid(fields, name));
}

/** Our id → the original's uuid that clients know it by (the first, should two originals have been imported). */
export async function shownIds(tx: Tx): Promise<Map<string, string>> {
  const shown = new Map<string, string>();
  for (const row of await repo.listCompatAliases(tx)) if (!shown.has(row.targetId)) shown.set(row.targetId, row.alias);
  return shown;
}
