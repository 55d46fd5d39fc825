import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_OFFLINE_POLICY, genesisBody } from '@fedow/protocol';
import { fromHex, hashBody, publicKeyHex } from '@fedow/ledger';
import { nodeCrypto } from '@fedow/ledger/crypto-node';
import { buildHub, type Hub } from '../../src/app';
import { configFromEnv, type HubConfig } from '../../src/config';
import { recordFirst } from '../../src/money/first';
import { topUp } from '../../src/money/topup';
import * as repo from '../../src/storage/repo';
import type { SeededTill } from '../../../../support/seed';
import { SpecTill } from '../../../../support/spec-till';

export interface WorldPlace {
  id: string;
  wallet: string;
  /** The local currency it issues (TLF, 2 decimals). */
  currency: string;
  /** Its cashier card's tag. */
  cashier: string;
  till: SpecTill;
}

export interface FederationWorld {
  hub: Hub;
  /** The data folder: fedow.sqlite and hub.key, unless `databaseUrl` was given. */
  dir: string;
  federation: string;
  fed: string;
  places: WorldPlace[];
  /** Visitor card tags. */
  cards: string[];
  /** Tops a card up with a place's currency (at the cash desk) or with FED (against a bank reference). */
  fund(card: string, asset: string, amount: number): Promise<void>;
  /** Another till of a place (a second door, a till that stays offline), connected. */
  addTill(place: WorldPlace): Promise<SpecTill>;
  /** A sale at a place's till, applied. */
  spend(place: WorldPlace, card: string, asset: string, amount: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * A hub (SQLite temp file, or `databaseUrl`) with `count` places in one
 * federation, each issuing its own currency shared in the federation, each with
 * a cashier card and a till connected over the real sync endpoint.
 */
export async function federationWorld(options: { count: number; cards: number; databaseUrl?: string; config?: Partial<HubConfig> }): Promise<FederationWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'fedow-federation-'));
  const hub = await buildHub(configFromEnv({}, { databaseUrl: options.databaseUrl ?? `sqlite:${join(dir, 'fedow.sqlite')}`, log: false, keyPath: join(dir, 'hub.key'), ...options.config }));
  const { storage, newId } = hub.context;
  const now = new Date().toISOString();
  const federation = newId();
  const cards = Array.from({ length: options.cards }, (_, index) => (0x04c00000 + index).toString(16).toUpperCase().padStart(8, '0'));
  const seeds = Array.from({ length: options.count }, (_, index) => ({
    index,
    id: newId(),
    wallet: newId(),
    currency: newId(),
    cashier: (0xca500000 + index).toString(16).toUpperCase(),
    cashierCard: newId(),
    secretKey: fromHex((index + 1).toString(16).padStart(2, '0').repeat(32)),
    tillId: newId(),
  }));
  await storage.transaction(async (tx) => {
    await repo.insertFederation(tx, { id: federation, name: 'Réseau', createdAt: now });
    for (const seed of seeds) {
      const name = `Lieu ${seed.index + 1}`;
      await repo.insertWallets(tx, [{ id: seed.wallet, kind: 'place', name, publicKey: null }]);
      await repo.insertPlace(tx, { id: seed.id, name, walletId: seed.wallet, offlinePolicy: JSON.stringify(DEFAULT_OFFLINE_POLICY), createdAt: now, enrollUnknownCards: false });
      const asset = { id: seed.currency, name: `Monnaie ${seed.index + 1}`, currencyCode: `M${seed.index + 1}`, category: 'TLF' as const, decimals: 2, originWalletId: seed.wallet, archived: false, createdAt: now, membershipDays: null };
      await repo.insertAsset(tx, asset);
      await recordFirst(tx, { at: now, newId }, { kind: 'operator', name: 'seed' }, asset);
      await repo.insertCards(tx, [{ id: seed.cashierCard, firstTagId: seed.cashier, uid: null, qrcode: null, numberPrinted: null, batchId: null, userId: null, ephemeralWalletId: null, lostAt: null }]);
      await repo.addCardPrimaryPlaces(tx, seed.id, [seed.cashierCard]);
      const publicKey = publicKeyHex(nodeCrypto, seed.secretKey);
      const genesis = hashBody(nodeCrypto, genesisBody(seed.tillId, publicKey, seed.id, hub.context.key.publicKey));
      await repo.insertTerminal(tx, { id: seed.tillId, placeId: seed.id, name: `Caisse ${seed.index + 1}`, publicKey, genesis, lastHash: genesis, createdAt: now });
    }
    await repo.addFederationPlaces(tx, federation, seeds.map((seed) => seed.id));
    await repo.addFederationAssets(tx, federation, seeds.map((seed) => seed.currency));
    await repo.insertCards(tx, cards.map((uid) => ({ id: newId(), firstTagId: uid, uid: null, qrcode: null, numberPrinted: null, batchId: null, userId: null, ephemeralWalletId: null, lostAt: null })));
  });
  const fed = (await repo.listAssets(storage.read)).find((asset) => asset.category === 'FED')!.id;
  await hub.app.listen({ host: '127.0.0.1', port: 0 });
  const address = hub.app.server.address();
  const url = `ws://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/sync`;
  const places: WorldPlace[] = [];
  for (const seed of seeds) {
    const publicKey = publicKeyHex(nodeCrypto, seed.secretKey);
    const till: SeededTill = { id: seed.tillId, secretKey: seed.secretKey, publicKey, genesis: hashBody(nodeCrypto, genesisBody(seed.tillId, publicKey, seed.id, hub.context.key.publicKey)), place: seed.id };
    const spec = new SpecTill(till, url);
    await spec.connect();
    places.push({ id: seed.id, wallet: seed.wallet, currency: seed.currency, cashier: seed.cashier, till: spec });
  }
  let funded = 0;
  let extraTills = 0;
  const extra: SpecTill[] = [];
  return {
    hub,
    dir,
    federation,
    fed,
    places,
    cards,
    async fund(card, asset, amount) {
      funded++;
      const reference = asset === fed ? { reference: `VIR-${funded}`, method: 'transfer' as const } : {};
      const outcome = await topUp(hub.context, { source: { kind: 'operator', name: 'test' }, idempotencyKey: `fund-${funded}`, card, asset, amount, ...reference });
      if (outcome.status !== 'applied') throw new Error(`fund ${card}: ${outcome.message}`);
    },
    async addTill(place) {
      const secretKey = fromHex((0x80 + ++extraTills).toString(16).padStart(2, '0').repeat(32));
      const publicKey = publicKeyHex(nodeCrypto, secretKey);
      const id = newId();
      const genesis = hashBody(nodeCrypto, genesisBody(id, publicKey, place.id, hub.context.key.publicKey));
      await storage.transaction((tx) => repo.insertTerminal(tx, { id, placeId: place.id, name: `Porte ${extraTills}`, publicKey, genesis, lastHash: genesis, createdAt: now }));
      const spec = new SpecTill({ id, secretKey, publicKey, genesis, place: place.id }, url);
      await spec.connect();
      extra.push(spec);
      return spec;
    },
    async spend(place, card, asset, amount) {
      const ack = await place.till.push([place.till.entry('SAL', { card, primary: place.cashier, asset, amount })]);
      const result = ack.results[0];
      if (result?.status !== 'applied') throw new Error(`sale at ${place.id}: ${JSON.stringify(result)}`);
    },
    async close() {
      for (const till of [...places.map((place) => place.till), ...extra]) till.close();
      await hub.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
