import type { EntryBody, EntryKind, OfflinePolicy } from '@fedow/protocol';
import { DEFAULT_OFFLINE_POLICY } from '@fedow/protocol';
import { MemoryLedger } from '../src/memory-ledger';

export const T0 = '2026-07-14T20:00:00.000Z';
export const CASHIER_A = 'CA5A0001';
export const CASHIER_B = 'CA5B0001';
export const ALICE = '04A1B2C3';
export const BOB = '04B0B0B0D4E5F6';
export const STRANGER = '04FFFFFF';

/**
 * A small federation: places A and B share a federation holding A's local
 * currency; place C stands alone with its own currency. Cashier cards for A and B.
 */
export function world(policy: OfflinePolicy = DEFAULT_OFFLINE_POLICY) {
  const ledger = new MemoryLedger();
  const a = ledger.addPlace({ name: 'Bar A', policy });
  const b = ledger.addPlace({ name: 'Bar B', policy });
  const c = ledger.addPlace({ name: 'Club C', policy });
  const fed = ledger.addAsset({ name: 'Euro fédéré', category: 'FED', origin: ledger.state.primaryWallet, currencyCode: 'EUR' }, T0);
  const local = ledger.addAsset({ name: 'Monnaie locale A', category: 'TLF', origin: a.wallet, currencyCode: 'MLA' }, T0);
  const gift = ledger.addAsset({ name: 'Cadeau A', category: 'TNF', origin: a.wallet, currencyCode: 'CAD' }, T0);
  const membership = ledger.addAsset({ name: 'Adhésion A', category: 'SUB', origin: a.wallet, currencyCode: 'ADH', membershipDays: 30 }, T0);
  const badge = ledger.addAsset({ name: 'Badge A', category: 'BDG', origin: a.wallet, currencyCode: 'BDG' }, T0);
  const localC = ledger.addAsset({ name: 'Monnaie C', category: 'TLF', origin: c.wallet, currencyCode: 'MLC' }, T0);
  ledger.addFederation('Fédération', [a.id, b.id], [local.id, membership.id]);
  ledger.addCard(CASHIER_A, { primaryFor: [a.id] });
  ledger.addCard(CASHIER_B, { primaryFor: [b.id] });
  ledger.addCard(ALICE);
  ledger.addCard(BOB);
  let seq = 0;
  const entry = (kind: EntryKind, fields: Partial<EntryBody> = {}): EntryBody => {
    seq++;
    return {
      v: 1,
      id: `0192f3a4-5b6c-7d8e-9f00-${seq.toString(16).padStart(12, '0')}`,
      terminal: '0192f3a4-5b6c-7d8e-9f00-ffffffffffff',
      seq,
      prev: '0'.repeat(64),
      at: T0,
      kind,
      asset: kind === 'VID' ? null : local.id,
      amount: 0,
      card: ALICE,
      primary: CASHIER_A,
      auth: 'online',
      ...fields,
    };
  };
  const at = (place: { id: string }, body: EntryBody) => ledger.applyEntry(body, { place: place.id, policy }, T0);
  const balance = (uid: string, asset: { id: string }) => {
    const card = [...ledger.state.cards.values()].find((candidate) => candidate.firstTagId === uid.slice(0, 8));
    const wallet = card?.user ? ledger.state.users.get(card.user)?.wallet : card?.ephemeralWallet;
    return wallet ? (ledger.state.balances.get(`${wallet}:${asset.id}`) ?? 0) : 0;
  };
  const placeBalance = (place: { wallet: string }, asset: { id: string }) => ledger.state.balances.get(`${place.wallet}:${asset.id}`) ?? 0;
  return { ledger, a, b, c, fed, local, gift, membership, badge, localC, entry, at, balance, placeBalance };
}
