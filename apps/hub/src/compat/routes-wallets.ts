/** `/wallet/…`: Lespass's users (get_or_create with their RSA key), wallets, card linking and bank deposits. */
import { decideBankDeposit, decideFusion, decideWalletBadge } from '@fedow/ledger';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { iso } from '../clock';
import type { HubContext } from '../context';
import { HubError } from '../errors';
import { createCheckout, OPEN_REFILL } from '../money/providers/checkout';
import { userForEmail, withUserRace } from '../money/users';
import * as repo from '../storage/repo';
import { aliasedUuid, resolveAlias, resolveAliases } from './aliases';
import type { Caller } from './auth';
import { denied } from './auth';
import { walletPlace } from './cards';
import { compatNotFound, integer, invalid, normalUuid, objectBody, route, text, uuid, type Fields } from './http';
import { outcomeTransfers, submitApiMovement } from './movements';
import { bindWalletKey } from './routes-bootstrap';
import { b64urlPadded, PEM_CHARS_MAX, rsaPublicKey, verifyPss } from '../crypto/rsa';
import { cardShape, loadDirectory, transactionShapes, walletShape } from './shapes';

export function walletRoutes(app: FastifyInstance, context: HubContext): void {
  route(app, context, 'POST', '/wallet/get_or_create/', 'KO', async ({ body, raw, request }) => getOrCreate(context, objectBody(body), raw ?? '', request));
  route(app, context, 'GET', '/wallet/retrieve_by_signature/', 'W', async ({ caller }) => {
    const read = context.storage.read;
    return { status: 200, body: await walletShape(read, await loadDirectory(read), caller.wallet!) };
  });
  route(app, context, 'POST', '/wallet/linkwallet_cardqrcode/', 'W', async ({ caller, body, request, raw }) => link(context, caller, objectBody(body), 'card_qrcode_uuid', request, raw));
  route(app, context, 'POST', '/wallet/linkwallet_card_number/', 'W', async ({ caller, body, request, raw }) => link(context, caller, objectBody(body), 'card_number', request, raw));
  route(app, context, 'POST', '/wallet/local_asset_bank_deposit/', 'KW', async ({ caller, body, request, raw }) => bankDeposit(context, caller, objectBody(body), request, raw));
  route(app, context, 'POST', '/wallet/get_federated_token_refill_checkout/', 'KW', async ({ caller, body }) => refillCheckout(context, caller, objectBody(body)));
  route(app, context, 'GET', '/wallet/:asset/badge/', 'KW', async ({ caller, params, request }) => walletBadge(context, caller, params.asset!, request));
  route(app, context, 'GET', '/wallet/:id/', 'KP', async ({ caller, params }) => {
    const read = context.storage.read;
    const id = await resolveAlias(read, normalUuid(params.id!));
    if ((await repo.getWallets(read, [id])).size === 0) throw compatNotFound();
    return { status: 200, body: await walletShape(read, await loadDirectory(read), id, caller.place) };
  });
}

/**
 * A Lespass user by e-mail, created with its wallet when new, its RSA key bound
 * on first sight; the body must be signed by that key. Answers the wallet uuid
 * as a JSON string: 201 when created, 200 when it existed.
 */
async function getOrCreate(context: HubContext, fields: Fields, raw: string, request: FastifyRequest) {
  const email = text(fields, 'email', { max: 254 }).trim().toLowerCase();
  if (!/^[^\s@]+@[^\s@]+$/.test(email)) throw invalid('Saisissez une adresse e-mail valide.', 'email');
  const pem = text(fields, 'public_pem', { max: PEM_CHARS_MAX });
  if (!rsaPublicKey(pem)) throw invalid('Clé publique RSA de 2048 bits au moins attendue.', 'public_pem');
  const signature = request.headers.signature;
  if (typeof signature !== 'string' || !verifyPss(pem, b64urlPadded(raw), signature)) throw denied('Signature invalide.');
  const at = iso(context.clock.now());
  const { user, created } = await withUserRace(context, (tx) =>
    (async () => {
      const found = await userForEmail(context, tx, email, at);
      await bindWalletKey(tx, found.user.walletId, pem, at);
      return found;
    })(),
  );
  return { status: created ? 201 : 200, body: user.walletId };
}

/**
 * Lespass links a card to the signed wallet's user (by QR code or printed
 * number): the card's balances move to the user (FUS). The body's `wallet` must
 * be the signed one. Refused with 409 when the user already has a card and
 * tokens (the original's guard against taking over a stolen card).
 */
async function link(context: HubContext, caller: Caller, fields: Fields, by: 'card_qrcode_uuid' | 'card_number', request: FastifyRequest, raw: string | null) {
  const read = context.storage.read;
  const wallet = await aliasedUuid(read, fields, 'wallet');
  if (wallet !== caller.wallet) throw denied("Le wallet du corps n'est pas celui qui signe.");
  const user = await repo.getUserByWallet(read, wallet);
  if (!user) throw invalid("Ce wallet n'a pas d'utilisateur.", 'wallet');
  const card = by === 'card_qrcode_uuid' ? await repo.findCard(read, { qrcode: uuid(fields, by) }) : await repo.findCard(read, { numberPrinted: text(fields, by).toUpperCase() });
  if (!card) throw invalid('Carte inconnue', by);
  if (card.userId === user.id) return { status: 200, body: await cardShape(read, await loadDirectory(read), card, null) };
  if (card.userId !== null) throw invalid('Cette carte appartient déjà à un autre utilisateur.', by);
  const holds = (await repo.loadWalletBalances(read, [wallet])).some((row) => row.value !== 0);
  const cards = await repo.listCardsOfUser(read, user.id);
  if (holds && cards.some((owned) => owned.lostAt === null)) throw new HubError('conflict', 'Ce wallet a déjà une carte et des jetons.', 409);
  await submitApiMovement(context, {
    place: await walletPlace(context, card),
    request,
    raw,
    kind: 'link',
    body: { card: card.id, user: user.id },
    needs: { cards: [card.firstTagId], users: [user.id] },
    decide: (state, decision, id) => decideFusion(state, { card: card.firstTagId, user: user.id, request: id }, decision),
  });
  const linked = (await repo.getCards(read, [card.id])).get(card.id)!;
  return { status: 200, body: await cardShape(read, await loadDirectory(read), linked, null) };
}

/** The place's whole balance of a local asset leaves for the bank (BNK). */
async function bankDeposit(context: HubContext, caller: Caller, fields: Fields, request: FastifyRequest, raw: string | null) {
  const place = caller.place!;
  const read = context.storage.read;
  const { deposit, assetId } = await resolveAliases(read, { deposit: uuid(fields, 'wallet_to_deposit'), assetId: uuid(fields, 'asset') });
  if (deposit !== place.walletId) throw invalid('Seul le wallet du lieu peut déposer.', 'wallet_to_deposit');
  const asset = (await repo.getAssets(read, [assetId])).get(assetId);
  if (!asset || asset.category === 'FED') throw invalid('Un asset local est attendu.', 'asset');
  const amount = (await repo.loadWalletBalances(read, [place.walletId])).find((row) => row.assetId === asset.id)?.value ?? 0;
  if (amount <= 0) throw invalid('Rien à déposer.', 'asset');
  const outcome = await submitApiMovement(context, {
    place,
    request,
    raw,
    kind: 'deposit',
    body: { place: place.id, asset: asset.id, amount },
    needs: { place: place.id, wallets: [place.walletId] },
    decide: (state, decision, id) => decideBankDeposit(state, { place: place.id, asset: asset.id, amount, request: id }, decision),
  });
  const [transaction] = await transactionShapes(read, await loadDirectory(read), await outcomeTransfers(context, outcome));
  return { status: 201, body: transaction };
}

/**
 * A Stripe Checkout of FED for the signing wallet (money/providers/checkout.ts):
 * 202 with its URL as a JSON string, 417 on a hub without Stripe (the original's
 * answer). Without `amount`, as Lespass sends it, the payer chooses the amount on
 * Stripe's page as with the original (OPEN_REFILL's bounds); an `amount` in cents
 * fixes it. Credited only when Stripe says paid, of what was paid.
 */
async function refillCheckout(context: HubContext, caller: Caller, fields: Fields) {
  if (context.stripe === null) return { status: 417, body: { detail: 'Paiement en ligne non configuré sur ce hub.' } };
  const id = context.newId();
  // Lespass learns the checkout's id from the return URL, as the original builds it, and asks retrieve_from_refill_checkout with it.
  const domain = caller.compatPlace?.lespassDomain;
  const lespassReturn = domain ? `https://${domain}/my_account/${id}/return_refill_wallet/` : undefined;
  const returnUrl = typeof fields.start_return_url === 'string' && /^https?:\/\//.test(fields.start_return_url) ? fields.start_return_url : lespassReturn;
  // Lespass sends no amount: the payer chooses it on Stripe's page, as with the original.
  const amount = fields.amount === undefined || fields.amount === null ? { amount: 0, open: OPEN_REFILL } : { amount: integer(fields, 'amount', 1) };
  const checkout = await createCheckout(context, { id, target: { wallet: caller.wallet! }, ...amount, returnUrl });
  return { status: 202, body: checkout.url };
}

/** The signing wallet passes the place's door (BDG of 0): a badge asset, else 404 as the original. */
async function walletBadge(context: HubContext, caller: Caller, assetId: string, request: FastifyRequest) {
  const place = caller.place!;
  const wallet = caller.wallet!;
  const read = context.storage.read;
  const id = await resolveAlias(read, normalUuid(assetId, 'asset'));
  const asset = (await repo.getAssets(read, [id])).get(id);
  if (!asset || asset.category !== 'BDG') throw compatNotFound();
  const outcome = await submitApiMovement(context, {
    place,
    request,
    raw: null,
    kind: 'badge',
    body: { wallet, asset: asset.id },
    needs: { place: place.id, wallets: [wallet] },
    decide: (state, decision, requestId) => decideWalletBadge(state, { place: place.id, wallet, asset: asset.id, request: requestId }, decision),
  });
  const [transaction] = await transactionShapes(read, await loadDirectory(read), await outcomeTransfers(context, outcome));
  return { status: 201, body: transaction };
}
