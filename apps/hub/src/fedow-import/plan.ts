import { ASSET_CATEGORIES, type AssetCategory } from '@fedow/protocol';
import type { WalletKind } from '../storage/schema-values';
import type { OriginalApiKey, OriginalFedow, OriginalPlace, OriginalWallet } from './original';

/**
 * What the original Fedow becomes here, before anything is written: a pure
 * mapping. Ids are kept (LaBoutik and Lespass know places, assets, wallets and
 * cards by their uuids), except the two things a hub has exactly one of and has
 * made at its first start: the primary wallet and the FED asset, which the
 * original's map onto.
 */
export interface HubFacts {
  primaryWallet: string;
  fedAsset: string;
}

export interface PlannedWallet {
  id: string;
  kind: WalletKind;
  name: string | null;
  publicPem: string | null;
}

export interface PlannedOpening {
  /** The request's idempotency key: the same on every run, so a second run books nothing. */
  key: string;
  wallet: string;
  asset: string;
  amount: number;
  from: { system: 'fedow'; wallet: string; asset: string };
}

export interface ImportPlan {
  wallets: PlannedWallet[];
  /** A user the original left without a wallet gets a new one (wallet null here). */
  users: { id: string; email: string; wallet: string | null }[];
  places: (Omit<OriginalPlace, 'admins'> & { admin: string | null })[];
  assets: { id: string; name: string; currencyCode: string; category: AssetCategory; originWallet: string; archived: boolean; createdAt: string }[];
  federations: { id: string; name: string; description: string; places: string[]; assets: string[] }[];
  batches: { origin: string; place: string; generation: number; label: string }[];
  cards: { id: string; firstTagId: string; qrcode: string; numberPrinted: string; user: string | null; origin: string; ephemeralWallet: string | null; primaryPlaces: string[] }[];
  tokens: { id: string; wallet: string; asset: string }[];
  apiKeys: (OriginalApiKey & { place: string | null; user: string | null })[];
  openings: PlannedOpening[];
  /** The original's uuids mapped onto the hub's own (FED, primary wallet): the compatible API still answers to them. */
  aliases: { alias: string; kind: 'asset' | 'wallet'; targetId: string }[];
  /** Σ of the original's token values per asset (hub ids): what the hub must hold after the import. */
  totals: Map<string, number>;
  /** What cannot be imported as it is: the import refuses to start while there is one. */
  problems: string[];
  /** Choices the operator should know about (users without e-mail, wallets of nobody). */
  notes: string[];
}

const FIRST_TAG_ID = /^[0-9A-F]{8}$/;

export function planImport(original: OriginalFedow, hub: HubFacts): ImportPlan {
  const problems: string[] = [];
  const notes: string[] = [];
  const walletId = (id: string) => (id === original.primaryWallet ? hub.primaryWallet : id);
  const fed = original.assets.find((asset) => asset.category === 'FED');
  const assetId = (id: string) => (id === fed?.id ? hub.fedAsset : id);

  const users = original.users.filter((user) => {
    if (user.email !== '') return true;
    notes.push(`user ${user.id} has no e-mail: not imported${user.wallet ? ` (its wallet ${user.wallet} is kept, owned by nobody)` : ''}`);
    return false;
  });
  const wallets = planWallets(original, new Map(users.flatMap((user) => (user.wallet ? [[user.wallet, user.id] as const] : []))), notes);
  const userOfWallet = new Map(users.flatMap((user) => (user.wallet ? [[user.wallet, user.id] as const] : [])));
  const plannedUsers = users.map((user) => ({ id: user.id, email: user.email, wallet: user.wallet }));
  const userIds = new Set(plannedUsers.map((user) => user.id));

  const assets = original.assets.flatMap((asset) => {
    if (asset.id === fed?.id) return [];
    const category = ASSET_CATEGORIES.find((known) => known === asset.category);
    if (!category) problems.push(`asset ${asset.name} (${asset.id}): unknown category ${asset.category}`);
    const currencyCode = asset.currencyCode.trim().toUpperCase();
    if (!/^[A-Z0-9]{1,3}$/.test(currencyCode)) problems.push(`asset ${asset.name} (${asset.id}): currency code "${asset.currencyCode}" is not 1 to 3 letters`);
    return [{ ...asset, currencyCode, category: category ?? 'TLF', originWallet: walletId(asset.originWallet) }];
  });

  const placeById = new Map(original.places.map((place) => [place.id, place]));
  const batches = original.origins.flatMap((origin) => {
    const place = placeById.get(origin.place);
    if (!place) return problems.push(`card origin ${origin.id}: unknown place ${origin.place}`), [];
    return [{ origin: origin.id, place: origin.place, generation: origin.generation, label: `${place.name} - V${origin.generation}` }];
  });

  const cards = original.cards.map((card) => {
    if (!FIRST_TAG_ID.test(card.firstTagId)) problems.push(`card ${card.id}: first tag id "${card.firstTagId}" is not 8 hex digits`);
    // Lespass linked a card by creating its user on the card's own wallet: the card is that user's.
    const ownerOfEphemeral = card.ephemeralWallet ? userOfWallet.get(card.ephemeralWallet) : undefined;
    const user = card.user !== null && userIds.has(card.user) ? card.user : (ownerOfEphemeral ?? null);
    return { ...card, user, ephemeralWallet: ownerOfEphemeral ? null : card.ephemeralWallet };
  });

  const openings = original.tokens
    .filter((token) => token.value !== 0)
    .map((token) => ({
      key: `fedow-import:${token.wallet}:${token.asset}`,
      wallet: walletId(token.wallet),
      asset: assetId(token.asset),
      amount: token.value,
      from: { system: 'fedow' as const, wallet: token.wallet, asset: token.asset },
    }));
  const totals = new Map<string, number>(original.assets.map((asset) => [assetId(asset.id), 0]));
  for (const token of original.tokens) totals.set(assetId(token.asset), (totals.get(assetId(token.asset)) ?? 0) + token.value);

  return {
    wallets,
    users: plannedUsers,
    places: original.places.map(({ admins, ...place }) => ({ ...place, admin: admins.find((admin) => userIds.has(admin)) ?? null })),
    assets,
    federations: original.federations.map((federation) => ({ ...federation, assets: federation.assets.map(assetId) })),
    batches,
    cards,
    tokens: original.tokens.map((token) => ({ id: token.id, wallet: walletId(token.wallet), asset: assetId(token.asset) })),
    apiKeys: original.apiKeys.map((key) => ({ ...key, user: key.user !== null && userIds.has(key.user) ? key.user : null })),
    openings,
    aliases: [
      ...(original.primaryWallet !== hub.primaryWallet ? [{ alias: original.primaryWallet, kind: 'wallet' as const, targetId: hub.primaryWallet }] : []),
      ...(fed && fed.id !== hub.fedAsset ? [{ alias: fed.id, kind: 'asset' as const, targetId: hub.fedAsset }] : []),
    ],
    totals,
    problems,
    notes,
  };
}

/**
 * Each wallet's kind comes from what points at it (the original has no kind
 * column): the configuration's primary wallet, a place, a user, a card. A wallet
 * nothing points at any more (a voided card's) keeps its money as an ephemeral
 * wallet of no card.
 */
function planWallets(original: OriginalFedow, userOfWallet: ReadonlyMap<string, string>, notes: string[]): PlannedWallet[] {
  const places = new Set(original.places.map((place) => place.wallet));
  const ephemeral = new Set(original.cards.flatMap((card) => (card.ephemeralWallet ? [card.ephemeralWallet] : [])));
  const kindOf = (wallet: OriginalWallet): WalletKind | null => {
    if (wallet.id === original.primaryWallet) return null;
    if (places.has(wallet.id)) return 'place';
    if (userOfWallet.has(wallet.id)) return 'user';
    return 'ephemeral';
  };
  const orphans = original.wallets.filter((wallet) => kindOf(wallet) === 'ephemeral' && !ephemeral.has(wallet.id)).length;
  if (orphans > 0) notes.push(`${orphans} wallet(s) belong to no place, user or card: imported as ephemeral wallets of no card`);
  return original.wallets.flatMap((wallet) => {
    const kind = kindOf(wallet);
    return kind === null ? [] : [{ id: wallet.id, kind, name: wallet.name, publicPem: wallet.publicPem }];
  });
}
