import { DEFAULT_OFFLINE_POLICY } from '@fedow/protocol';
import type { HubContext } from '../context';
import { recordFirst } from '../money/first';
import { CLI_OPERATOR } from '../money/source';
import * as repo from '../storage/repo';
import type { Tx } from '../storage/types';
import type { ImportPlan } from './plan';
import type { NewRows } from './survey';

/** The original counts every amount in cents (a badge counts passages). */
export const ASSET_DECIMALS = 2;

/** What a run wrote to the directory, by kind of row. */
export interface DirectoryCounts {
  wallets: number;
  users: number;
  places: number;
  assets: number;
  federations: number;
  cards: number;
  primaryCards: number;
  apiKeys: number;
  walletKeys: number;
}

/**
 * Writes the new directory rows in the caller's transaction, parents first
 * (wallets, users, places, assets with their FST, federations, batches, cards),
 * then what the compatible API reads: places' LaBoutik settings, API keys
 * (their hashes, as the original stored them), wallets' RSA keys, token uuids,
 * and the aliases of the original's FED and primary wallet uuids.
 */
export async function writeDirectory(context: HubContext, tx: Tx, plan: ImportPlan, rows: NewRows, at: string): Promise<DirectoryCounts> {
  const userWallets = rows.users.map((user) => ({ ...user, wallet: user.wallet ?? context.newId() }));
  await repo.insertWallets(tx, [
    ...rows.wallets.map((wallet) => ({ id: wallet.id, kind: wallet.kind, name: wallet.name, publicKey: null })),
    ...userWallets.filter((user) => !plan.wallets.some((wallet) => wallet.id === user.wallet)).map((user) => ({ id: user.wallet, kind: 'user' as const, name: null, publicKey: null })),
  ]);
  for (const user of userWallets) await repo.insertUser(tx, { id: user.id, email: user.email, walletId: user.wallet, createdAt: at });
  for (const place of rows.places) await insertPlace(tx, place, at);
  for (const asset of rows.assets) {
    const row = { id: asset.id, name: asset.name, currencyCode: asset.currencyCode, category: asset.category, decimals: asset.category === 'BDG' ? 0 : ASSET_DECIMALS, originWalletId: asset.originWallet, archived: asset.archived, createdAt: asset.createdAt, membershipDays: asset.category === 'SUB' ? 365 : null };
    await repo.insertAsset(tx, row);
    await recordFirst(tx, { at, newId: context.newId }, { kind: 'operator', name: CLI_OPERATOR }, row);
  }
  for (const federation of rows.federations) {
    await repo.insertFederation(tx, { id: federation.id, name: federation.name, description: federation.description, createdAt: at });
    if (federation.places.length > 0) await repo.addFederationPlaces(tx, federation.id, federation.places);
    if (federation.assets.length > 0) await repo.addFederationAssets(tx, federation.id, federation.assets);
  }
  const primaryCards = await writeCards(context, tx, plan, rows, at);
  for (const key of rows.apiKeys) {
    await repo.insertCompatApiKey(tx, { prefix: key.prefix, hashedKey: key.hashedKey, name: key.name, kind: key.kind, placeId: key.place, userId: key.user, createdAt: key.createdAt, revokedAt: key.revoked ? at : null });
  }
  let walletKeys = 0;
  for (const wallet of plan.wallets) if (wallet.publicPem && (await repo.insertWalletKey(tx, wallet.id, wallet.publicPem, at))) walletKeys++;
  await repo.insertCompatTokens(tx, plan.tokens.map((token) => ({ uuid: token.id, walletId: token.wallet, assetId: token.asset })));
  await repo.insertCompatAliases(tx, plan.aliases);
  return { wallets: rows.wallets.length, users: rows.users.length, places: rows.places.length, assets: rows.assets.length, federations: rows.federations.length, cards: rows.cards.length, primaryCards, apiKeys: rows.apiKeys.length, walletKeys };
}

async function insertPlace(tx: Tx, place: NewRows['places'][number], at: string): Promise<void> {
  await repo.insertPlace(tx, { id: place.id, name: place.name, description: place.description, walletId: place.wallet, enrollUnknownCards: false, offlinePolicy: JSON.stringify(DEFAULT_OFFLINE_POLICY), createdAt: at, adminUserId: place.admin });
  await repo.upsertCompatPlace(tx, {
    placeId: place.id,
    lespassDomain: place.lespassDomain,
    cashlessRsaPubKey: place.cashlessRsaPubKey,
    cashlessIp: place.cashlessServerIp,
    cashlessUrl: place.cashlessServerUrl,
    // The original keeps LaBoutik's key encrypted with its own secret: no hash of it can be made here (DECISIONS.md).
    cashlessAdminApikeyHash: null,
    handshakeAt: place.cashlessRsaPubKey ? at : null,
  });
}

/** Cards in their batches (one per place and generation, made when missing); primary cards go in the tills' card feed. */
async function writeCards(context: HubContext, tx: Tx, plan: ImportPlan, rows: NewRows, at: string): Promise<number> {
  const batchOfOrigin = new Map<string, string>();
  for (const batch of plan.batches) {
    const existing = await repo.getCardBatch(tx, batch.place, batch.generation);
    const id = existing?.id ?? context.newId();
    if (!existing) await repo.insertCardBatch(tx, { id, placeId: batch.place, generation: batch.generation, label: batch.label, createdAt: at });
    batchOfOrigin.set(batch.origin, id);
  }
  await repo.insertCards(
    tx,
    rows.cards.map((card) => ({ id: card.id, firstTagId: card.firstTagId, uid: null, qrcode: card.qrcode, numberPrinted: card.numberPrinted, batchId: batchOfOrigin.get(card.origin) ?? null, userId: card.user, ephemeralWalletId: card.ephemeralWallet })),
  );
  const byPlace = new Map<string, string[]>();
  for (const card of rows.cards) for (const place of card.primaryPlaces) byPlace.set(place, [...(byPlace.get(place) ?? []), card.id]);
  for (const [place, cards] of byPlace) await repo.addCardPrimaryPlaces(tx, place, cards);
  const primary = [...new Set([...byPlace.values()].flat())];
  if (primary.length > 0) await repo.appendCardChanges(tx, primary, at);
  return primary.length;
}
