/**
 * Answers in the shapes LaBoutik's and Lespass's validators read
 * (reference/fedow-clients.md §5): snake_case fields, `img: null`, a 64-hex
 * `hash`, a never-null `previous_transaction`, the `get_*_display` labels.
 */
import { createHash } from 'node:crypto';
import type { LedgerState } from '@fedow/ledger';
import * as repo from '../storage/repo';
import type { Tx } from '../storage/types';
import { shownIds } from './aliases';
import { toAssetRow, toCardRow } from '../ingest/working-set';
import { RawJson } from './raw-json';

const CATEGORY_LABELS: Record<string, string> = {
  FED: 'Fiduciaire fédérée',
  TLF: 'Token local fiduciaire',
  TNF: 'Token local cadeau',
  TIM: 'Monnaie temps',
  FID: 'Points de fidélité',
  BDG: 'Badgeuse',
  SUB: 'Adhésion ou abonnement',
};

const ACTION_LABELS: Record<string, string> = {
  FST: 'Premier bloc',
  SAL: "Vente d'article",
  QRS: 'Paiement QR code',
  CRE: 'Creation monétaire',
  REF: 'Recharge',
  TRF: 'Transfert',
  SUB: 'Abonnement ou adhésion',
  BDG: 'Badgeuse',
  FUS: 'Fusion de deux wallets',
  RFD: 'Remboursement',
  VID: 'Vider carte',
  BNK: 'Dépôt bancaire',
  COR: 'Correction',
};

/** What an answer shows of a place. */
export type DirectoryPlace = Pick<repo.Place, 'id' | 'name' | 'walletId'>;

/** The directory an answer needs, read once per request. */
export interface Directory {
  places: Map<string, DirectoryPlace>;
  placeByWallet: Map<string, DirectoryPlace>;
  assets: Map<string, repo.Asset>;
  primaryWallet: string;
  /** Our id → the original's uuid clients know it by (aliases.ts). */
  shown: Map<string, string>;
}

/** The id an answer gives: the original's uuid for what the import mapped onto ours. */
export function show(directory: Directory, id: string): string {
  return directory.shown.get(id) ?? id;
}

export async function loadDirectory(tx: Tx): Promise<Directory> {
  const places = await repo.listPlaces(tx);
  const primary = await repo.getPrimaryWallet(tx);
  return {
    places: new Map(places.map((place) => [place.id, place])),
    placeByWallet: new Map(places.map((place) => [place.walletId, place])),
    assets: new Map((await repo.listAssets(tx)).map((asset) => [asset.id, asset])),
    primaryWallet: primary?.id ?? '',
    shown: await shownIds(tx),
  };
}

/**
 * The directory as the decision of this request saw it, inside its transaction:
 * the places, assets and primary wallet the ledger's working set already read
 * (the same rows, in the same order), so a movement's answer does not read them again.
 */
export function decidedDirectory(state: LedgerState, shown: Map<string, string>): Directory {
  const places = new Map<string, DirectoryPlace>();
  const placeByWallet = new Map<string, DirectoryPlace>();
  for (const place of state.places.values()) {
    const row = { id: place.id, name: place.name, walletId: place.wallet };
    places.set(place.id, row);
    placeByWallet.set(place.wallet, row);
  }
  const assets = new Map<string, repo.Asset>();
  for (const asset of state.assets.values()) {
    assets.set(asset.id, toAssetRow(asset));
  }
  return { places, placeByWallet, assets, primaryWallet: state.primaryWallet, shown };
}

/** Where an answer's facts come from: read back (`storedFacts`), or known from the decision that made them (`decidedFacts`). */
export interface Facts {
  echoes(transferIds: readonly string[]): Promise<Map<string, repo.CompatTransaction>>;
  cards(ids: readonly string[]): Promise<Map<string, repo.Card>>;
  primaryPlaces(cardIds: readonly string[]): Promise<Map<string, string[]>>;
  federatedAssets(placeId: string): Promise<Set<string>>;
}

export function storedFacts(tx: Tx): Facts {
  return {
    echoes: (ids) => repo.getCompatTransactions(tx, ids),
    cards: (ids) => repo.getCards(tx, ids),
    primaryPlaces: (ids) => repo.loadPrimaryPlaces(tx, ids),
    federatedAssets: (placeId) => repo.federatedAssetIdsOfPlace(tx, placeId),
  };
}

/**
 * The facts a request's decision holds after it was applied, in its transaction:
 * the echoes it wrote, the cards of its working set (with the places they are
 * primary for), and the federations of `place`, the request's `needs.place`
 * (money/state.ts: the state then holds every federation of that place). Anything
 * else is read, as `storedFacts` does.
 */
export function decidedFacts(tx: Tx, state: LedgerState, echoes: Map<string, repo.CompatTransaction>, place: string): Facts {
  const stored = storedFacts(tx);
  const known = (ids: readonly string[]) => ids.every((id) => state.cards.has(id));
  return {
    echoes: (ids) => (ids.every((id) => echoes.has(id)) ? Promise.resolve(echoes) : stored.echoes(ids)),
    cards: (ids) => (known(ids) ? Promise.resolve(new Map(ids.map((id) => [id, toCardRow(state.cards.get(id)!)]))) : stored.cards(ids)),
    primaryPlaces: (ids) =>
      known(ids) ? Promise.resolve(new Map(ids.flatMap((id) => (state.cards.get(id)!.primaryFor.length > 0 ? [[id, [...state.cards.get(id)!.primaryFor]]] : [])))) : stored.primaryPlaces(ids),
    federatedAssets: (placeId) => {
      if (placeId !== place) return stored.federatedAssets(placeId);
      const assets = new Set<string>();
      for (const federation of state.federations.values()) if (federation.places.includes(placeId)) for (const asset of federation.assets) assets.add(asset);
      return Promise.resolve(assets);
    },
  };
}

export function placeShape(place: DirectoryPlace, compat?: repo.CompatPlace | null) {
  return { uuid: place.id, name: place.name, wallet: place.walletId, dokos_id: compat?.dokosId ?? null, lespass_domain: compat?.lespassDomain ?? null };
}

export function assetShape(asset: repo.Asset, directory: Directory) {
  const origin = directory.placeByWallet.get(asset.originWalletId);
  return {
    uuid: show(directory, asset.id),
    name: asset.name,
    currency_code: asset.currencyCode,
    category: asset.category,
    get_category_display: CATEGORY_LABELS[asset.category] ?? asset.category,
    created_at: asset.createdAt,
    last_update: asset.createdAt,
    is_stripe_primary: asset.category === 'FED',
    wallet_origin: show(directory, asset.originWalletId),
    place_origin: origin ? placeShape(origin) : null,
    archive: asset.archived,
  };
}

/** The original's token uuid when one was given or imported, else one derived from (wallet, asset): stable across answers. */
export function derivedUuid(...parts: string[]): string {
  const hex = createHash('sha256').update(parts.join(':')).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** A wallet with its tokens; `acceptedBy` keeps only the assets that place accepts (KP answers). */
export async function walletShape(tx: Tx, directory: Directory, walletId: string, acceptedBy: repo.Place | null = null, facts: Facts = storedFacts(tx)) {
  const balances = await repo.loadWalletBalances(tx, [walletId]);
  const memberships = new Map((await repo.loadMemberships(tx, [walletId])).map((row) => [row.assetId, row]));
  const uuids = new Map((await repo.getCompatTokens(tx, [walletId])).map((row) => [row.assetId, row.uuid]));
  const accepted = acceptedBy === null ? null : await acceptedAssets(tx, directory, acceptedBy, facts);
  const assetIds = new Set([...balances.map((row) => row.assetId), ...memberships.keys(), ...uuids.keys()]);
  const tokens = [...assetIds].flatMap((assetId) => {
    const asset = directory.assets.get(assetId);
    if (!asset || (accepted !== null && !accepted.has(assetId))) return [];
    const value = balances.find((row) => row.assetId === assetId)?.value ?? 0;
    return [tokenShape(asset, directory, walletId, value, uuids.get(assetId), memberships.get(assetId))];
  });
  const user = await repo.getUserByWallet(tx, walletId);
  const cards = (await repo.cardsOfWallets(tx, [walletId])).get(walletId) ?? [];
  const place = directory.placeByWallet.get(walletId);
  return { uuid: show(directory, walletId), tokens, get_name: place?.name ?? user?.email ?? walletId, has_user_card: user !== undefined && cards.length > 0 };
}

function tokenShape(asset: repo.Asset, directory: Directory, walletId: string, value: number, uuid: string | undefined, membership: repo.Membership | undefined) {
  return {
    uuid: uuid ?? derivedUuid('token', walletId, asset.id),
    name: asset.name,
    value,
    asset: assetShape(asset, directory),
    asset_uuid: show(directory, asset.id),
    asset_name: asset.name,
    asset_category: asset.category,
    is_primary_stripe_token: asset.category === 'FED',
    start_membership_date: membership?.start ?? null,
    last_transaction_datetime: null,
  };
}

/** LEDGER.md's "accepts": its own assets, FED, and its federations' assets, none archived. */
export async function acceptedAssets(tx: Tx, directory: Directory, place: repo.Place, facts: Facts = storedFacts(tx)): Promise<Set<string>> {
  const federated = await facts.federatedAssets(place.id);
  const accepted = new Set<string>();
  for (const asset of directory.assets.values()) {
    if (!asset.archived && (asset.originWalletId === place.walletId || asset.category === 'FED' || federated.has(asset.id))) accepted.add(asset.id);
  }
  return accepted;
}

/** The wallet a card spends from: its user's, else its ephemeral one (null when it has none yet). */
export async function cardWallet(tx: Tx, card: repo.Card): Promise<string | null> {
  if (card.userId !== null) return (await repo.getUsers(tx, [card.userId])).get(card.userId)?.walletId ?? null;
  return card.ephemeralWalletId;
}

export async function originShape(tx: Tx, directory: Directory, card: repo.Card) {
  const batch = card.batchId === null ? undefined : (await repo.getCardBatches(tx, [card.batchId])).get(card.batchId);
  const place = batch?.placeId ? directory.places.get(batch.placeId) : undefined;
  return { place: place ? placeShape(place) : null, generation: batch?.generation ?? 1, img: null };
}

export async function cardShape(tx: Tx, directory: Directory, card: repo.Card, viewer: repo.Place | null, facts: Facts = storedFacts(tx)) {
  const walletId = await cardWallet(tx, card);
  const primaryFor = (await facts.primaryPlaces([card.id])).get(card.id) ?? [];
  return {
    wallet: walletId === null ? null : await walletShape(tx, directory, walletId, viewer, facts),
    origin: await originShape(tx, directory, card),
    uuid: card.id,
    qrcode_uuid: card.qrcode,
    first_tag_id: card.firstTagId,
    number_printed: card.numberPrinted,
    is_wallet_ephemere: card.userId === null,
    is_primary: viewer !== null && primaryFor.includes(viewer.id),
  };
}

/** The hash an API answer gives a transfer: known at once (the sealer's comes later), 64 hex, unique. */
export function compatHash(transferId: string): string {
  return createHash('sha256').update(`fedow-compat:${transferId}`).digest('hex');
}

export interface TransactionOptions {
  /** The full card of the transfer (LaBoutik's validator reads it); off for history pages. */
  withCard?: boolean;
  viewer?: repo.Place | null;
  /** Where the echoes, cards and federations come from (read back by default). */
  facts?: Facts;
}

export async function transactionShapes(tx: Tx, directory: Directory, transfers: readonly repo.Transfer[], options: TransactionOptions = {}) {
  const facts = options.facts ?? storedFacts(tx);
  const echoes = transfers.length === 0 ? new Map<string, repo.CompatTransaction>() : await facts.echoes(transfers.map((transfer) => transfer.id));
  const cards = await facts.cards([...new Set(transfers.flatMap((transfer) => [transfer.cardId, transfer.primaryCardId]).filter((id): id is string => id !== null))]);
  const shapes = [];
  for (const [index, transfer] of transfers.entries()) {
    const echo = echoes.get(transfer.id);
    const card = transfer.cardId === null ? undefined : cards.get(transfer.cardId);
    // The original chains each transaction to the previous one of its asset; ours are
    // chained by the sealer in commit order, so the previous one named is the one
    // before it in the same request (a refill's creation), else itself (as FIRST).
    const previous = index > 0 && transfers[index - 1]!.requestId !== null && transfers[index - 1]!.requestId === transfer.requestId ? transfers[index - 1]!.id : transfer.id;
    shapes.push({
      uuid: transfer.id,
      action: transfer.action,
      get_action_display: ACTION_LABELS[transfer.action] ?? transfer.action,
      hash: echo?.hash ?? compatHash(transfer.id),
      datetime: transfer.at,
      subscription_start_datetime: echo?.subscriptionStart ?? null,
      last_check: transfer.at,
      sender: show(directory, transfer.senderWalletId),
      receiver: show(directory, transfer.receiverWalletId),
      sender_name: nameOf(directory, transfer.senderWalletId),
      receiver_name: nameOf(directory, transfer.receiverWalletId),
      asset: show(directory, transfer.assetId),
      amount: transfer.amount,
      comment: echo?.comment == null ? null : new RawJson(echo.comment),
      metadata: echo?.metadata == null ? null : new RawJson(echo.metadata),
      card: options.withCard && card ? await cardShape(tx, directory, card, options.viewer ?? null, facts) : null,
      primary_card: transfer.primaryCardId,
      previous_transaction: previous,
      verify_hash: true,
    });
  }
  return shapes;
}

function nameOf(directory: Directory, walletId: string): string | null {
  if (walletId === directory.primaryWallet) return 'Primary';
  return directory.placeByWallet.get(walletId)?.name ?? null;
}
