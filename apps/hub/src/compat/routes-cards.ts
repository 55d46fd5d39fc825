/** `/card/…`: LaBoutik's batches, primary cards, lookups, refunds and badges; Lespass's card lookups and lost card. */
import { decideApiCardMovement, decideApiCardRefund, decideLost } from '@fedow/ledger';
import type { FastifyInstance } from 'fastify';
import type { HubContext } from '../context';
import { HubError } from '../errors';
import { iso } from '../clock';
import * as repo from '../storage/repo';
import type { Tx } from '../storage/types';
import { aliasedUuid, resolveAliases } from './aliases';
import { announceCards, cardByTagExact, cardFromFields, ensureCardWallet, walletPlace } from './cards';
import { bool, compatNotFound, integer, invalid, normalUuid, objectBody, route, text, uuid, type Fields } from './http';
import { outcomeTransfers, submitApiMovement } from './movements';
import { cardShape, loadDirectory, originShape, transactionShapes, walletShape } from './shapes';

export function cardRoutes(app: FastifyInstance, context: HubContext): void {
  route(app, context, 'POST', '/card/', 'KP', async ({ caller, body }) => createCards(context, caller.place!, body));
  route(app, context, 'POST', '/card/set_primary/', 'KP', async ({ caller, body }) => setPrimary(context, caller.place!, objectBody(body)));
  route(app, context, 'GET', '/card/retrieve_card_by_signature/', 'W', async ({ caller }) => cardsOfWallet(context, caller.wallet!));
  route(app, context, 'POST', '/card/lost_my_card_by_signature/', 'W', async ({ caller, body, request, raw }) => lostCard(context, caller.wallet!, objectBody(body), request, raw));
  route(app, context, 'POST', '/card/refund/', 'KP', async ({ caller, body, request, raw }) => refund(context, caller.place!, objectBody(body), request, raw));
  route(app, context, 'POST', '/card/badge/', 'KP', async ({ caller, body, request, raw }) => badge(context, caller.place!, objectBody(body), request, raw));
  route(app, context, 'GET', '/card/:tag/', 'KP', async ({ caller, params }) => {
    const { card } = await ensureCardWallet(context, await cardByTagExact(context, params.tag!));
    const read = context.storage.read;
    return { status: 200, body: await cardShape(read, await loadDirectory(read), card, caller.place) };
  });
  route(app, context, 'GET', '/card/:tag/card_tag_id_retrieve/', 'KO', async ({ params }) => lookup(context, { firstTagId: params.tag!.toUpperCase() }));
  route(app, context, 'GET', '/card/:number/card_number_retrieve/', 'KO', async ({ params }) => lookup(context, { numberPrinted: params.number!.toUpperCase() }));
  route(app, context, 'GET', '/card/:qrcode/qr_retrieve/', 'KO', async ({ params }) => lookup(context, { qrcode: normalUuid(params.qrcode!, 'qrcode_uuid') }));
}

interface CardInput {
  id: string;
  firstTagId: string;
  qrcode: string;
  numberPrinted: string;
  uid: string | null;
  generation: number;
  primary: boolean;
  tokens: { asset: string; uuid: string }[];
}

function cardInput(context: HubContext, fields: Fields): CardInput {
  const tokens = Array.isArray(fields.tokens_uuid) ? fields.tokens_uuid : [];
  return {
    id: fields.uuid ? uuid(fields, 'uuid') : context.newId(),
    firstTagId: text(fields, 'first_tag_id', { max: 8 }).toUpperCase(),
    qrcode: uuid(fields, 'qrcode_uuid'),
    numberPrinted: text(fields, 'number_printed', { max: 8 }).toUpperCase(),
    uid: null,
    generation: integer(fields, 'generation', 0),
    primary: bool(fields, 'is_primary'),
    tokens: tokens.map((token) => {
      const entry = objectBody(token);
      return { asset: uuid(entry, 'asset_uuid'), uuid: uuid(entry, 'token_uuid') };
    }),
  };
}

/**
 * A LaBoutik batch: one origin (place, generation) per request, each card with its
 * ephemeral wallet and its pre-token uuids, primary ones made primary here. A card
 * already known refuses the whole batch: 409 for its uuid, else DRF's 400 list.
 */
async function createCards(context: HubContext, place: repo.Place, body: unknown) {
  if (!Array.isArray(body) || body.length === 0) throw invalid('Une liste de cartes est attendue.');
  const inputs = await withHubAssets(context, body.map((item) => cardInput(context, objectBody(item))));
  const at = iso(context.clock.now());
  const change = await context.storage.transaction(async (tx) => {
    await refuseKnownCards(tx, inputs);
    const batches = new Map<number, string>();
    for (const generation of new Set(inputs.map((input) => input.generation))) {
      const existing = await repo.getCardBatch(tx, place.id, generation);
      const id = existing?.id ?? context.newId();
      if (!existing) await repo.insertCardBatch(tx, { id, placeId: place.id, generation, label: `${place.name} ${generation}`, createdAt: at });
      batches.set(generation, id);
    }
    const wallets = inputs.map(() => context.newId());
    await repo.insertWallets(tx, wallets.map((id) => ({ id, kind: 'ephemeral' as const, name: null, publicKey: null })));
    await repo.insertCards(
      tx,
      inputs.map((input, index) => ({ id: input.id, firstTagId: input.firstTagId, uid: input.uid, qrcode: input.qrcode, numberPrinted: input.numberPrinted, batchId: batches.get(input.generation)!, ephemeralWalletId: wallets[index]! })),
    );
    await repo.insertCompatTokens(tx, inputs.flatMap((input, index) => input.tokens.map((token) => ({ uuid: token.uuid, walletId: wallets[index]!, assetId: token.asset }))));
    const primary = inputs.filter((input) => input.primary).map((input) => input.id);
    if (primary.length > 0) await repo.addCardPrimaryPlaces(tx, place.id, primary);
    return primary.length > 0 ? announceCards(context, tx, primary) : null;
  });
  if (change) context.events.emit('cards-changed', change);
  return { status: 201, body: String(inputs.length) };
}

/** Pre-tokens may name the original's FED uuid: resolved to ours. */
async function withHubAssets(context: HubContext, inputs: CardInput[]): Promise<CardInput[]> {
  const named = [...new Set(inputs.flatMap((input) => input.tokens.map((token) => token.asset)))];
  const resolved = await resolveAliases(context.storage.read, Object.fromEntries(named.map((id) => [id, id])));
  return inputs.map((input) => ({ ...input, tokens: input.tokens.map((token) => ({ ...token, asset: resolved[token.asset] ?? token.asset })) }));
}

async function refuseKnownCards(tx: Tx, inputs: CardInput[]): Promise<void> {
  const byId = await repo.getCards(tx, inputs.map((input) => input.id));
  if (byId.size > 0) throw new HubError('conflict', 'Une carte avec cet uuid existe déjà.', 409, { fields: { uuid: ['Une carte avec cet uuid existe déjà.'] } });
  const errors = await Promise.all(
    inputs.map(async (input) => {
      const clash = await repo.findCard(tx, { firstTagId: input.firstTagId, numberPrinted: input.numberPrinted, qrcode: input.qrcode });
      if (!clash) return {};
      const field = clash.firstTagId === input.firstTagId ? 'first_tag_id' : clash.qrcode === input.qrcode ? 'qrcode_uuid' : 'number_printed';
      return { [field]: [`Un objet carte avec ce champ ${field} existe déjà.`] };
    }),
  );
  const duplicates = new Set<string>();
  inputs.forEach((input, index) => {
    if (duplicates.has(input.firstTagId)) errors[index] = { first_tag_id: ['Un objet carte avec ce champ first_tag_id existe déjà.'] };
    duplicates.add(input.firstTagId);
  });
  if (errors.some((error) => Object.keys(error).length > 0)) throw invalidList(errors);
}

/** DRF's answer to a list: one dict per submitted card, empty for the good ones. */
function invalidList(errors: Record<string, string[]>[]): HubError {
  return new HubError('bad_request', 'Cartes refusées', 400, { fields: errors });
}

/** 200 "OK" when made primary, 208 "Déja OK" when it was, 205 "remove ok" when `delete` removed it. */
async function setPrimary(context: HubContext, place: repo.Place, fields: Fields) {
  const card = await cardByTagExact(context, text(fields, 'first_tag_id').toUpperCase());
  const remove = bool(fields, 'delete');
  const { status, body, change } = await context.storage.transaction(async (tx) => {
    const primaryFor = (await repo.loadPrimaryPlaces(tx, [card.id])).get(card.id) ?? [];
    if (remove) {
      await repo.removeCardPrimaryPlace(tx, place.id, card.id);
      return { status: 205, body: 'remove ok', change: await announceCards(context, tx, [card.id]) };
    }
    if (primaryFor.includes(place.id)) return { status: 208, body: 'Déja OK', change: null };
    await repo.addCardPrimaryPlaces(tx, place.id, [card.id]);
    return { status: 200, body: 'OK', change: await announceCards(context, tx, [card.id]) };
  });
  if (change) context.events.emit('cards-changed', change);
  return { status, body };
}

async function lookup(context: HubContext, keys: { firstTagId?: string; numberPrinted?: string; qrcode?: string }) {
  const found = await repo.findCard(context.storage.read, keys);
  if (!found) throw compatNotFound('Carte inconnue');
  const { card, wallet } = await ensureCardWallet(context, found);
  const read = context.storage.read;
  return { status: 200, body: { wallet_uuid: wallet, is_wallet_ephemere: card.userId === null, origin: await originShape(read, await loadDirectory(read), card) } };
}

async function cardsOfWallet(context: HubContext, wallet: string) {
  const read = context.storage.read;
  const user = await repo.getUserByWallet(read, wallet);
  const cards = user ? await repo.listCardsOfUser(read, user.id) : [];
  const directory = await loadDirectory(read);
  const shapes = [];
  for (const card of cards.filter((card) => card.lostAt === null)) shapes.push(await cardShape(read, directory, card, null));
  return { status: 200, body: shapes };
}

/** The card holder declares a card lost: blocked everywhere, primary nowhere; its money stays in the wallet. */
async function lostCard(context: HubContext, wallet: string, fields: Fields, request: Parameters<typeof submitApiMovement>[1]['request'], raw: string | null) {
  const number = text(fields, 'number_printed').toUpperCase();
  const read = context.storage.read;
  const user = await repo.getUserByWallet(read, wallet);
  const card = user ? (await repo.listCardsOfUser(read, user.id)).find((candidate) => candidate.numberPrinted === number) : undefined;
  if (!card) throw invalid('Carte inconnue pour ce wallet.', 'number_printed');
  const place = await walletPlace(context, card);
  await submitApiMovement(context, {
    place,
    request,
    raw,
    kind: 'lost',
    body: { card: card.id, wallet },
    needs: { cards: [card.firstTagId] },
    decide: (state, decision) => decideLost(state, { card: card.firstTagId }, decision),
  });
  return { status: 200, body: 'OK' };
}

async function refund(context: HubContext, place: repo.Place, fields: Fields, request: Parameters<typeof submitApiMovement>[1]['request'], raw: string | null) {
  const read = context.storage.read;
  const primary = (await cardFromFields(read, fields, 'primary_card', true))!;
  const found = (await cardFromFields(read, fields, 'user_card', true))!;
  const action = fields.action === undefined ? 'RFD' : text(fields, 'action');
  if (action !== 'RFD' && action !== 'VID') throw invalid('RFD ou VID attendu.', 'action');
  const { card, wallet } = await ensureCardWallet(context, found);
  const directory = await loadDirectory(read);
  const before = await walletShape(read, directory, wallet, place);
  const outcome = await submitApiMovement(context, {
    place,
    request,
    raw,
    kind: action === 'VID' ? 'void' : 'refund',
    body: { card: card.id, primary: primary.id, action },
    needs: { place: place.id, cards: [card.firstTagId, primary.firstTagId] },
    decide: (state, decision, id) => decideApiCardRefund(state, { place: place.id, card: card.firstTagId, primary: primary.firstTagId, detach: action === 'VID', request: id }, decision),
  });
  const after = (await repo.getCards(read, [card.id])).get(card.id)!;
  const transactions = await transactionShapes(read, directory, await outcomeTransfers(context, outcome));
  return { status: 205, body: { serialized_card: await cardShape(read, directory, after, place), before_refund_serialized_wallet: before, serialized_transactions: transactions } };
}

/** A card's passage (BDG): `/card/badge/`, and `/transaction/{asset}/badge_with_signature/` with the asset in its path. */
export async function badge(context: HubContext, place: repo.Place, fields: Fields, request: Parameters<typeof submitApiMovement>[1]['request'], raw: string | null) {
  const read = context.storage.read;
  const card = await cardByTagExact(context, text(fields, 'first_tag_id').toUpperCase());
  const primary = (await cardFromFields(read, { primary_card_firstTagId: fields.primary_card_firstTagId }, 'primary_card', true))!;
  const asset = await aliasedUuid(read, fields, 'asset');
  const outcome = await submitApiMovement(context, {
    place,
    request,
    raw,
    kind: 'badge',
    body: { card: card.id, primary: primary.id, asset, pos: typeof fields.pos_uuid === 'string' ? fields.pos_uuid : null },
    needs: { place: place.id, cards: [card.firstTagId, primary.firstTagId] },
    decide: (state, decision, id) => decideApiCardMovement(state, { kind: 'BDG', place: place.id, asset, amount: 0, card: card.firstTagId, primary: primary.firstTagId, request: id }, decision),
  });
  const [transaction] = await transactionShapes(read, await loadDirectory(read), await outcomeTransfers(context, outcome), { withCard: true, viewer: place });
  return { status: 201, body: transaction };
}
