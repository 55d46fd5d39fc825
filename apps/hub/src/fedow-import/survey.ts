import { HubError } from '../errors';
import * as repo from '../storage/repo';
import type { Tx } from '../storage/types';
import type { ImportPlan } from './plan';

/** The part of a plan the hub does not hold yet: what a run writes, or a dry run prints. */
export interface NewRows {
  wallets: ImportPlan['wallets'];
  users: ImportPlan['users'];
  places: ImportPlan['places'];
  assets: ImportPlan['assets'];
  federations: ImportPlan['federations'];
  cards: ImportPlan['cards'];
  apiKeys: ImportPlan['apiKeys'];
  openings: ImportPlan['openings'];
}

/** The operator every request of the import is recorded under, as the other CLI commands are. */
export const IMPORT_ACTOR = 'cli';

/**
 * Rows are matched by id: one already stored was imported by an earlier run (or
 * made here under the original's uuid) and is left as it is. A new row whose
 * unique value (a place's name, an e-mail, a card's tag, QR code or number) is
 * taken by another row here is a clash: the import stops before writing anything.
 */
export async function surveyNew(tx: Tx, plan: ImportPlan): Promise<NewRows> {
  const fresh = async <T extends { id: string }>(table: Parameters<typeof repo.knownIds>[1], rows: readonly T[]) => {
    const known = await repo.knownIds(tx, table, rows.map((row) => row.id));
    return rows.filter((row) => !known.has(row.id));
  };
  const keys = await repo.listCompatApiKeysByPrefix(tx, plan.apiKeys.map((key) => key.prefix));
  const used = await repo.usedRequestKeys(tx, 'operator', IMPORT_ACTOR, plan.openings.map((opening) => opening.key));
  const rows: NewRows = {
    wallets: await fresh('wallets', plan.wallets),
    users: await fresh('users', plan.users),
    places: await fresh('places', plan.places),
    assets: await fresh('assets', plan.assets),
    federations: await fresh('federations', plan.federations),
    cards: await fresh('cards', plan.cards),
    apiKeys: plan.apiKeys.filter((key) => !keys.has(key.prefix)),
    openings: plan.openings.filter((opening) => !used.has(opening.key)),
  };
  await refuseClashes(tx, rows);
  return rows;
}

async function refuseClashes(tx: Tx, rows: NewRows): Promise<void> {
  const clashes = [
    ...(await clashesOf(tx, 'placeName', 'place', rows.places.map((place) => [place.id, place.name]))),
    ...(await clashesOf(tx, 'userEmail', 'user', rows.users.map((user) => [user.id, user.email]))),
    ...(await clashesOf(tx, 'federationName', 'federation', rows.federations.map((federation) => [federation.id, federation.name]))),
    ...(await clashesOf(tx, 'cardTag', 'card tag', rows.cards.map((card) => [card.id, card.firstTagId]))),
    ...(await clashesOf(tx, 'cardQrcode', 'card QR code', rows.cards.map((card) => [card.id, card.qrcode]))),
    ...(await clashesOf(tx, 'cardNumber', 'card number', rows.cards.map((card) => [card.id, card.numberPrinted]))),
  ];
  if (clashes.length === 0) return;
  const shown = clashes.slice(0, 10).join('; ');
  throw new HubError('conflict', `the hub already holds other rows with the original's values, nothing was imported: ${shown}${clashes.length > 10 ? ` (and ${clashes.length - 10} more)` : ''}`);
}

async function clashesOf(tx: Tx, unique: repo.UniqueValue, what: string, wanted: [string, string][]): Promise<string[]> {
  const stored = await repo.rowsWithValues(tx, unique, wanted.map(([, value]) => value));
  const owner = new Map(stored.map((row) => [row.value, row.id]));
  return wanted.flatMap(([id, value]) => {
    const holder = owner.get(value);
    return holder !== undefined && holder !== id ? [`${what} "${value}" belongs to ${holder} here, to ${id} in the original`] : [];
  });
}
