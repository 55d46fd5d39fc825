/** Cards as the compatible API names them: by first tag id, uuid, printed number or QR code. */
import type { HubContext } from '../context';
import { iso } from '../clock';
import * as repo from '../storage/repo';
import type { Tx } from '../storage/types';
import { compatNotFound, invalid, normalUuid, type Fields } from './http';

/** A card named by `<prefix>_firstTagId` / `<prefix>_fisrtTagId` (the original's typo) or `<prefix>_uuid`. */
export async function cardFromFields(tx: Tx, fields: Fields, prefix: 'user_card' | 'primary_card', required: boolean): Promise<repo.Card | null> {
  const tag = fields[`${prefix}_firstTagId`] ?? fields[`${prefix}_fisrtTagId`];
  const id = fields[`${prefix}_uuid`];
  const field = prefix === 'primary_card' ? 'primary_card_fisrtTagId' : 'user_card_firstTagId';
  if (typeof tag === 'string' && tag !== '') {
    const card = await repo.findCard(tx, { firstTagId: tag.toUpperCase() });
    if (!card) throw invalid(prefix === 'primary_card' ? 'Carte primaire non valide' : 'Carte inconnue', field);
    return card;
  }
  if (typeof id === 'string' && id !== '') {
    const card = (await repo.getCards(tx, [normalUuid(id, `${prefix}_uuid`)])).values().next().value;
    if (!card) throw invalid(prefix === 'primary_card' ? 'Carte primaire non valide' : 'Carte inconnue', field);
    return card;
  }
  if (required) throw invalid('Ce champ est obligatoire.', field);
  return null;
}

/**
 * The wallet a card spends from, made now if it has none: the original creates
 * the ephemeral wallet on first read, and its clients send that uuid back as the
 * sender or receiver of the next movement. An empty wallet moves no money.
 */
export async function ensureCardWallet(context: HubContext, card: repo.Card): Promise<{ card: repo.Card; wallet: string }> {
  if (card.userId !== null) {
    const user = (await repo.getUsers(context.storage.read, [card.userId])).get(card.userId);
    if (user) return { card, wallet: user.walletId };
  }
  if (card.ephemeralWalletId !== null) return { card, wallet: card.ephemeralWalletId };
  const wallet = context.newId();
  const updated = await context.storage.transaction(async (tx) => {
    const fresh = (await repo.getCards(tx, [card.id])).get(card.id)!;
    if (fresh.ephemeralWalletId !== null || fresh.userId !== null) return fresh;
    await repo.insertWallets(tx, [{ id: wallet, kind: 'ephemeral', name: null, publicKey: null }]);
    await repo.updateCard(tx, card.id, { ephemeralWalletId: wallet });
    return { ...fresh, ephemeralWalletId: wallet };
  });
  if (updated.ephemeralWalletId !== wallet) return ensureCardWallet(context, updated);
  return { card: updated, wallet };
}

export async function cardByTagExact(context: HubContext, tag: string): Promise<repo.Card> {
  const card = (await repo.loadCardsByTag(context.storage.read, [tag])).get(tag);
  if (!card) throw compatNotFound('Carte inconnue');
  return card;
}

/** Tills learn of a card's change (primary places, a new wallet) through the card feed. */
export async function announceCards(context: HubContext, tx: Tx, cardIds: string[]): Promise<{ cardIds: string[]; cursor: number } | null> {
  const cursor = await repo.appendCardChanges(tx, cardIds, iso(context.clock.now()));
  return cursor === undefined ? null : { cardIds, cursor };
}

/** A card holder's request names no place: it is recorded under the place that issued the card (its batch), else the first place. */
export async function walletPlace(context: HubContext, card: repo.Card): Promise<repo.Place> {
  const read = context.storage.read;
  const batch = card.batchId === null ? undefined : (await repo.getCardBatches(read, [card.batchId])).get(card.batchId);
  const place = batch?.placeId ? await repo.getPlace(read, batch.placeId) : (await repo.listPlaces(read))[0];
  if (!place) throw compatNotFound('Aucun lieu');
  return place;
}

