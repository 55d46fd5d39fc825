/**
 * Which ids and unique values (names, e-mails, card identifiers) the directory
 * tables already hold: an import skips the first and reports the second.
 */
import { inList } from './batch';
import type { Tx } from './types';

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
