import * as repo from '../storage/repo';
import type { Tx } from '../storage/types';

/**
 * Which places an event concerns: an endpoint of one place receives an event
 * only when its place is among them; an endpoint of the whole hub (place null)
 * receives every event it subscribed to. `all`: every place (a lost card is
 * refused everywhere).
 */
export type Scope = 'all' | readonly string[];

export function inScope(endpointPlace: string | null, scope: Scope): boolean {
  return endpointPlace === null || scope === 'all' || scope.includes(endpointPlace);
}

/** What the dispatcher reads once per round to scope events: places by wallet, asset origins, tills' places. */
export interface Directory {
  placeOfWallet: Map<string, string>;
  originOfAsset: Map<string, string>;
  placeOfTerminal: Map<string, string>;
}

export async function loadDirectory(tx: Tx): Promise<Directory> {
  const places = await repo.listPlaces(tx);
  const assets = await repo.listAssets(tx);
  const terminals = await repo.listTerminals(tx);
  return {
    placeOfWallet: new Map(places.map((place) => [place.walletId, place.id])),
    originOfAsset: new Map(assets.map((asset) => [asset.id, asset.originWalletId])),
    placeOfTerminal: new Map(terminals.map((terminal) => [terminal.id, terminal.placeId])),
  };
}

/** The place that issued an asset, if a place did (the hub's FED has none). */
export function placeOfAsset(directory: Directory, asset: string): string[] {
  const origin = directory.originOfAsset.get(asset);
  const place = origin === undefined ? undefined : directory.placeOfWallet.get(origin);
  return place === undefined ? [] : [place];
}

export function placeOfTerminal(directory: Directory, terminal: string): string[] {
  const place = directory.placeOfTerminal.get(terminal);
  return place === undefined ? [] : [place];
}

/** A transfer concerns the places whose wallets it moves, its asset's issuer, and the place of the till that sold. */
export function transferScope(directory: Directory, transfer: { senderWalletId: string; receiverWalletId: string; assetId: string }, terminal: string | undefined): string[] {
  const places = new Set<string>(placeOfAsset(directory, transfer.assetId));
  for (const wallet of [transfer.senderWalletId, transfer.receiverWalletId]) {
    const place = directory.placeOfWallet.get(wallet);
    if (place !== undefined) places.add(place);
  }
  if (terminal !== undefined) for (const place of placeOfTerminal(directory, terminal)) places.add(place);
  return [...places];
}
