import { and, eq } from 'drizzle-orm';
import { inList } from './batch';
import type { Tx } from './types';

/** What `fedow import-fedow` asks of the hub's tables beyond the directory's own queries. */

type IdTable = 'wallets' | 'places' | 'assets' | 'federations' | 'users' | 'cards';

/** The ids among `ids` that the table already holds: an import skips them, so a second run inserts nothing. */
export async function knownIds(tx: Tx, table: IdTable, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const target = tx.t[table];
  const rows = await tx.db.select({ id: target.id }).from(target).where(inList(tx, target.id, [...new Set(ids)]));
  return new Set(rows.map((row) => row.id));
}

export type UniqueValue = 'placeName' | 'federationName' | 'userEmail' | 'cardTag' | 'cardQrcode' | 'cardNumber';

/** Stored rows whose unique value (a name, an e-mail, a card's tag, QR code or number) is one of `values`: clashes to report. */
export async function rowsWithValues(tx: Tx, unique: UniqueValue, values: readonly string[]): Promise<{ id: string; value: string }[]> {
  if (values.length === 0) return [];
  const { places, federations, users, cards } = tx.t;
  const list = [...new Set(values)];
  switch (unique) {
    case 'placeName':
      return tx.db.select({ id: places.id, value: places.name }).from(places).where(inList(tx, places.name, list));
    case 'federationName':
      return tx.db.select({ id: federations.id, value: federations.name }).from(federations).where(inList(tx, federations.name, list));
    case 'userEmail':
      return tx.db.select({ id: users.id, value: users.email }).from(users).where(inList(tx, users.email, list));
    case 'cardTag':
      return tx.db.select({ id: cards.id, value: cards.firstTagId }).from(cards).where(inList(tx, cards.firstTagId, list));
    case 'cardQrcode':
      return (await tx.db.select({ id: cards.id, value: cards.qrcode }).from(cards).where(inList(tx, cards.qrcode, list))).map((row) => ({ id: row.id, value: row.value ?? '' }));
    case 'cardNumber':
      return (await tx.db.select({ id: cards.id, value: cards.numberPrinted }).from(cards).where(inList(tx, cards.numberPrinted, list))).map((row) => ({ id: row.id, value: row.value ?? '' }));
  }
}

/** The idempotency keys among `keys` already used by this source: their requests were made. */
export async function usedRequestKeys(tx: Tx, source: 'operator', actor: string, keys: readonly string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const { requests } = tx.t;
  const rows = await tx.db
    .select({ key: requests.idempotencyKey })
    .from(requests)
    .where(and(eq(requests.source, source), eq(requests.actor, actor), inList(tx, requests.idempotencyKey, [...new Set(keys)])));
  return new Set(rows.map((row) => row.key));
}

/** The bodies of the applied requests of a kind, for the import's totals. */
export async function appliedRequestBodies(tx: Tx, kind: string): Promise<string[]> {
  const { requests } = tx.t;
  const rows = await tx.db.select({ body: requests.body }).from(requests).where(and(eq(requests.kind, kind), eq(requests.status, 'applied')));
  return rows.map((row) => row.body);
}

/** The prefixes among `prefixes` the compatible API already has keys for. */
export async function listCompatApiKeysByPrefix(tx: Tx, prefixes: readonly string[]): Promise<Set<string>> {
  if (prefixes.length === 0) return new Set();
  const { compatApiKeys } = tx.t;
  const rows = await tx.db.select({ prefix: compatApiKeys.prefix }).from(compatApiKeys).where(inList(tx, compatApiKeys.prefix, [...new Set(prefixes)]));
  return new Set(rows.map((row) => row.prefix));
}
