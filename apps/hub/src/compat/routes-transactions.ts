/** `/transaction/…`: LaBoutik's sales, refills, memberships and badges; Lespass's QR payments, refills, memberships and history. */
import { decideApiCardMovement, decideApiFusion, decideQrSplit, decideTopUp, decideWalletMembership, type Decision, type DecisionContext, type LedgerState } from '@fedow/ledger';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { HubContext } from '../context';
import * as repo from '../storage/repo';
import type { Tx } from '../storage/types';
import type { Caller } from './auth';
import { aliasedUuid, resolveAlias, resolveAliases, shownIds } from './aliases';
import { cardFromFields, ensureCardWallet } from './cards';
import { badge } from './routes-cards';
import { callLespassMembership, lespassWantsCall } from './lespass-membership';
import { compatNotFound, integer, invalid, normalUuid, objectBody, optionalText, route, text, uuid, type Fields } from './http';
import { outcomeTransfers, submitApiMovement, type ApiOutcome } from './movements';
import { pythonIsoformat } from './python';
import { decidedDirectory, decidedFacts, loadDirectory, transactionShapes, type Directory } from './shapes';

const PAGE_SIZE = 10;
const PAGE_SIZE_MAX = 100;
const LIST_MAX = 10_000;

export function transactionRoutes(app: FastifyInstance, context: HubContext, lespassUrl: string): void {
  route(app, context, 'POST', '/transaction/', 'KP', async ({ caller, body, request, raw }) => {
    const lespass = caller.compatPlace?.lespassDomain ? { url: lespassUrl, domain: caller.compatPlace.lespassDomain } : null;
    return laboutikTransaction(context, caller.place!, objectBody(body), request, raw, lespass);
  });
  route(app, context, 'GET', '/transaction/', 'KP', async ({ caller }) => placeTransactions(context, caller.place!));
  route(app, context, 'GET', '/transaction/paginated_list_by_wallet_signature/', 'W', async ({ caller, request }) => walletHistory(context, caller.wallet!, request));
  route(app, context, 'POST', '/transaction/list_by_asset/', 'KW', async ({ caller, body }) => listByAsset(context, caller.place!, objectBody(body)));
  route(app, context, 'POST', '/transaction/create_membership/', 'KW', async ({ caller, body, request, raw }) => createMembership(context, caller, objectBody(body), request, raw));
  route(app, context, 'POST', '/transaction/qrcodescanpay/', 'KW', async ({ caller, body, request, raw }) => qrPay(context, caller, objectBody(body), request, raw));
  route(app, context, 'POST', '/transaction/refill_from_lespass_to_user_wallet/', 'KW', async ({ caller, body, request, raw }) => lespassRefill(context, caller, objectBody(body), request, raw));
  route(app, context, 'GET', '/transaction/:hash/get_from_hash/', 'KP', async ({ params }) => {
    const echo = /^[0-9a-f]{64}$/.test(params.hash!) ? await repo.getCompatTransactionByHash(context.storage.read, params.hash!) : undefined;
    if (!echo) throw compatNotFound();
    return one(context, echo.transferId);
  });
  route(app, context, 'GET', '/transaction/:asset/badge_with_signature/', 'KP', async ({ caller, params, request }) => badgeWithSignature(context, caller.place!, params.asset!, request));
  route(app, context, 'GET', '/transaction/:uuid/', null, async ({ params }) => one(context, normalUuid(params.uuid!)));
}

/**
 * The original serves this GET under KP (its permission's name is misspelt) and
 * validates it as `/card/badge/`: the card fields come in the query string here
 * (a GET has no body), the asset in the path; an unknown asset is a 404.
 */
async function badgeWithSignature(context: HubContext, place: repo.Place, assetId: string, request: FastifyRequest) {
  const id = await resolveAlias(context.storage.read, normalUuid(assetId, 'asset'));
  if ((await repo.getAssets(context.storage.read, [id])).size === 0) throw compatNotFound();
  const query = request.query as Record<string, unknown>;
  return badge(context, place, { ...query, asset: id }, request, null);
}

async function one(context: HubContext, id: string) {
  const read = context.storage.read;
  const transfers = await repo.getTransfersById(read, [id]);
  if (transfers.length === 0) throw compatNotFound();
  const [shape] = await transactionShapes(read, await loadDirectory(read), transfers, { withCard: true });
  return { status: 200, body: shape };
}

/** What the answer of a movement shows: its last transfer (a refill's REF after its CRE), card included. */
async function answer(context: HubContext, outcome: ApiOutcome, place: repo.Place | null, status = 201) {
  if (outcome.shown) return { status, body: outcome.shown.body as Awaited<ReturnType<typeof lastShape>> };
  return { status, body: await lastShape(context.storage.read, await outcomeTransfers(context, outcome), place) };
}

async function lastShape(tx: Tx, transfers: repo.Transfer[], place: repo.Place | null) {
  const shapes = await transactionShapes(tx, await loadDirectory(tx), transfers, { withCard: true, viewer: place });
  return shapes.at(-1) ?? null;
}

/** lastShape in the movement's transaction, from what its decision holds (the place is its `needs.place`). */
async function decidedShape(tx: Tx, transfers: repo.Transfer[], place: repo.Place, state: LedgerState, echoes: Map<string, repo.CompatTransaction>) {
  const directory = decidedDirectory(state, await shownIds(tx));
  const shapes = await transactionShapes(tx, directory, transfers, { withCard: true, viewer: place, facts: decidedFacts(tx, state, echoes, place.id) });
  return shapes.at(-1) ?? null;
}

/**
 * `POST /transaction/`: the original infers the action (fedow-original.md §2.3).
 * From the place: SUB for a SUB asset, BDG for a BDG asset, else a refill (CRE +
 * REF) with both cards; to the place with both cards: a sale. Anything else is
 * refused, as the original's "No action authorized".
 */
async function laboutikTransaction(context: HubContext, place: repo.Place, fields: Fields, request: FastifyRequest, raw: string | null, lespass: { url: string; domain: string } | null) {
  const read = context.storage.read;
  const amount = integer(fields, 'amount');
  const { sender, receiver, assetId } = await resolveAliases(read, { sender: uuid(fields, 'sender'), receiver: uuid(fields, 'receiver'), assetId: uuid(fields, 'asset') });
  const asset = (await repo.getAssets(read, [assetId])).get(assetId);
  if (!asset) throw invalid("L'asset n'existe pas.", 'asset');
  const primary = await cardFromFields(read, fields, 'primary_card', false);
  const found = await cardFromFields(read, fields, 'user_card', false);
  const card = found ? await ensureCardWallet(context, found) : null;
  const base = { place, request, raw };
  if (sender !== place.walletId && receiver !== place.walletId && fields.action === 'FUS') return fusion(context, { ...base, sender, receiver, asset, amount });
  if (sender === place.walletId && asset.category === 'SUB') {
    const start = subscriptionStart(fields);
    const wallet = card?.wallet ?? receiver;
    const outcome = await submitApiMovement(context, {
      ...base,
      answer: (tx, transfers, state, echoes) => decidedShape(tx, transfers, place, state, echoes),
      kind: 'membership',
      subscriptionStart: start,
      body: { wallet, asset: asset.id, amount, start },
      needs: { place: place.id, wallets: [wallet] },
      decide: (state, decision, id) => decideWalletMembership(state, { place: place.id, wallet, asset: asset.id, amount, start: start ?? undefined, request: id }, decision),
    });
    const reply = await answer(context, outcome, place);
    const sold = outcome.status === 'applied' && !outcome.replayed && reply.body !== null;
    if (sold && lespass && lespassWantsCall(primary !== null, fields.metadata)) void callLespassMembership(context, lespass.url, lespass.domain, reply.body!.uuid);
    return reply;
  }
  if (!card || !primary) throw invalid('No action authorized: the customer card and the primary card are required', card ? 'primary_card_fisrtTagId' : 'user_card_firstTagId');
  const kind = sender === place.walletId ? (asset.category === 'BDG' ? 'BDG' : 'REF') : receiver === place.walletId ? 'SAL' : null;
  if (kind === null) throw invalid('No action authorized');
  const cardSide = kind === 'SAL' ? sender : receiver;
  if (kind !== 'BDG' && cardSide !== card.wallet) throw invalid("Le wallet n'est pas celui de la carte.", kind === 'SAL' ? 'sender' : 'receiver');
  const outcome = await submitApiMovement(context, {
    ...base,
    answer: (tx, transfers, state, echoes) => decidedShape(tx, transfers, place, state, echoes),
    kind: { SAL: 'sale', REF: 'topup', BDG: 'badge' }[kind],
    body: { card: card.card.id, primary: primary.id, asset: asset.id, amount, action: kind },
    needs: { place: place.id, cards: [card.card.firstTagId, primary.firstTagId] },
    decide: (state, decision, id) =>
      decideApiCardMovement(state, { kind, place: place.id, asset: asset.id, amount: kind === 'BDG' ? 0 : amount, card: card.card.firstTagId, primary: primary.firstTagId, request: id }, decision),
  });
  return answer(context, outcome, place);
}

/**
 * `action: "FUS"` (the original's rule 4): the sender is the ephemeral wallet of
 * a card without user issued by this place, the receiver a user's wallet; the
 * whole card joins the user (decideApiFusion). The answer is the named asset's FUS.
 */
async function fusion(context: HubContext, input: { place: repo.Place; request: FastifyRequest; raw: string | null; sender: string; receiver: string; asset: repo.Asset; amount: number }) {
  const read = context.storage.read;
  const card = ((await repo.cardsOfWallets(read, [input.sender])).get(input.sender) ?? []).find((candidate) => candidate.ephemeralWalletId === input.sender && candidate.userId === null);
  if (!card) throw invalid("No action authorized: the sender is not the wallet of a card without user", 'sender');
  const batch = card.batchId === null ? undefined : (await repo.getCardBatches(read, [card.batchId])).get(card.batchId);
  if (batch?.placeId !== input.place.id) throw invalid("No action authorized: the card was not issued by this place", 'sender');
  const user = await repo.getUserByWallet(read, input.receiver);
  if (!user) throw invalid("No action authorized: the receiver is not a user's wallet", 'receiver');
  const outcome = await submitApiMovement(context, {
    place: input.place,
    request: input.request,
    raw: input.raw,
    kind: 'fusion',
    body: { card: card.id, user: user.id, asset: input.asset.id, amount: input.amount },
    needs: { cards: [card.firstTagId], users: [user.id] },
    decide: (state, decision, id) => decideApiFusion(state, { card: card.firstTagId, user: user.id, asset: input.asset.id, amount: input.amount, request: id }, decision),
  });
  const transfers = (await outcomeTransfers(context, outcome)).filter((transfer) => transfer.assetId === input.asset.id);
  const shapes = await transactionShapes(read, await loadDirectory(read), transfers, { withCard: true, viewer: input.place });
  return { status: 201, body: shapes[0] ?? null };
}

/** `subscription_start_datetime` as an RFC 3339 UTC time, or null when absent. */
function subscriptionStart(fields: Fields): string | null {
  const value = optionalText(fields, 'subscription_start_datetime');
  if (value === null) return null;
  const iso = pythonIsoformat(value.replace(/Z$/, '+00:00'));
  const ms = iso === null ? Number.NaN : Date.parse(/[+-]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(iso) ? iso : `${iso}Z`);
  if (Number.isNaN(ms)) throw invalid('Format de date invalide.', 'subscription_start_datetime');
  return new Date(ms).toISOString();
}

/** The original lists the whole database here; ours lists what concerns the asking place. */
async function placeTransactions(context: HubContext, place: repo.Place) {
  const read = context.storage.read;
  const transfers = (await repo.listWalletTransfers(read, place.walletId, { limit: PAGE_SIZE_MAX })).reverse();
  return { status: 200, body: await transactionShapes(read, await loadDirectory(read), transfers) };
}

async function walletHistory(context: HubContext, wallet: string, request: FastifyRequest) {
  const query = request.query as Record<string, string | undefined>;
  const page = Math.max(1, Number.parseInt(query.page ?? '1', 10) || 1);
  const size = Math.min(PAGE_SIZE_MAX, Math.max(1, Number.parseInt(query.page_size ?? String(PAGE_SIZE), 10) || PAGE_SIZE));
  const read = context.storage.read;
  // Pages are read newest first; a page beyond the first reads the ones before it (bounded by PAGE_SIZE_MAX pages of lookback).
  const all = await historyOf(read, wallet, Math.min(page * size + 1, PAGE_SIZE_MAX * PAGE_SIZE_MAX));
  const slice = all.slice((page - 1) * size, page * size);
  const base = `${request.protocol}://${request.headers.host ?? 'localhost'}${request.url.split('?')[0]}`;
  return {
    status: 200,
    body: {
      count: all.length,
      next: all.length > page * size ? `${base}?page=${page + 1}` : null,
      previous: page > 1 ? `${base}?page=${page - 1}` : null,
      results: await transactionShapes(read, await loadDirectory(read), slice),
    },
  };
}

/** Cards merged into a wallet (FUS) bring their history along, as the original's list shows the wallets before a fusion. */
const MERGED_WALLETS_MAX = 20;

/** The wallet's transfers and those of the card wallets fused into it, newest first, `limit` at most. */
async function historyOf(read: Tx, wallet: string, limit: number): Promise<repo.Transfer[]> {
  const own = await repo.listWalletTransfers(read, wallet, { limit });
  const merged = [...new Set(own.filter((transfer) => transfer.action === 'FUS' && transfer.receiverWalletId === wallet).map((transfer) => transfer.senderWalletId))].slice(0, MERGED_WALLETS_MAX);
  if (merged.length === 0) return own;
  const byId = new Map(own.map((transfer) => [transfer.id, transfer]));
  for (const former of merged) for (const transfer of await repo.listWalletTransfers(read, former, { limit })) byId.set(transfer.id, transfer);
  return [...byId.values()].sort((left, right) => right.seq - left.seq).slice(0, limit);
}

/** Dates as Lespass sends them: `str(datetime)`, with a space (`2026-07-01 00:00:00+02:00`). */
function dateField(fields: Fields, name: string): string {
  const value = text(fields, name);
  const iso = pythonIsoformat(value.replace(/Z$/, '+00:00'));
  if (iso === null) throw invalid('Format de date invalide.', name);
  const ms = Date.parse(/[+-]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(iso) ? iso : `${iso}Z`);
  if (Number.isNaN(ms)) throw invalid('Format de date invalide.', name);
  return new Date(ms).toISOString();
}

async function listByAsset(context: HubContext, place: repo.Place, fields: Fields) {
  const read = context.storage.read;
  const assetId = await aliasedUuid(read, fields, 'asset_uuid');
  const asset = (await repo.getAssets(read, [assetId])).get(assetId);
  if (!asset) throw compatNotFound("L'asset n'existe pas.");
  const from = dateField(fields, 'start_date');
  const to = dateField(fields, 'end_date');
  // A place other than the origin sees only its own transactions (the original's rule).
  const wallet = asset.originWalletId === place.walletId ? undefined : place.walletId;
  const transfers = await repo.listAssetTransfers(read, asset.id, { from, to, wallet, limit: LIST_MAX });
  return { status: 200, body: await transactionShapes(read, await loadDirectory(read), transfers) };
}

async function createMembership(context: HubContext, caller: Caller, fields: Fields, request: FastifyRequest, raw: string | null) {
  const place = caller.place!;
  const read = context.storage.read;
  const assetId = await aliasedUuid(read, fields, 'asset');
  const asset = (await repo.getAssets(read, [assetId])).get(assetId);
  if (!asset || asset.category !== 'SUB') throw compatNotFound("Ce n'est pas un asset d'adhésion.");
  const amount = integer(fields, 'amount');
  const found = await cardFromFields(read, fields, 'user_card', false);
  const wallet = found ? (await ensureCardWallet(context, found)).wallet : await aliasedUuid(read, fields, 'receiver');
  const start = subscriptionStart(fields);
  const outcome = await submitApiMovement(context, {
    place,
    request,
    raw,
    kind: 'membership',
    subscriptionStart: start,
    body: { wallet, asset: asset.id, amount, start },
    needs: { place: place.id, wallets: [wallet] },
    decide: (state, decision, id) => decideWalletMembership(state, { place: place.id, wallet, asset: asset.id, amount, start: start ?? undefined, request: id }, decision),
  });
  return answer(context, outcome, place);
}

/**
 * Lespass's QR payment: the signed wallet pays the place. `EURO` spends the
 * place's own TLF first, then FED; `GIFT` is refused, as by the original.
 */
async function qrPay(context: HubContext, caller: Caller, fields: Fields, request: FastifyRequest, raw: string | null) {
  const place = caller.place!;
  const amount = integer(fields, 'amount', 1);
  const { sender, receiver } = await resolveAliases(context.storage.read, { sender: uuid(fields, 'sender'), receiver: uuid(fields, 'receiver') });
  if (sender !== caller.wallet) throw invalid("L'émetteur doit être le wallet signataire.", 'sender');
  if (receiver !== place.walletId) throw invalid('Le destinataire doit être le lieu de la clé.', 'receiver');
  if (text(fields, 'asset_type') !== 'EURO') throw invalid('Seul EURO est accepté.', 'asset_type');
  const directory = await loadDirectory(context.storage.read);
  const assets = euroAssets(directory, place);
  const outcome = await submitApiMovement(context, {
    place,
    request,
    raw,
    kind: 'qr-payment',
    body: { wallet: sender, amount, assets },
    needs: { place: place.id, wallets: [sender] },
    decide: (state: LedgerState, decision: DecisionContext, id: string): Decision => decideQrSplit(state, { wallet: sender, place: place.id, assets, amount, request: id }, decision),
  });
  const read = context.storage.read;
  return { status: 201, body: await transactionShapes(read, directory, await outcomeTransfers(context, outcome)) };
}

function euroAssets(directory: Directory, place: repo.Place): string[] {
  const local = [...directory.assets.values()].filter((asset) => asset.originWalletId === place.walletId && asset.category === 'TLF' && !asset.archived);
  const fed = [...directory.assets.values()].filter((asset) => asset.category === 'FED');
  return [...local, ...fed].map((asset) => asset.id);
}

const REWARD_KEYS = ['ligne_article_uuid', 'membership_uuid', 'product_uuid', 'price_uuid'] as const;

/**
 * Lespass credits a user's wallet with the place's own token (a ticket reward, a
 * paid refill): a top-up of the signed wallet, its checkout and invoice ids usable
 * once ("Already reported").
 */
async function lespassRefill(context: HubContext, caller: Caller, fields: Fields, request: FastifyRequest, raw: string | null) {
  const place = caller.place!;
  const read = context.storage.read;
  const amount = integer(fields, 'amount', 1);
  const { sender, receiver } = await resolveAliases(read, { sender: uuid(fields, 'sender'), receiver: uuid(fields, 'receiver') });
  if (sender !== place.walletId) throw invalid("L'émetteur doit être le lieu de la clé.", 'sender');
  if (receiver !== caller.wallet) throw invalid('Le destinataire doit être le wallet signataire.', 'receiver');
  const assetId = await aliasedUuid(read, fields, 'asset');
  const asset = (await repo.getAssets(read, [assetId])).get(assetId);
  if (!asset || asset.originWalletId !== place.walletId || !['TLF', 'TNF', 'TIM', 'FID'].includes(asset.category)) throw invalid("L'asset doit être un jeton du lieu.", 'asset');
  const metadata = fields.metadata;
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) throw invalid('Un objet est attendu.', 'metadata');
  const meta = metadata as Record<string, unknown>;
  if (meta.rewarded_from_ticket_scanned !== true && !REWARD_KEYS.some((key) => typeof meta[key] === 'string' && meta[key] !== '')) {
    throw invalid(`metadata: ${REWARD_KEYS.join(', ')} ou rewarded_from_ticket_scanned attendu.`, 'metadata');
  }
  const dedupKeys = [
    ...(typeof meta.checkout_session_id_stripe === 'string' && meta.checkout_session_id_stripe !== '' ? [`checkout:${meta.checkout_session_id_stripe}`] : []),
    ...(typeof meta.invoice_stripe_id === 'string' && meta.invoice_stripe_id !== '' ? [`invoice:${meta.invoice_stripe_id}`] : []),
  ];
  const outcome = await submitApiMovement(context, {
    place,
    request,
    raw,
    kind: 'lespass-refill',
    dedupKeys,
    body: { wallet: receiver, asset: asset.id, amount },
    needs: { wallets: [receiver] },
    decide: (state, decision, id) => decideTopUp(state, { asset: asset.id, amount, wallet: receiver, request: id }, decision),
  });
  return answer(context, outcome, place);
}
