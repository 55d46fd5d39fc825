import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { publicKeyHex } from '@fedow/ledger';
import { nodeCrypto } from '@fedow/ledger/crypto-node';
import { openTillStore, type CardCache, type EntryDraft, type Identity, type Journal, type TillStore } from '../../src';
import { createSyncClient, type SyncClient, type SyncClientOptions, type SyncTuning } from '../../src/sync/sync-client';
import { seededRandom, temporaryDirectory, uuid } from '../helpers';
import type { FakeHub, FakeTill } from './fake-hub';

/** Fast settings for tests: the logic is the same, only the numbers are small. */
export const FAST: Partial<SyncTuning> = { heartbeatMs: 1_000, silenceMsMax: 3_000, reconnectMsMin: 20, reconnectMsMax: 200 };

export interface TestTill {
  path: string;
  secretKey: Uint8Array;
  store: TillStore;
  journal: Journal;
  cache: CardCache;
  hubTill: FakeTill;
  identity: Identity;
}

/** A till registered at the fake hub, with its journal on a real SQLite file. */
export function pairedTill(hub: FakeHub, opened: Journal[], path = join(temporaryDirectory(), 'till.db')): TestTill {
  const secretKey = new Uint8Array(randomBytes(32));
  const publicKey = publicKeyHex(nodeCrypto, secretKey);
  const hubTill = hub.registerTill(publicKey);
  const identity: Identity = {
    terminal: hubTill.terminal,
    publicKey,
    place: hubTill.place,
    placeName: 'Bar 1',
    hubPublicKey: hub.publicKey,
    hubUrl: hub.url,
    genesis: hubTill.genesis,
  };
  const store = openTillStore(path, { crypto: nodeCrypto, secretKey });
  opened.push(store.journal);
  const stored = store.journal.setIdentity(identity);
  if (!stored.ok) throw new Error(stored.message);
  return { path, secretKey, store, journal: store.journal, cache: store.cache, hubTill, identity };
}

/** Opens the same file again, as a restarted agent does. */
export function reopen(till: TestTill, opened: Journal[]): TestTill {
  const store = openTillStore(till.path, { crypto: nodeCrypto, secretKey: till.secretKey });
  opened.push(store.journal);
  return { ...till, store, journal: store.journal, cache: store.cache };
}

export function client(till: TestTill, overrides: Partial<SyncClientOptions> = {}): SyncClient {
  return createSyncClient({
    store: till.store,
    crypto: nodeCrypto,
    secretKey: till.secretKey,
    agent: 'fedow-terminal-test/1',
    tuning: FAST,
    ...overrides,
  });
}

const ASSET = uuid(0xa55e7);
let counter = 0;
const random = seededRandom('sync-tests');

/** Appends `count` sales in transactions of up to 32 entries. */
export function appendSales(journal: Journal, count: number, amount = 100): void {
  let left = count;
  while (left > 0) {
    const batch = Math.min(32, left);
    const drafts: EntryDraft[] = Array.from({ length: batch }, () => ({
      kind: 'SAL',
      asset: ASSET,
      amount,
      card: '04A1B2C3',
      primary: 'CAFE0001',
      auth: 'online',
    }));
    const result = journal.append(drafts, { now: Date.now() + counter++, random });
    if (!result.ok) throw new Error(result.message);
    left -= batch;
  }
}
