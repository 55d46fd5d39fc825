import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeCrypto } from '@fedow/ledger/crypto-node';
import { DEFAULT_OFFLINE_POLICY, Update, type AssetInfo, type CardState } from '@fedow/protocol';
import { openTillStore, tap, type Journal } from '../src';
import { MINUTE_MS, T0, TILL_SECRET, cleanup, identityFor, seededRandom, temporaryDirectory, uuid } from './helpers';

const LOCAL: AssetInfo = { id: uuid(0x10), name: 'Pinte', currencyCode: 'EUR', category: 'TLF', decimals: 2, archived: false };
const CARD = '04A1B2C3D4E5F6';
const PRIMARY = 'CAFE0001';
const random = seededRandom('tap');

const journals: Journal[] = [];
afterEach(() => {
  for (const journal of journals.splice(0)) if (journal.open) journal.close();
  cleanup();
});

function till() {
  const { journal, cache } = openTillStore(join(temporaryDirectory(), 'till.db'), { crypto: nodeCrypto, secretKey: TILL_SECRET });
  journals.push(journal);
  journal.setIdentity(identityFor(TILL_SECRET));
  const state = (balance: number): CardState => ({ card: '04A1B2C3', wallet: uuid(0xca7d), balances: { [LOCAL.id]: balance }, blocked: false });
  cache.applyUpdate(Update.parse({ type: 'update', cursor: 'c1', full: true, cards: [state(20_000)], assets: [LOCAL], primaries: [PRIMARY] }), T0);
  cache.recordWelcome({ ...DEFAULT_OFFLINE_POLICY, maxOfflineCardSpend: 6_000 }, T0);
  return { journal, cache, state };
}

describe('tap: authorise then commit', () => {
  it('commits offline sales and the next decision sees them; a fresh balance resets the card counter', () => {
    const { journal, cache, state } = till();
    const sale = { kind: 'SAL' as const, amount: 4_000, card: CARD, primary: PRIMARY, asset: 'sale' as const };
    const context = { online: false, now: T0 + MINUTE_MS, random };
    const first = tap(journal, cache, sale, context);
    expect(first).toMatchObject({ approve: true, entries: [{ body: { seq: 1, auth: 'offline', amount: 4_000, card: CARD } }] });
    expect(journal.pendingCount()).toBe(1);

    // 4,000 already spent offline by this card; the cap is 6,000.
    expect(tap(journal, cache, sale, context)).toMatchObject({ approve: false, code: 'offline_policy_exceeded', limit: 'maxOfflineCardSpend', missing: 2_000 });
    expect(journal.pendingCount()).toBe(1);

    // Back online: the hub acknowledges, then pushes the card's fresh balance.
    const entry = journal.pending()[0]!;
    journal.markAcked([{ seq: 1, id: entry.body.id, status: 'applied' }], T0 + 2 * MINUTE_MS);
    cache.applyUpdate(Update.parse({ type: 'update', cursor: 'c2', cards: [state(16_000)] }), T0 + 2 * MINUTE_MS);
    const later = tap(journal, cache, sale, { online: false, now: T0 + 3 * MINUTE_MS, random });
    expect(later).toMatchObject({ approve: true, entries: [{ body: { seq: 2, prev: entry.hash } }] });
  });

  it('commits nothing when it declines', () => {
    const { journal, cache } = till();
    const result = tap(journal, cache, { kind: 'SAL', amount: 30_000, card: CARD, primary: PRIMARY, asset: 'sale' }, { online: true, now: T0, random });
    expect(result).toMatchObject({ approve: false, code: 'insufficient_funds', missing: 10_000 });
    expect(journal.head()?.seq).toBe(0);
  });
});
