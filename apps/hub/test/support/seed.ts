import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_OFFLINE_POLICY, genesisBody, type OfflinePolicy } from '@fedow/protocol';
import { fromHex, hashBody, publicKeyHex } from '@fedow/ledger';
import { nodeCrypto } from '@fedow/ledger/crypto-node';
import { buildHub, type Hub, type HubOptions } from '../../src/app';
import { configFromEnv, type HubConfig } from '../../src/config';
import type { Clock } from '../../src/clock';
import { recordFirst } from '../../src/money/first';
import * as repo from '../../src/storage/repo';

export const CASHIER = 'CA5A0001';
export const CASHIER_B = 'CA5B0001';

export interface SeededTill {
  id: string;
  secretKey: Uint8Array;
  publicKey: string;
  genesis: string;
  place: string;
}

export interface Seeded {
  hub: Hub;
  dir: string;
  placeA: { id: string; wallet: string };
  placeB: { id: string; wallet: string };
  local: string;
  gift: string;
  fed: string;
  /** Visitor card UIDs, funded or not by the test. */
  cards: string[];
  till(place?: 'A' | 'B', seed?: number): Promise<SeededTill>;
  close(): Promise<void>;
}

/**
 * A hub on a SQLite file in a temp dir (or `databaseUrl`), with two places of one
 * federation, a local currency and a gift asset of place A, visitor cards and a
 * cashier card per place — written straight through the repository.
 */
export async function seedHub(options: { databaseUrl?: string; policy?: OfflinePolicy; config?: Partial<HubConfig>; cards?: number; hub?: HubOptions; clock?: Clock } = {}): Promise<Seeded> {
  const dir = mkdtempSync(join(tmpdir(), 'fedow-hub-'));
  const hub = await buildHub(configFromEnv({}, { databaseUrl: options.databaseUrl ?? `sqlite:${join(dir, 'fedow.sqlite')}`, log: false, keyPath: join(dir, 'hub.key'), ...options.config }), options.clock ? { ...options.hub, clock: options.clock } : options.hub);
  const { storage, newId } = hub.context;
  const now = new Date().toISOString();
  const policy = JSON.stringify(options.policy ?? DEFAULT_OFFLINE_POLICY);
  const placeA = { id: newId(), wallet: newId() };
  const placeB = { id: newId(), wallet: newId() };
  const local = newId();
  const gift = newId();
  const cards = Array.from({ length: options.cards ?? 20 }, (_, index) => (0x04a00000 + index).toString(16).toUpperCase().padStart(8, '0'));
  await storage.transaction(async (tx) => {
    await repo.insertWallets(tx, [
      { id: placeA.wallet, kind: 'place', name: 'Bar A', publicKey: null },
      { id: placeB.wallet, kind: 'place', name: 'Bar B', publicKey: null },
    ]);
    await repo.insertPlace(tx, { id: placeA.id, name: 'Bar A', walletId: placeA.wallet, offlinePolicy: policy, createdAt: now, enrollUnknownCards: false });
    await repo.insertPlace(tx, { id: placeB.id, name: 'Bar B', walletId: placeB.wallet, offlinePolicy: policy, createdAt: now, enrollUnknownCards: false });
    for (const asset of [
      { id: local, name: 'Monnaie A', currencyCode: 'MLA', category: 'TLF' as const, decimals: 2, originWalletId: placeA.wallet, archived: false, createdAt: now, membershipDays: null },
      { id: gift, name: 'Cadeau A', currencyCode: 'CAD', category: 'TNF' as const, decimals: 2, originWalletId: placeA.wallet, archived: false, createdAt: now, membershipDays: null },
    ]) {
      await repo.insertAsset(tx, asset);
      await recordFirst(tx, { at: now, newId }, { kind: 'operator', name: 'seed' }, asset);
    }
    const federation = newId();
    await repo.insertFederation(tx, { id: federation, name: 'Fédération', createdAt: now });
    await repo.addFederationPlaces(tx, federation, [placeA.id, placeB.id]);
    await repo.addFederationAssets(tx, federation, [local]);
    const cashierA = newId();
    const cashierB = newId();
    await repo.insertCards(tx, [
      { id: cashierA, firstTagId: CASHIER, uid: null, qrcode: null, numberPrinted: null, batchId: null, userId: null, ephemeralWalletId: null, lostAt: null },
      { id: cashierB, firstTagId: CASHIER_B, uid: null, qrcode: null, numberPrinted: null, batchId: null, userId: null, ephemeralWalletId: null, lostAt: null },
      ...cards.map((uid) => ({ id: newId(), firstTagId: uid, uid: null, qrcode: null, numberPrinted: null, batchId: null, userId: null, ephemeralWalletId: null, lostAt: null })),
    ]);
    await repo.addCardPrimaryPlaces(tx, placeA.id, [cashierA]);
    await repo.addCardPrimaryPlaces(tx, placeB.id, [cashierB]);
  });
  const fed = (await repo.listAssets(storage.read)).find((asset) => asset.category === 'FED')!.id;
  let tills = 0;
  const till = async (which: 'A' | 'B' = 'A', seed = ++tills): Promise<SeededTill> => {
    const secretKey = fromHex(seed.toString(16).padStart(2, '0').repeat(32));
    const publicKey = publicKeyHex(nodeCrypto, secretKey);
    const id = newId();
    const place = which === 'A' ? placeA.id : placeB.id;
    const genesis = hashBody(nodeCrypto, genesisBody(id, publicKey, place, hub.context.key.publicKey));
    await storage.transaction((tx) => repo.insertTerminal(tx, { id, placeId: place, name: `Till ${seed}`, publicKey, genesis, lastHash: genesis, createdAt: now }));
    return { id, secretKey, publicKey, genesis, place };
  };
  return {
    hub,
    dir,
    placeA,
    placeB,
    local,
    gift,
    fed,
    cards,
    till,
    async close() {
      await hub.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Opens the seeded hub on a free loopback port and answers the address its tills sync with. */
export async function listenForTills(world: Seeded): Promise<string> {
  await world.hub.app.listen({ host: '127.0.0.1', port: 0 });
  const address = world.hub.app.server.address();
  return `ws://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/sync`;
}
