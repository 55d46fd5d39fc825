import type { MeltPolicy, OfflinePolicy } from '@fedow/protocol';
import { DEFAULT_OFFLINE_POLICY, OfflinePolicy as OfflinePolicySchema } from '@fedow/protocol';
import { balanceKey, emptyState, firstTagIdOf, indexCard, type Asset, type Card, type LedgerState, type Place } from '@fedow/ledger';
import { cachedDirectory } from '../money/directory-cache';
import { currentMelts } from '../money/melt-policies';
import * as repo from '../storage/repo';
import type { Tx } from '../storage/types';

/** A place's policy merged with a till's overrides; broken JSON or values fall back to the defaults. */
export function effectivePolicy(placePolicy: string, overrides: string | null): OfflinePolicy {
  const base = parsePolicy(placePolicy) ?? DEFAULT_OFFLINE_POLICY;
  if (!overrides) return base;
  const merged = OfflinePolicySchema.safeParse({ ...base, ...parseJson(overrides) });
  return merged.success ? merged.data : base;
}

function parsePolicy(text: string): OfflinePolicy | null {
  const parsed = OfflinePolicySchema.safeParse(parseJson(text));
  return parsed.success ? parsed.data : null;
}

function parseJson(text: string): object {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? value : {};
  } catch {
    return {};
  }
}

export function toPlace(row: repo.Place): Place {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    wallet: row.walletId,
    enrollUnknownCards: row.enrollUnknownCards,
    policy: parsePolicy(row.offlinePolicy) ?? DEFAULT_OFFLINE_POLICY,
  };
}

export function toAsset(row: repo.Asset): Asset {
  return {
    id: row.id,
    name: row.name,
    currencyCode: row.currencyCode,
    category: row.category,
    decimals: row.decimals,
    origin: row.originWalletId,
    archived: row.archived,
    createdAt: row.createdAt,
    membershipDays: row.membershipDays,
  };
}

/** The inverse of `toAsset`: the stored row of a ledger asset. */
export function toAssetRow(asset: Asset): repo.Asset {
  return {
    id: asset.id,
    name: asset.name,
    currencyCode: asset.currencyCode,
    category: asset.category,
    decimals: asset.decimals,
    originWalletId: asset.origin,
    archived: asset.archived,
    createdAt: asset.createdAt,
    membershipDays: asset.membershipDays,
  };
}

/** The inverse of `toCard`: the stored row of a ledger card. */
export function toCardRow(card: Card): repo.Card {
  return {
    id: card.id,
    firstTagId: card.firstTagId,
    uid: card.uid,
    qrcode: card.qrcode,
    numberPrinted: card.numberPrinted,
    batchId: card.batch,
    userId: card.user,
    ephemeralWalletId: card.ephemeralWallet,
    lostAt: card.lostAt,
  };
}

export function toCard(row: repo.Card, primaryFor: readonly string[]): Card {
  return {
    id: row.id,
    firstTagId: row.firstTagId,
    uid: row.uid,
    qrcode: row.qrcode,
    numberPrinted: row.numberPrinted,
    batch: row.batchId,
    user: row.userId,
    ephemeralWallet: row.ephemeralWalletId,
    primaryFor: [...primaryFor],
    lostAt: row.lostAt,
  };
}

/**
 * The directory as the working set starts from it, shared by every request read
 * under the same directory token (money/directory-cache.ts): frozen, so a rule
 * that tried to change it would throw instead of changing it for the next request.
 */
interface WorkingDirectory {
  primary: string;
  places: readonly Place[];
  assets: readonly Asset[];
  melts: ReadonlyMap<string, MeltPolicy>;
  /** The assets each place shares a federation with, read when a place first asks. */
  federated: Map<string, readonly string[]>;
}

async function readWorkingDirectory(tx: Tx): Promise<WorkingDirectory> {
  const primary = await repo.getPrimaryWallet(tx);
  if (!primary) throw new Error('the hub has no primary wallet: identity was not initialised');
  const places = (await repo.listPlaces(tx)).map((row) => deepFreeze(toPlace(row)));
  const assets = (await repo.listAssets(tx)).map((row) => Object.freeze(toAsset(row)));
  const melts = new Map([...(await currentMelts(tx))].map(([asset, policy]) => [asset, deepFreeze(policy)]));
  return { primary: primary.id, places, assets, melts, federated: new Map() };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const field of Object.values(value)) deepFreeze(field);
  }
  return value;
}

/**
 * The part of the ledger one push needs, read inside the push's transaction:
 * the directory (places, assets, the till place's federated assets) and the
 * cards the entries name, with their wallets, balances and memberships. The
 * ledger's rules then run on it in memory, exactly as on the full ledger.
 */
export function loadWorkingSet(tx: Tx, placeId: string, uids: readonly string[]): Promise<LedgerState> {
  return new SharedWorkingSet().for(tx, placeId, uids);
}

/**
 * One working set for the turns of an ingest round, read as they need it: the
 * turns run one after the other in one transaction, and each commits its
 * decisions to the state as it writes them, so what a turn leaves in memory is
 * what the next would read back. A card, its wallet and its balances are read
 * once per round instead of once per turn (a festival's cashier cards are in
 * every entry). A turn behind a savepoint takes one of its own: rolled back, it
 * would leave its decisions in a shared one. One push alone (loadWorkingSet)
 * is a round of one.
 */
export class SharedWorkingSet {
  /** The directory as the round's first turn read it: the round sees one directory throughout. */
  private read: { state: LedgerState; directory: WorkingDirectory } | null = null;
  /** First tag ids already looked up, found or not: a card enrolled since is in the state by its effect. */
  private readonly tags = new Set<string>();

  async for(tx: Tx, placeId: string, uids: readonly string[]): Promise<LedgerState> {
    this.read ??= await directoryState(tx);
    const { state, directory } = this.read;
    await useFederationOf(tx, state, directory, placeId);
    const fresh: string[] = [];
    for (const uid of uids) {
      const tag = firstTagIdOf(uid);
      if (this.tags.has(tag)) continue;
      this.tags.add(tag);
      fresh.push(tag);
    }
    if (fresh.length > 0) await addCards(tx, state, fresh);
    return state;
  }
}

/** A state holding the directory: places and their wallets, assets, melt policies. */
async function directoryState(tx: Tx): Promise<{ state: LedgerState; directory: WorkingDirectory }> {
  const directory = await cachedDirectory(tx, () => readWorkingDirectory(tx));
  const state = emptyState(directory.primary);
  for (const place of directory.places) {
    state.places.set(place.id, place);
    state.placeByWallet.set(place.wallet, place.id);
    state.wallets.set(place.wallet, { id: place.wallet, kind: 'place', name: place.name, publicKey: null });
  }
  for (const asset of directory.assets) state.assets.set(asset.id, asset);
  for (const asset of state.assets.keys()) state.firsts.add(asset);
  state.melts = new Map(directory.melts);
  return { state, directory };
}

/**
 * The rules ask "does this place share a federation with this asset" only for
 * the till's own place: one federation listing its federated assets answers it.
 */
async function useFederationOf(tx: Tx, state: LedgerState, directory: WorkingDirectory, placeId: string): Promise<void> {
  let federated = directory.federated.get(placeId);
  if (!federated) {
    federated = Object.freeze([...(await repo.federatedAssetIdsOfPlace(tx, placeId))]);
    directory.federated.set(placeId, federated);
  }
  state.federations.set('working-set', { id: 'working-set', name: 'working set', description: '', places: [placeId], assets: [...federated] });
}

/**
 * The cards of `tags` with their users, wallets, balances and memberships. A
 * wallet already in the state is not read again: the state holds it as this
 * transaction left it (a user's second card, a wallet a turn created).
 */
async function addCards(tx: Tx, state: LedgerState, tags: readonly string[]): Promise<void> {
  const cardRows = [...(await repo.loadCardsByTag(tx, tags)).values()];
  if (cardRows.length === 0) return;
  const primaries = await repo.loadPrimaryPlaces(tx, cardRows.map((row) => row.id));
  const users = await repo.getUsers(tx, cardRows.flatMap((row) => (row.userId ? [row.userId] : [])));
  for (const user of users.values()) state.users.set(user.id, { id: user.id, email: user.email, wallet: user.walletId });
  const walletIds: string[] = [];
  for (const row of cardRows) {
    const card = toCard(row, primaries.get(row.id) ?? []);
    state.cards.set(card.id, card);
    indexCard(state, card);
    const wallet = card.user ? users.get(card.user)?.walletId : card.ephemeralWallet;
    if (wallet && !state.wallets.has(wallet)) walletIds.push(wallet);
  }
  if (walletIds.length === 0) return;
  for (const wallet of (await repo.getWallets(tx, walletIds)).values()) {
    state.wallets.set(wallet.id, { id: wallet.id, kind: wallet.kind, name: wallet.name, publicKey: wallet.publicKey });
  }
  loadBalanceRows(state, await repo.loadWalletBalances(tx, walletIds));
  for (const row of await repo.loadMemberships(tx, walletIds)) {
    state.memberships.set(balanceKey(row.walletId, row.assetId), { wallet: row.walletId, asset: row.assetId, start: row.start, validUntil: row.validUntil });
  }
}

/** Balances with their activity (what melting reads). */
export function loadBalanceRows(state: LedgerState, rows: readonly repo.Balance[]): void {
  for (const row of rows) {
    const key = balanceKey(row.walletId, row.assetId);
    state.balances.set(key, row.value);
    if (row.activeAt !== null || row.melted !== 0) state.activity.set(key, { at: row.activeAt, melted: row.melted });
  }
}
