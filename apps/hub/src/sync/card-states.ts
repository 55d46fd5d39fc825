import { and, eq, inArray, isNotNull, isNull, lt, ne } from 'drizzle-orm';
import { cardBlockOf } from '@fedow/ledger';
import type { AssetInfo, BalanceActivity, CardState, CatalogueItem, MeltPolicy, OfflinePolicy } from '@fedow/protocol';
import { currentMelts } from '../money/melt-policies';
import * as repo from '../storage/repo';
import { inList } from '../storage/batch';
import type { Tx } from '../storage/types';
import { effectivePolicy } from '../ingest/working-set';

/** What a till's place accepts, and how it sees each asset (TILL.md, LEDGER.md "accepts"). */
export interface PlaceView {
  place: string;
  placeWallet: string;
  accepted: Set<string>;
  /** Accepted assets that melt: their card balances go with their activity. */
  melting: Set<string>;
  assets: AssetInfo[];
  policy: OfflinePolicy;
  primaries: string[];
  catalogue: CatalogueItem[];
}

export async function placeView(tx: Tx, placeId: string, policyOverrides: string | null): Promise<PlaceView> {
  const place = await repo.getPlace(tx, placeId);
  if (!place) throw new Error(`unknown place ${placeId}`);
  const federated = await repo.federatedAssetIdsOfPlace(tx, placeId);
  const assets: AssetInfo[] = [];
  const melts = await currentMelts(tx);
  for (const asset of await repo.listAssets(tx)) {
    const accepted = !asset.archived && (asset.originWalletId === place.walletId || asset.category === 'FED' || federated.has(asset.id));
    if (!accepted) continue;
    assets.push({
      id: asset.id,
      name: asset.name,
      currencyCode: asset.currencyCode,
      category: asset.category,
      decimals: asset.decimals,
      archived: asset.archived,
      issuedHere: asset.originWalletId === place.walletId,
      ...melting(melts.get(asset.id)),
    });
  }
  const primaries = (await repo.listPrimaryCardsOfPlace(tx, placeId)).filter((card) => card.lostAt === null).map((card) => card.uid ?? card.firstTagId);
  const catalogue = (await repo.listProducts(tx, placeId)).flatMap((product) =>
    // A product whose asset the place no longer accepts cannot be sold: leave it out.
    assets.some((asset) => asset.id === product.assetId)
      ? [{ id: product.id, label: product.label, price: product.price, asset: product.assetId, category: product.category, position: product.position }]
      : [],
  );
  return {
    catalogue,
    place: placeId,
    placeWallet: place.walletId,
    accepted: new Set(assets.map((asset) => asset.id)),
    melting: new Set(assets.flatMap((asset) => (asset.melt ? [asset.id] : []))),
    assets,
    policy: effectivePolicy(place.offlinePolicy, policyOverrides),
    primaries,
  };
}

/** A card as every till may see it: all balances, memberships, lost; filtered per place by `forPlace`. */
export interface CardFacts {
  id: string;
  uid: string;
  wallet: string | null;
  balances: Map<string, number>;
  /** Asset → the balance's last activity (melting currencies). */
  activity: Map<string, BalanceActivity>;
  memberships: Map<string, string>;
  lost: boolean;
  primaryFor: string[];
}

/** Facts of the given cards, read in a few batched queries. */
export async function cardFacts(tx: Tx, cardIds: readonly string[]): Promise<CardFacts[]> {
  if (cardIds.length === 0) return [];
  const cards = [...(await repo.getCards(tx, cardIds)).values()];
  const users = await repo.getUsers(tx, cards.flatMap((card) => (card.userId ? [card.userId] : [])));
  const walletOf = (card: repo.Card) => (card.userId ? (users.get(card.userId)?.walletId ?? null) : card.ephemeralWalletId);
  const wallets = cards.flatMap((card) => {
    const wallet = walletOf(card);
    return wallet ? [wallet] : [];
  });
  const balances = new Map<string, Map<string, number>>();
  const activity = new Map<string, Map<string, BalanceActivity>>();
  for (const row of await repo.loadWalletBalances(tx, wallets)) {
    if (!balances.has(row.walletId)) balances.set(row.walletId, new Map());
    balances.get(row.walletId)!.set(row.assetId, row.value);
    if (row.activeAt === null && row.melted === 0) continue;
    if (!activity.has(row.walletId)) activity.set(row.walletId, new Map());
    activity.get(row.walletId)!.set(row.assetId, { at: row.activeAt, melted: row.melted });
  }
  const memberships = new Map<string, Map<string, string>>();
  for (const row of await repo.loadMemberships(tx, wallets)) {
    if (!memberships.has(row.walletId)) memberships.set(row.walletId, new Map());
    memberships.get(row.walletId)!.set(row.assetId, row.validUntil);
  }
  const primaries = await repo.loadPrimaryPlaces(tx, cards.map((card) => card.id));
  return cards.map((card) => {
    const wallet = walletOf(card);
    return {
      id: card.id,
      uid: card.uid ?? card.firstTagId,
      wallet,
      balances: (wallet && balances.get(wallet)) || new Map(),
      activity: (wallet && activity.get(wallet)) || new Map(),
      memberships: (wallet && memberships.get(wallet)) || new Map(),
      lost: card.lostAt !== null,
      primaryFor: primaries.get(card.id) ?? [],
    };
  });
}

/**
 * The card as a till of `view`'s place sees it, or null when that till has no
 * business knowing it (SYNC.md: balances or memberships in accepted assets,
 * blocked or lost cards, the place's primary cards).
 */
export function forPlace(facts: CardFacts, view: PlaceView, delta: boolean): CardState | null {
  const balances: Record<string, number> = {};
  for (const [asset, value] of facts.balances) if (view.accepted.has(asset) && value !== 0) balances[asset] = value;
  const membership: Record<string, string> = {};
  for (const [asset, validUntil] of facts.memberships) if (view.accepted.has(asset)) membership[asset] = validUntil;
  const block = cardBlockOf(facts.lost, facts.balances.values());
  const blocked = block !== null;
  const relevant = blocked || Object.keys(balances).length > 0 || Object.keys(membership).length > 0 || facts.primaryFor.includes(view.place);
  // A delta also reaches the tills that knew the card before it emptied, was
  // voided or unblocked: an all-zero state is how they learn it.
  if (!relevant && !delta) return null;
  const state: CardState = { card: facts.uid, wallet: facts.wallet, balances, blocked };
  if (Object.keys(membership).length > 0) state.membership = membership;
  const activity: Record<string, BalanceActivity> = {};
  for (const asset of Object.keys(balances)) {
    const known = view.melting.has(asset) ? facts.activity.get(asset) : undefined;
    if (known) activity[asset] = known;
  }
  if (Object.keys(activity).length > 0) state.activity = activity;
  if (block !== null) state.reason = block;
  return state;
}

/** The cards of a delta as a till of some place sees them, as JSON text. */
export interface DeltaCards {
  json: string;
  count: number;
}

const deltaTexts = new WeakMap<readonly CardFacts[], Map<string, DeltaCards>>();

/**
 * `forPlace` over a feed round's facts, serialised once per place and set of
 * accepted assets: every till of a place gets the same cards, and writing them
 * out per till was most of the cost of a round with a hundred tills connected.
 */
export function deltaCards(facts: readonly CardFacts[], view: PlaceView): DeltaCards {
  const key = `${view.place} ${[...view.accepted].sort().join(' ')} ${[...view.melting].sort().join(' ')}`;
  let texts = deltaTexts.get(facts);
  if (!texts) {
    texts = new Map();
    deltaTexts.set(facts, texts);
  }
  let cards = texts.get(key);
  if (!cards) {
    const states = facts.flatMap((fact) => forPlace(fact, view, true) ?? []);
    cards = { json: JSON.stringify(states), count: states.length };
    texts.set(key, cards);
  }
  return cards;
}

/**
 * The ids of every card a till of this place receives in a full snapshot.
 * Every query starts from the balances or memberships that matter and joins
 * to the cards through an index (ephemeral wallet, or user then card), never
 * the other way round: a scan of every card per reason cost seconds at 100k.
 */
export async function snapshotCardIds(tx: Tx, view: PlaceView): Promise<string[]> {
  const { cards, users, balances, memberships, cardPrimaryPlaces } = tx.t;
  const ids = new Set<string>();
  const add = (rows: { id: string }[]) => {
    for (const row of rows) ids.add(row.id);
  };
  const accepted = [...view.accepted];
  if (accepted.length > 0) {
    const heldHere = and(ne(balances.value, 0), inArray(balances.assetId, accepted));
    add(await tx.db.select({ id: cards.id }).from(balances).innerJoin(cards, eq(cards.ephemeralWalletId, balances.walletId)).where(and(heldHere, isNull(cards.userId))));
    add(await tx.db.select({ id: cards.id }).from(balances).innerJoin(users, eq(users.walletId, balances.walletId)).innerJoin(cards, eq(cards.userId, users.id)).where(heldHere));
    const member = inArray(memberships.assetId, accepted);
    add(await tx.db.select({ id: cards.id }).from(memberships).innerJoin(cards, eq(cards.ephemeralWalletId, memberships.walletId)).where(and(member, isNull(cards.userId))));
    add(await tx.db.select({ id: cards.id }).from(memberships).innerJoin(users, eq(users.walletId, memberships.walletId)).innerJoin(cards, eq(cards.userId, users.id)).where(member));
  }
  // Debt is rare: find the wallets first, then their cards (as a join, SQLite's
  // planner without statistics picks the slow order).
  const inDebt = [...new Set((await tx.db.select({ wallet: balances.walletId }).from(balances).where(lt(balances.value, 0))).map((row) => row.wallet))];
  if (inDebt.length > 0) {
    add(await tx.db.select({ id: cards.id }).from(cards).where(and(inList(tx, cards.ephemeralWalletId, inDebt), isNull(cards.userId))));
    add(await tx.db.select({ id: cards.id }).from(users).innerJoin(cards, eq(cards.userId, users.id)).where(inList(tx, users.walletId, inDebt)));
  }
  add(await tx.db.select({ id: cards.id }).from(cards).where(isNotNull(cards.lostAt)));
  add(await tx.db.select({ id: cardPrimaryPlaces.cardId }).from(cardPrimaryPlaces).where(eq(cardPrimaryPlaces.placeId, view.place)));
  return [...ids];
}

function melting(policy: MeltPolicy | undefined): Pick<AssetInfo, 'melt'> {
  return policy?.rule ? { melt: { rule: policy.rule, since: policy.since } } : {};
}
