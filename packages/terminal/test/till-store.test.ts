import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeCrypto } from '@fedow/ledger/crypto-node';
import { Update, type AssetInfo, type CardState } from '@fedow/protocol';
import { SETTING, openTillStore, type EntryDraft, type TillStore } from '../src';
import { T0, TILL_SECRET, cleanup, identityFor, seededRandom, temporaryDirectory, uuid } from './helpers';

const LOCAL: AssetInfo = { id: uuid(0x10), name: 'Pinte', currencyCode: 'PNT', category: 'TLF', decimals: 2, archived: false };
const CARD = '04A1B2C3D4E5F6';
const SALE: EntryDraft = { kind: 'SAL', asset: LOCAL.id, amount: 300, card: CARD, primary: 'CAFE0001', auth: 'offline' };

function state(balance: number): CardState {
  return { card: CARD, wallet: uuid(0x1000), balances: { [LOCAL.id]: balance }, blocked: false };
}
function update(fields: Omit<Update, 'type'>): Update {
  return Update.parse({ type: 'update', ...fields });
}

const stores: TillStore[] = [];
function open(path: string): TillStore {
  const store = openTillStore(path, { crypto: nodeCrypto, secretKey: TILL_SECRET });
  stores.push(store);
  return store;
}
/** A paired till whose journal holds three sales the hub has not acknowledged, its cache at cursor c1. */
function tillWithThreeSales(): { path: string; store: TillStore } {
  const path = join(temporaryDirectory(), 'till.db');
  const store = open(path);
  expect(store.journal.setIdentity(identityFor(TILL_SECRET))).toEqual({ ok: true });
  const appended = store.journal.append([SALE, SALE, SALE], { now: T0, random: seededRandom('till-store') });
  if (!appended.ok) throw new Error(appended.message);
  expect(store.applyHubUpdate(update({ cursor: 'c1', full: true, cards: [state(1_000)], assets: [LOCAL] }), undefined, T0)).toEqual({ status: 'applied', cursor: 'c1' });
  return { path, store };
}
/** The applied-through cursor as it is on disk, through a second, read-only connection. */
function appliedThroughOnDisk(path: string): string | undefined {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?').get(SETTING.appliedThrough)?.value;
  } finally {
    db.close();
  }
}

afterEach(() => {
  for (const store of stores.splice(0)) if (store.journal.open) store.close();
  cleanup();
});

describe('till store: applyHubUpdate', () => {
  it('moves the card cache and the applied-through cursor together', () => {
    const { path, store } = tillWithThreeSales();
    expect(store.journal.pendingCount()).toBe(3);
    const outcome = store.applyHubUpdate(update({ cursor: 'c2', cards: [state(400)], appliedThrough: 2 }), 2, T0 + 1_000);
    expect(outcome).toEqual({ status: 'applied', cursor: 'c2' });
    expect(store.cache.cursor()).toBe('c2');
    expect(store.cache.lookup(CARD)?.state.balances[LOCAL.id]).toBe(400);
    expect(appliedThroughOnDisk(path)).toBe('2');
    // Entries 1 and 2 are in the hub's balance now; entry 3 still counts against the card.
    expect(store.journal.pendingCount()).toBe(1);
    expect(store.journal.pendingForCard(CARD).map((body) => body.seq)).toEqual([3]);
  });

  it('moves neither while a snapshot is still missing parts', () => {
    const { path, store } = tillWithThreeSales();
    const part = update({ cursor: 'c2', full: true, part: 1, parts: 2, cards: [state(100)], appliedThrough: 3 });
    expect(store.applyHubUpdate(part, 3, T0 + 1_000)).toEqual({ status: 'staged', received: 1, parts: 2 });
    expect(store.cache.cursor()).toBe('c1');
    expect(store.cache.lookup(CARD)?.state.balances[LOCAL.id]).toBe(1_000);
    expect(appliedThroughOnDisk(path)).toBeUndefined();
    expect(store.journal.pendingCount()).toBe(3);
  });

  it('moves neither when acknowledging the entries fails: the cache’s change is rolled back', () => {
    const path = join(temporaryDirectory(), 'till.db');
    const store = open(path);
    expect(store.applyHubUpdate(update({ cursor: 'c1', full: true, cards: [state(1_000)], assets: [LOCAL] }), undefined, T0).status).toBe('applied');
    // An unpaired till has no journal head: acknowledging throws inside the transaction.
    expect(() => store.applyHubUpdate(update({ cursor: 'c2', cards: [state(400)], appliedThrough: 2 }), 2, T0 + 1_000)).toThrow(/before pairing/);
    expect(store.cache.cursor()).toBe('c1');
    expect(store.cache.lookup(CARD)?.state.balances[LOCAL.id]).toBe(1_000);
    expect(appliedThroughOnDisk(path)).toBeUndefined();
  });
});

describe('till store: the cashier’s session', () => {
  it('opens, replaces and closes the session, and keeps it across a restart', () => {
    const path = join(temporaryDirectory(), 'till.db');
    const store = open(path);
    expect(store.session.current()).toBeNull();
    store.session.open('CAFE0001', T0);
    expect(store.session.current()).toEqual({ primary: 'CAFE0001', openedAt: T0 });
    store.session.open('CAFE0002', T0 + 60_000);
    expect(store.session.current()).toEqual({ primary: 'CAFE0002', openedAt: T0 + 60_000 });
    store.close();

    const restarted = open(path);
    expect(restarted.session.current()).toEqual({ primary: 'CAFE0002', openedAt: T0 + 60_000 });
    restarted.session.close();
    expect(restarted.session.current()).toBeNull();
    // Closing what is already closed changes nothing.
    restarted.session.close();
    expect(restarted.session.current()).toBeNull();
  });
});
