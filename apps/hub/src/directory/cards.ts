/**
 * Cards in the directory: factory batches imported from CSV, a card found by any of
 * its identifiers and shown with its balances, cashier cards of places. Declaring a
 * card lost is a ledger request: money/lost.ts.
 */
import { cardBlockOf, type Card } from '@fedow/ledger';
import type { HubContext } from '../context';
import { HubError } from '../errors';
import { currentMelts, shownBalances, type MeltingBalance } from '../money/melt-policies';
import * as repo from '../storage/repo';
import type { Tx } from '../storage/types';
import { parseCardCsv } from './card-csv';
import { notFound, now, requirePlace, write } from './common';

export interface ImportOptions {
  place: string;
  generation: number;
  primary: boolean;
  /** Called as cards are stored (done, total), for the CLI's progress bar. */
  progress?: (done: number, total: number) => void;
}

export interface ImportResult {
  /** The batch the cards belong to. */
  id: string;
  place: string;
  generation: number;
  imported: number;
  primary: boolean;
  headerSkipped: boolean;
}

/** Rows per insert while importing: progress moves, and statements stay small. */
const IMPORT_CHUNK_ROWS = 500;

/**
 * Imports a factory CSV in ONE transaction: a broken line, or a card that clashes with
 * a stored one, stores nothing. Cards get no wallet yet (an ephemeral one is created
 * on first need). `primary` makes every card of the file a cashier card of the place.
 */
export async function importCards(context: HubContext, csv: string, options: ImportOptions): Promise<ImportResult> {
  const parsed = parseCardCsv(csv);
  if (!parsed.ok) throw new HubError('bad_request', parsed.message, 400, { line: parsed.line });
  const cards = parsed.cards;
  const at = now(context);
  const { result, change } = await write(context, 'card', async (tx) => {
    const place = await requirePlace(tx, options.place);
    const batch = await batchFor(context, tx, place, options.generation, at);
    const ids: string[] = [];
    options.progress?.(0, cards.length);
    for (let start = 0; start < cards.length; start += IMPORT_CHUNK_ROWS) {
      const chunk = cards.slice(start, start + IMPORT_CHUNK_ROWS).map((card) => ({ ...card, id: context.newId() }));
      const { skipped } = await repo.insertCards(
        tx,
        chunk.map((card) => ({ id: card.id, firstTagId: card.firstTagId, uid: card.uid, qrcode: card.qrcode, numberPrinted: card.numberPrinted, batchId: batch })),
      );
      const clash = chunk.find((card) => card.id === skipped[0]?.id);
      if (clash) {
        throw new HubError(
          'conflict',
          `line ${clash.line}: card ${clash.firstTagId} (number ${clash.numberPrinted}) is already stored (same tag, UID, QR code or printed number); nothing was imported`,
          409,
          { line: clash.line },
        );
      }
      ids.push(...chunk.map((card) => card.id));
      options.progress?.(ids.length, cards.length);
    }
    // Only primary cards concern tills yet (a new card holds nothing): they go in the feed.
    let change: CardsChange | null = null;
    if (options.primary) {
      await repo.addCardPrimaryPlaces(tx, place.id, ids);
      change = await recordChange(tx, ids, at);
    }
    const result: ImportResult = { id: batch, place: place.id, generation: options.generation, imported: ids.length, primary: options.primary, headerSkipped: parsed.header };
    return { result, change };
  });
  announce(context, change);
  // Tills hold the federation's card set: a new batch changes it.
  context.events.emit('directory', { place: null });
  return result;
}

/** One batch per (place, generation), as the original's Origin. */
async function batchFor(context: HubContext, tx: Tx, place: repo.Place, generation: number, at: string): Promise<string> {
  const existing = await repo.getCardBatch(tx, place.id, generation);
  if (existing) return existing.id;
  const id = context.newId();
  await repo.insertCardBatch(tx, { id, placeId: place.id, generation, label: `${place.name}, generation ${generation}`, createdAt: at });
  return id;
}

interface CardsChange {
  cardIds: string[];
  cursor: number;
}

/** Every card state change goes in the card feed, in the transaction that makes it. */
async function recordChange(tx: Tx, cardIds: string[], at: string): Promise<CardsChange> {
  const cursor = await repo.appendCardChanges(tx, cardIds, at);
  if (cursor === undefined) throw new Error('appendCardChanges returned no cursor for a non-empty list');
  return { cardIds, cursor };
}

/** After the commit: tills connected to this hub hear about it at once. */
function announce(context: HubContext, change: CardsChange | null): void {
  if (change) context.events.emit('cards-changed', change);
}

// ── one card ─────────────────────────────────────────────────────────────────

export interface CardView {
  /** The ledger's card, with its user's e-mail; its wallet is `wallet` below. */
  card: Omit<Card, 'ephemeralWallet'> & { userEmail: string | null };
  /** The user's wallet, else the card's ephemeral wallet; null until one is needed. */
  wallet: string | null;
  /** As shown everywhere: melted (DECISIONS.md, "Melting currency"). */
  balances: Record<string, number>;
  /** Per melting asset: what is held before the melt due, the melt due, and the next one. */
  melting: Record<string, MeltingBalance>;
  /** Lost, or any negative balance (debt): refused for sales everywhere. */
  blocked: boolean;
  reason: 'lost' | 'debt' | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX = /^(?:[0-9a-f]{8}|[0-9a-f]{14}|[0-9a-f]{20})$/i;

/** A card by UID, first tag id, printed number or QR code UUID. */
export async function findCard(tx: Tx, tag: string): Promise<repo.Card> {
  const text = tag.trim();
  const keys: Parameters<typeof repo.findCard>[1] = { numberPrinted: text };
  if (UUID.test(text)) keys.qrcode = text.toLowerCase();
  if (HEX.test(text)) {
    const upper = text.toUpperCase();
    keys.firstTagId = upper.slice(0, 8);
    if (upper.length > 8) keys.uid = upper;
  }
  const card = await repo.findCard(tx, keys);
  // A 7-byte UID whose card was imported with another UID of the same first 4 bytes is
  // not this card: the first tag id alone matched.
  if (!card || (keys.uid !== undefined && card.uid !== null && card.uid !== keys.uid && card.numberPrinted !== text)) {
    throw new HubError('unknown_card', `unknown card ${text}`, 404);
  }
  return card;
}

export async function showCard(context: HubContext, tag: string): Promise<CardView> {
  const tx = context.storage.read;
  return cardView(tx, await findCard(tx, tag), now(context));
}

async function cardView(tx: Tx, card: repo.Card, at: string): Promise<CardView> {
  const user = card.userId === null ? undefined : (await repo.getUsers(tx, [card.userId])).get(card.userId);
  const wallet = user?.walletId ?? card.ephemeralWalletId;
  const { balances, melting } = shownBalances(wallet === null ? [] : await repo.loadWalletBalances(tx, [wallet]), await currentMelts(tx), at);
  const primaryFor = (await repo.loadPrimaryPlaces(tx, [card.id])).get(card.id) ?? [];
  const reason = cardBlockOf(card.lostAt !== null, Object.values(balances));
  return {
    card: {
      id: card.id,
      firstTagId: card.firstTagId,
      uid: card.uid,
      qrcode: card.qrcode,
      numberPrinted: card.numberPrinted,
      batch: card.batchId,
      user: card.userId,
      userEmail: user?.email ?? null,
      lostAt: card.lostAt,
      primaryFor: [...primaryFor].sort(),
    },
    wallet,
    balances,
    melting,
    blocked: reason !== null,
    reason,
  };
}

/** Makes a card a cashier card of a place, or stops it being one. */
export async function setPrimary(context: HubContext, input: { tag: string; place: string; primary: boolean }): Promise<CardView> {
  const at = now(context);
  const { view, change } = await write(context, 'primary card', async (tx) => {
    const card = await findCard(tx, input.tag);
    await requirePlace(tx, input.place);
    if (input.primary && card.lostAt !== null) throw new HubError('card_lost', `card ${card.firstTagId} was declared lost: it cannot be a cashier card`);
    if (input.primary) await repo.addCardPrimaryPlaces(tx, input.place, [card.id]);
    else await repo.removeCardPrimaryPlace(tx, input.place, card.id);
    const change = await recordChange(tx, [card.id], at);
    return { view: await cardView(tx, card, at), change };
  });
  announce(context, change);
  return view;
}
