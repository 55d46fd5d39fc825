import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_OFFLINE_POLICY, Update, type AssetInfo, type CardState, type OfflinePolicy } from '@fedow/protocol';
import { openCardCache, openTillDatabase, type CardCache, type TillDatabase } from '../src';
import { T0, cleanup, temporaryDirectory, uuid } from './helpers';

const LOCAL: AssetInfo = { id: uuid(0x10), name: 'Pinte', currencyCode: 'PNT', category: 'TLF', decimals: 2, archived: false };
const FED: AssetInfo = { id: uuid(0x11), name: 'Euro', currencyCode: 'EUR', category: 'FED', decimals: 2, archived: false };
const POLICY: OfflinePolicy = { ...DEFAULT_OFFLINE_POLICY, maxOfflineSale: 2_000 };

function card(uid: string, balance: number, extra: Partial<CardState> = {}): CardState {
  return { card: uid, wallet: uuid(0x1000 + balance), balances: { [LOCAL.id]: balance }, blocked: false, ...extra };
}
function update(fields: Omit<Update, 'type'>): Update {
  // Through the schema: the cache receives only what the sync client validated.
  return Update.parse({ type: 'update', ...fields });
}

const databases: TillDatabase[] = [];
function openCache(path: string): CardCache {
  const db = openTillDatabase(path);
  databases.push(db);
  return openCardCache(db);
}

afterEach(() => {
  for (const db of databases.splice(0)) if (db.open) db.close();
  cleanup();
});

describe('card cache snapshot', () => {
  it('replaces the cache only when every part has arrived, in one step', () => {
    const cache = openCache(join(temporaryDirectory(), 'till.db'));
    expect(cache.applyUpdate(update({ cursor: 'c1', full: true, cards: [card('AAAA0001', 100)] }), T0)).toEqual({ status: 'applied', cursor: 'c1' });

    const parts = [
      update({ cursor: 'c2', full: true, part: 1, parts: 3, cards: [card('BBBB0001', 1)], assets: [LOCAL], primaries: ['CAFE0001'] }),
      update({ cursor: 'c2', full: true, part: 3, parts: 3, cards: [card('BBBB0003', 3)], assets: [FED], policy: POLICY }),
      update({ cursor: 'c2', full: true, part: 2, parts: 3, cards: [card('BBBB0002', 2)], primaries: ['CAFE0002'] }),
    ];
    expect(cache.applyUpdate(parts[0]!, T0 + 1)).toEqual({ status: 'staged', received: 1, parts: 3 });
    expect(cache.applyUpdate(parts[1]!, T0 + 2)).toEqual({ status: 'staged', received: 2, parts: 3 });
    // Still the old snapshot, old cursor, while parts are missing.
    expect(cache.lookup('AAAA0001')?.state.balances[LOCAL.id]).toBe(100);
    expect(cache.lookup('BBBB0001')).toBeUndefined();
    expect(cache.cursor()).toBe('c1');

    expect(cache.applyUpdate(parts[2]!, T0 + 3)).toEqual({ status: 'applied', cursor: 'c2' });
    expect(cache.lookup('AAAA0001')).toBeUndefined();
    expect(cache.cardCount()).toBe(3);
    expect(cache.lookup('BBBB0003')).toMatchObject({ freshAt: T0 + 3, matchedBy: 'uid' });
    expect([...cache.assets().keys()].sort()).toEqual([LOCAL.id, FED.id]);
    expect(cache.primaries()).toEqual(new Set(['CAFE0001', 'CAFE0002']));
    expect(cache.policy()).toEqual(POLICY);
    expect(cache.cursor()).toBe('c2');
  });

  it('drops an unfinished snapshot when a new one starts at part 1', () => {
    const cache = openCache(join(temporaryDirectory(), 'till.db'));
    cache.applyUpdate(update({ cursor: 'old', full: true, part: 1, parts: 2, cards: [card('DEAD0001', 1)] }), T0);
    cache.applyUpdate(update({ cursor: 'new', full: true, part: 1, parts: 2, cards: [card('BEEF0001', 1)] }), T0);
    expect(cache.applyUpdate(update({ cursor: 'new', full: true, part: 2, parts: 2, cards: [card('BEEF0002', 2)] }), T0)).toEqual({
      status: 'applied',
      cursor: 'new',
    });
    expect(cache.lookup('DEAD0001')).toBeUndefined();
    expect(cache.cardCount()).toBe(2);
  });

  it('keeps a delta that arrives during a snapshot and applies it after the snapshot', () => {
    const cache = openCache(join(temporaryDirectory(), 'till.db'));
    cache.applyUpdate(update({ cursor: 's', full: true, part: 1, parts: 2, cards: [card('BBBB0001', 10)] }), T0);
    expect(cache.applyUpdate(update({ cursor: 'd1', cards: [card('BBBB0001', 5)] }), T0 + 1)).toMatchObject({ status: 'staged' });
    expect(cache.lookup('BBBB0001')).toBeUndefined();
    expect(cache.applyUpdate(update({ cursor: 's', full: true, part: 2, parts: 2, cards: [] }), T0 + 2)).toEqual({
      status: 'applied',
      cursor: 'd1',
    });
    expect(cache.lookup('BBBB0001')?.state.balances[LOCAL.id]).toBe(5);
  });

  it('refuses a part beyond its count', () => {
    const cache = openCache(join(temporaryDirectory(), 'till.db'));
    expect(cache.applyUpdate(update({ cursor: 'x', full: true, part: 3, parts: 2, cards: [] }), T0)).toMatchObject({ status: 'invalid' });
  });
});

describe('card cache deltas and durability', () => {
  it('applies deltas, keeps cursor, cards, staging and policy across a reopen', () => {
    const path = join(temporaryDirectory(), 'till.db');
    const cache = openCache(path);
    cache.applyUpdate(update({ cursor: 'c1', full: true, cards: [card('AAAA0001', 100)], assets: [LOCAL, FED], primaries: ['CAFE0001'] }), T0);
    cache.applyUpdate(
      update({ cursor: 'c2', cards: [card('AAAA0001', 40), card('AAAA0002', 7, { blocked: true, reason: 'lost' })], assets: [{ ...FED, archived: true }] }),
      T0 + 10,
    );
    cache.recordWelcome(POLICY, T0 + 20);
    cache.recordContact(T0 + 30);
    // Part 1 of a new snapshot arrives, then the till restarts.
    cache.applyUpdate(update({ cursor: 'c3', full: true, part: 1, parts: 2, cards: [card('CCCC0001', 1)] }), T0 + 40);
    databases[0]!.close();

    const reopened = openCache(path);
    expect(reopened.cursor()).toBe('c2');
    expect(reopened.lookup('AAAA0001')).toMatchObject({ state: { balances: { [LOCAL.id]: 40 } }, freshAt: T0 + 10 });
    expect(reopened.lookup('AAAA0002')?.state).toMatchObject({ blocked: true, reason: 'lost' });
    expect(reopened.accepted()).toEqual(new Set([LOCAL.id]));
    expect(reopened.assets().get(FED.id)?.archived).toBe(true);
    expect(reopened.primaries()).toEqual(new Set(['CAFE0001']));
    expect(reopened.policy()).toEqual(POLICY);
    expect(reopened.lastWelcomeAt()).toBe(T0 + 20);
    expect(reopened.connectivity(false)).toEqual({ online: false, since: T0 + 30 });
    expect(reopened.connectivity(true)).toEqual({ online: true });
    expect(reopened.applyUpdate(update({ cursor: 'c3', full: true, part: 2, parts: 2, cards: [card('CCCC0002', 2)] }), T0 + 50)).toEqual({
      status: 'applied',
      cursor: 'c3',
    });
    expect(reopened.cardCount()).toBe(2);
  });

  it('uses the default policy and no contact time before the hub ever spoke', () => {
    const cache = openCache(join(temporaryDirectory(), 'till.db'));
    expect(cache.policy()).toEqual(DEFAULT_OFFLINE_POLICY);
    expect(cache.cursor()).toBeUndefined();
    expect(cache.connectivity(false)).toEqual({ online: false, since: null });
  });
});

describe('card cache lookup by UID or firstTagId', () => {
  it('finds a 7-byte card the hub knows by its first 4 bytes, then by its full UID once the hub learns it', () => {
    const cache = openCache(join(temporaryDirectory(), 'till.db'));
    cache.applyUpdate(update({ cursor: 'c1', cards: [card('04A1B2C3', 50)] }), T0);
    expect(cache.lookup('04A1B2C3D4E5F6')).toMatchObject({ matchedBy: 'firstTagId', state: { card: '04A1B2C3' } });
    expect(cache.lookup('04A1B2C3')).toMatchObject({ matchedBy: 'uid' });

    cache.applyUpdate(update({ cursor: 'c2', cards: [card('04A1B2C3D4E5F6', 60)] }), T0 + 1);
    expect(cache.cardCount()).toBe(1);
    expect(cache.lookup('04A1B2C3D4E5F6')).toMatchObject({ matchedBy: 'uid', state: { balances: { [LOCAL.id]: 60 } } });
    // A reader that gives only 4 bytes still finds the card.
    expect(cache.lookup('04A1B2C3')).toMatchObject({ matchedBy: 'firstTagId', state: { card: '04A1B2C3D4E5F6' } });
    // Another full UID with the same first 4 bytes is another card, and a possible clone.
    expect(cache.lookup('04A1B2C3000000')).toBeUndefined();
    expect(cache.uidConflict('04A1B2C3000000')).toBe(true);
    expect(cache.uidConflict('04A1B2C3D4E5F6')).toBe(false);
    expect(cache.uidConflict('04A1B2C3')).toBe(false);
    expect(cache.lookup('FFFFFFFF')).toBeUndefined();
    expect(cache.uidConflict('FFFFFFFF000000')).toBe(false);
  });
});

describe('card cache catalogue', () => {
  const beer = { id: uuid(0x201), label: 'Bière', price: 350, asset: LOCAL.id, category: 'Boissons', position: 2 };
  const water = { id: uuid(0x202), label: 'Eau', price: 150, asset: LOCAL.id, category: 'Boissons', position: 1 };
  const crisps = { id: uuid(0x203), label: 'Chips', price: 200, asset: LOCAL.id, category: 'Snacks', position: 1 };

  it('stores the catalogue of a snapshot (all parts) durably, in position order, and counts revisions', () => {
    const path = join(temporaryDirectory(), 'till.db');
    const cache = openCache(path);
    expect(cache.catalogue()).toEqual([]);
    expect(cache.catalogueRevision()).toBe(0);
    cache.applyUpdate(update({ cursor: 'c1', full: true, part: 1, parts: 2, cards: [], catalogue: [beer, water] }), T0);
    // Not applied before the last part: the live catalogue moves with the live cache.
    expect(cache.catalogue()).toEqual([]);
    cache.applyUpdate(update({ cursor: 'c1', full: true, part: 2, parts: 2, cards: [], catalogue: [crisps] }), T0);
    expect(cache.catalogue().map((item) => item.label)).toEqual(['Chips', 'Eau', 'Bière']);
    expect(cache.catalogueRevision()).toBe(1);
    databases[0]!.close();

    const reopened = openCache(path);
    expect(reopened.catalogue()).toHaveLength(3);
    expect(reopened.catalogueRevision()).toBe(1);
  });

  it('replaces it with a delta that carries one, and keeps it through updates and snapshots that carry none', () => {
    const cache = openCache(join(temporaryDirectory(), 'till.db'));
    cache.applyUpdate(update({ cursor: 'c1', full: true, cards: [], catalogue: [beer, water] }), T0);
    cache.applyUpdate(update({ cursor: 'c2', cards: [card('AAAA0001', 1)] }), T0);
    cache.applyUpdate(update({ cursor: 'c3', full: true, cards: [card('AAAA0001', 1)] }), T0);
    expect(cache.catalogue().map((item) => item.label)).toEqual(['Eau', 'Bière']);
    cache.applyUpdate(update({ cursor: 'c4', cards: [], catalogue: [crisps] }), T0);
    expect(cache.catalogue()).toEqual([crisps]);
    cache.applyUpdate(update({ cursor: 'c5', cards: [], catalogue: [] }), T0);
    expect(cache.catalogue()).toEqual([]);
    expect(cache.catalogueRevision()).toBe(3);
  });
});
