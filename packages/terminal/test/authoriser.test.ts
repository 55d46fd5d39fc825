import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_OFFLINE_POLICY, type AssetInfo, type CardState, type EntryBody, type EntryKind } from '@fedow/protocol';
import {
  authorise,
  availableBalance,
  declineReason,
  formatAmount,
  type AuthoriseInput,
  type AuthoriseRequest,
  type Decision,
  type Decline,
} from '../src';
import { MINUTE_MS, T0, uuid } from './helpers';

function asset(n: number, category: AssetInfo['category'], extra: Partial<AssetInfo> = {}): AssetInfo {
  return { id: uuid(n), name: `${category} ${n}`, currencyCode: 'EUR', category, decimals: 2, archived: false, ...extra };
}
const GIFT = asset(0x1, 'TNF', { currencyCode: 'CAD' });
const GIFT_OLDER = asset(0x0, 'TNF', { currencyCode: 'CAD' });
const LOCAL = asset(0x2, 'TLF', { currencyCode: 'PNT' });
const FED = asset(0x3, 'FED');
const TIME = asset(0x4, 'TIM', { currencyCode: 'MIN', decimals: 0 });
const BADGE = asset(0x5, 'BDG', { decimals: 0 });
const MEMBERSHIP = asset(0x6, 'SUB', { decimals: 0 });
const ARCHIVED = asset(0x7, 'TLF', { archived: true });
const ELSEWHERE = asset(0x8, 'TLF');
const ALL = [GIFT, GIFT_OLDER, LOCAL, FED, TIME, BADGE, MEMBERSHIP, ARCHIVED, ELSEWHERE];
const ASSETS = new Map(ALL.map((info) => [info.id, info]));
const ACCEPTED = new Set(ALL.filter((info) => info !== ELSEWHERE && !info.archived).map((info) => info.id));

const CARD = '04A1B2C3D4E5F6';
const PRIMARY = 'CAFE0001';
const POLICY = { ...DEFAULT_OFFLINE_POLICY, maxOfflineSale: 5_000, maxOfflineCardSpend: 10_000, maxOfflineExposure: 100_000 };

function cardState(balances: Record<string, number>, extra: Partial<CardState> = {}): CardState {
  return { card: CARD, wallet: uuid(0xca7d), balances, blocked: false, ...extra };
}

let pendingSeq = 0;
function pendingEntry(kind: EntryKind, assetId: string | null, amount: number, card = CARD): EntryBody {
  pendingSeq++;
  return {
    v: 1,
    id: uuid(0xe000 + pendingSeq),
    terminal: uuid(0x7e1),
    seq: pendingSeq,
    prev: '0'.repeat(64),
    at: '2026-07-14T21:00:00.000Z',
    kind,
    asset: assetId,
    amount,
    card,
    primary: PRIMARY,
    auth: 'online',
  };
}

function input(request: Partial<AuthoriseRequest>, overrides: Partial<AuthoriseInput> = {}): AuthoriseInput {
  return {
    request: { kind: 'SAL', amount: 100, card: CARD, primary: PRIMARY, asset: 'sale', ...request },
    card: cardState({ [LOCAL.id]: 1_000 }),
    assets: ASSETS,
    accepted: ACCEPTED,
    primaries: new Set([PRIMARY]),
    pending: [],
    policy: POLICY,
    connectivity: { online: true },
    now: T0,
    counters: { cardOfflineSpend: 0, offlineExposure: 0 },
    ...overrides,
  };
}

const offline = (sinceMinutesAgo = 10) => ({ connectivity: { online: false as const, since: T0 - sinceMinutesAgo * MINUTE_MS } });

function entriesOf(decision: Decision) {
  if (!decision.approve) throw new Error(`declined: ${decision.code}`);
  return decision.entries.map((entry) => ({ kind: entry.kind, asset: entry.asset, amount: entry.amount, auth: entry.auth }));
}
function declined(decision: Decision): Decline {
  if (decision.approve) throw new Error('approved');
  return decision;
}

describe('authoriser: sales', () => {
  it('approves a sale from one asset with a complete draft', () => {
    const decision = authorise(input({ amount: 250, asset: LOCAL.id, meta: { payment: 'cash', lines: [{ label: 'Beer', qty: 1, unit: 250 }] } }));
    expect(decision).toEqual({
      approve: true,
      entries: [
        { kind: 'SAL', asset: LOCAL.id, amount: 250, card: CARD, primary: PRIMARY, auth: 'online', meta: { payment: 'cash', lines: [{ label: 'Beer', qty: 1, unit: 250 }] } },
      ],
    });
  });

  it('splits gift → local → federated, older gift first, skipping empty assets, meta on the first entry only', () => {
    const card = cardState({ [GIFT.id]: 300, [GIFT_OLDER.id]: 100, [LOCAL.id]: 0, [FED.id]: 5_000, [TIME.id]: 999 });
    const decision = authorise(input({ amount: 1_000, meta: { note: 'table 4' } }, { card }));
    expect(entriesOf(decision)).toEqual([
      { kind: 'SAL', asset: GIFT_OLDER.id, amount: 100, auth: 'online' },
      { kind: 'SAL', asset: GIFT.id, amount: 300, auth: 'online' },
      { kind: 'SAL', asset: FED.id, amount: 600, auth: 'online' },
    ]);
    expect(decision.approve && decision.entries.map((entry) => entry.meta)).toEqual([{ note: 'table 4' }, undefined, undefined]);
  });

  it('declines a split with the missing amount in the place’s own currency, never converted to €', () => {
    const card = cardState({ [GIFT.id]: 60, [LOCAL.id]: 100, [FED.id]: 100 });
    const decision = declined(authorise(input({ amount: 500 }, { card })));
    expect(decision).toEqual({ approve: false, code: 'insufficient_funds', missing: 240, asset: LOCAL.id });
    expect(declineReason(decision, ASSETS, 'en')).toBe('2.40 PNT missing');
    expect(declineReason(decision, ASSETS, 'fr')).toBe('Il manque 2,40 PNT');
  });

  it('spends TIM only when asked for by id', () => {
    const card = cardState({ [TIME.id]: 90 });
    expect(declined(authorise(input({ amount: 60 }, { card }))).code).toBe('insufficient_funds');
    expect(entriesOf(authorise(input({ amount: 60, asset: TIME.id }, { card })))).toEqual([{ kind: 'SAL', asset: TIME.id, amount: 60, auth: 'online' }]);
    expect(declined(authorise(input({ amount: 91, asset: TIME.id }, { card })))).toMatchObject({ code: 'insufficient_funds', missing: 1, asset: TIME.id });
  });

  it('subtracts this till\'s pending debits and adds its pending credits for the same card only', () => {
    const card = cardState({ [LOCAL.id]: 1_000 });
    const pending = [
      pendingEntry('SAL', LOCAL.id, 600),
      pendingEntry('SAL', LOCAL.id, 100, '04A1B2C3'), // the same card, read by a 4-byte reader
      pendingEntry('SAL', LOCAL.id, 900, 'BEEF0001'), // another card
      pendingEntry('SAL', FED.id, 900), // another asset
    ];
    expect(availableBalance(card, pending, CARD, LOCAL.id)).toBe(300);
    expect(declined(authorise(input({ amount: 500, asset: LOCAL.id }, { card, pending })))).toMatchObject({ code: 'insufficient_funds', missing: 200 });
    const credited = [...pending, pendingEntry('REF', LOCAL.id, 200), pendingEntry('RFD', LOCAL.id, 50)];
    expect(availableBalance(card, credited, CARD, LOCAL.id)).toBe(450);
    expect(entriesOf(authorise(input({ amount: 450, asset: LOCAL.id }, { card, pending: credited })))).toHaveLength(1);
  });

  it('treats a pending void as an empty card, counting only what came after it', () => {
    const card = cardState({ [LOCAL.id]: 1_000 });
    const pending = [pendingEntry('VID', null, 1_000), pendingEntry('REF', LOCAL.id, 300)];
    expect(availableBalance(card, pending, CARD, LOCAL.id)).toBe(300);
    expect(declined(authorise(input({ amount: 400, asset: LOCAL.id }, { card, pending })))).toMatchObject({ missing: 100 });
  });

  it('declines unknown, lost and blocked cards, and an invalid cashier card', () => {
    expect(declined(authorise(input({}, { card: undefined }))).code).toBe('unknown_card');
    expect(declined(authorise(input({}, { card: cardState({ [LOCAL.id]: 1_000 }, { blocked: true, reason: 'lost' }) }))).code).toBe('card_lost');
    expect(declined(authorise(input({}, { card: cardState({ [LOCAL.id]: -50 }, { blocked: true, reason: 'debt' }) }))).code).toBe('card_blocked');
    expect(declined(authorise(input({ primary: 'CAFE0002' }))).code).toBe('invalid_primary_card');
    // A cashier card known by its first 4 bytes, read as 7 bytes.
    expect(authorise(input({ primary: 'CAFE0001AABBCC' })).approve).toBe(true);
  });

  it('declines unknown, archived, unaccepted and unspendable assets', () => {
    const card = cardState({ [LOCAL.id]: 1_000, [ARCHIVED.id]: 1_000, [ELSEWHERE.id]: 1_000, [BADGE.id]: 1_000 });
    const code = (assetId: string) => declined(authorise(input({ asset: assetId }, { card }))).code;
    expect(code(uuid(0x99))).toBe('unknown_asset');
    expect(code(ARCHIVED.id)).toBe('asset_archived');
    expect(code(ELSEWHERE.id)).toBe('asset_not_accepted');
    expect(code(BADGE.id)).toBe('wrong_asset_category');
    expect(declined(authorise(input({}, { card, accepted: new Set([BADGE.id]) }))).code).toBe('asset_not_accepted');
  });

  it('declines invalid amounts', () => {
    for (const amount of [0, -1, 1.5, Number.MAX_SAFE_INTEGER]) expect(declined(authorise(input({ amount }))).code).toBe('invalid_amount');
  });
});

describe('authoriser: offline caps', () => {
  const rich = cardState({ [LOCAL.id]: 1_000_000 });

  it('approves inside every cap, marked offline', () => {
    expect(entriesOf(authorise(input({ amount: 5_000, asset: LOCAL.id }, { card: rich, ...offline() })))).toEqual([
      { kind: 'SAL', asset: LOCAL.id, amount: 5_000, auth: 'offline' },
    ]);
  });

  it('maxOfflineSale: one sale above the cap', () => {
    const decision = declined(authorise(input({ amount: 5_001, asset: LOCAL.id }, { card: rich, ...offline() })));
    expect(decision).toEqual({ approve: false, code: 'offline_policy_exceeded', limit: 'maxOfflineSale', cap: 5_000, missing: 1, asset: LOCAL.id });
    // The cap says what it is, in the asset's unit, never a missing amount in €.
    expect(declineReason(decision, ASSETS, 'en')).toBe('Offline limit: 50.00 PNT per sale');
    expect(declineReason(decision, ASSETS, 'fr')).toBe('Plafond hors ligne : 50,00 PNT par vente');
    // Online, no cap.
    expect(authorise(input({ amount: 5_001, asset: LOCAL.id }, { card: rich })).approve).toBe(true);
  });

  it('maxOfflineCardSpend: this card already spent offline since its last fresh balance', () => {
    const counters = { cardOfflineSpend: 8_000, offlineExposure: 8_000 };
    expect(authorise(input({ amount: 2_000, asset: LOCAL.id }, { card: rich, counters, ...offline() })).approve).toBe(true);
    expect(declined(authorise(input({ amount: 2_500, asset: LOCAL.id }, { card: rich, counters, ...offline() })))).toMatchObject({
      code: 'offline_policy_exceeded',
      limit: 'maxOfflineCardSpend',
      missing: 500,
    });
  });

  it('maxOfflineExposure: the till\'s unacknowledged offline debits', () => {
    const counters = { cardOfflineSpend: 0, offlineExposure: 99_000 };
    const decision = declined(authorise(input({ amount: 1_500, asset: LOCAL.id }, { card: rich, counters, ...offline() })));
    expect(decision).toMatchObject({ code: 'offline_policy_exceeded', limit: 'maxOfflineExposure', missing: 500 });
    expect(declineReason(decision, ASSETS, 'fr')).toBe('Plafond hors ligne de la caisse : 1000,00 PNT');
  });

  it('names the tightest limit: funds before an equal cap', () => {
    const card = cardState({ [LOCAL.id]: 3_000 });
    const counters = { cardOfflineSpend: 7_000, offlineExposure: 0 };
    expect(declined(authorise(input({ amount: 4_000, asset: LOCAL.id }, { card, counters, ...offline() })))).toMatchObject({
      code: 'insufficient_funds',
      missing: 1_000,
    });
  });

  it('maxOfflineMinutes: past it, sales and refunds stop but top-ups, memberships and badges go on', () => {
    const policy = { ...POLICY, offlineRefunds: true };
    const late = { policy, card: rich, ...offline(721) };
    expect(authorise(input({ asset: LOCAL.id }, { ...offline(720), policy, card: rich })).approve).toBe(true);
    const sale = declined(authorise(input({ asset: LOCAL.id }, late)));
    expect(sale).toEqual({ approve: false, code: 'offline_not_allowed', limit: 'maxOfflineMinutes' });
    expect(declineReason(sale, ASSETS, 'en')).toBe('Offline for too long: sales wait for the network');
    expect(declined(authorise(input({ kind: 'RFD', asset: LOCAL.id }, late))).limit).toBe('maxOfflineMinutes');
    expect(entriesOf(authorise(input({ kind: 'REF', asset: LOCAL.id, amount: 2_000 }, late)))).toEqual([
      { kind: 'REF', asset: LOCAL.id, amount: 2_000, auth: 'offline' },
    ]);
    expect(authorise(input({ kind: 'SUB', asset: MEMBERSHIP.id, amount: 1_500 }, late)).approve).toBe(true);
    expect(authorise(input({ kind: 'BDG', asset: BADGE.id, amount: 0 }, late)).approve).toBe(true);
    // Never welcomed: no sale offline.
    expect(declined(authorise(input({ asset: LOCAL.id }, { card: rich, connectivity: { online: false, since: null } }))).code).toBe('offline_not_allowed');
  });
});

describe('authoriser: top-ups, memberships, badges', () => {
  it('tops up a known card, a debt-blocked card, and an unknown card when the policy allows', () => {
    const request = { kind: 'REF' as const, asset: LOCAL.id, amount: 2_000, meta: { payment: 'card' as const } };
    expect(authorise(input(request)).approve).toBe(true);
    expect(authorise(input(request, { card: cardState({ [LOCAL.id]: -300 }, { blocked: true, reason: 'debt' }) })).approve).toBe(true);
    expect(authorise(input(request, { card: undefined })).approve).toBe(true);
    expect(declined(authorise(input(request, { card: undefined, policy: { ...POLICY, unknownCardTopUp: false } })))).toMatchObject({
      code: 'unknown_card',
      limit: 'unknownCardTopUp',
    });
    expect(declined(authorise(input(request, { card: cardState({}, { blocked: true, reason: 'lost' }) }))).code).toBe('card_lost');
  });

  it('refuses to top up federated euros (payment reference) and non-money assets', () => {
    expect(declined(authorise(input({ kind: 'REF', asset: FED.id, amount: 100 }))).code).toBe('payment_reference_required');
    expect(declined(authorise(input({ kind: 'REF', asset: MEMBERSHIP.id, amount: 100 }))).code).toBe('wrong_asset_category');
    expect(declined(authorise(input({ kind: 'REF', asset: 'sale', amount: 100 }))).code).toBe('wrong_asset_category');
  });

  it('tops up and refunds a local currency only where it is issued (AssetInfo.issuedHere)', () => {
    const federatedHere = { ...LOCAL, issuedHere: false };
    const assets = new Map([...ASSETS, [LOCAL.id, federatedHere]]);
    expect(declined(authorise(input({ kind: 'REF', asset: LOCAL.id, amount: 100 }, { assets }))).code).toBe('not_asset_origin');
    expect(declined(authorise(input({ kind: 'RFD', asset: LOCAL.id, amount: 100 }, { assets }))).code).toBe('not_asset_origin');
    // Sold here all the same, and issued here it tops up.
    expect(authorise(input({ kind: 'SAL', asset: LOCAL.id, amount: 100 }, { assets })).approve).toBe(true);
    const issuedHere = new Map([...ASSETS, [LOCAL.id, { ...LOCAL, issuedHere: true }]]);
    expect(authorise(input({ kind: 'REF', asset: LOCAL.id, amount: 100 }, { assets: issuedHere })).approve).toBe(true);
  });

  it('sells a membership (free ones too) only in a SUB asset', () => {
    expect(entriesOf(authorise(input({ kind: 'SUB', asset: MEMBERSHIP.id, amount: 0 }, { card: undefined })))).toEqual([
      { kind: 'SUB', asset: MEMBERSHIP.id, amount: 0, auth: 'online' },
    ]);
    expect(declined(authorise(input({ kind: 'SUB', asset: LOCAL.id, amount: 100 }))).code).toBe('wrong_asset_category');
  });

  it('records a badge passage with amount 0 for a known card, debt or not', () => {
    expect(entriesOf(authorise(input({ kind: 'BDG', asset: BADGE.id, amount: 0 })))).toEqual([{ kind: 'BDG', asset: BADGE.id, amount: 0, auth: 'online' }]);
    expect(authorise(input({ kind: 'BDG', asset: BADGE.id, amount: 0 }, { card: cardState({}, { blocked: true, reason: 'debt' }) })).approve).toBe(true);
    expect(declined(authorise(input({ kind: 'BDG', asset: BADGE.id, amount: 0 }, { card: undefined }))).code).toBe('unknown_card');
    expect(declined(authorise(input({ kind: 'BDG', asset: BADGE.id, amount: 1 }))).code).toBe('invalid_amount');
    expect(declined(authorise(input({ kind: 'BDG', asset: LOCAL.id, amount: 0 }))).code).toBe('wrong_asset_category');
  });
});

describe('authoriser: refunds and voids', () => {
  it('refunds online within the available balance, never time or points', () => {
    const card = cardState({ [LOCAL.id]: 1_000, [TIME.id]: 60 });
    expect(entriesOf(authorise(input({ kind: 'RFD', asset: LOCAL.id, amount: 1_000 }, { card })))).toEqual([
      { kind: 'RFD', asset: LOCAL.id, amount: 1_000, auth: 'online' },
    ]);
    expect(declined(authorise(input({ kind: 'RFD', asset: LOCAL.id, amount: 1_001 }, { card })))).toMatchObject({ code: 'insufficient_funds', missing: 1 });
    expect(declined(authorise(input({ kind: 'RFD', asset: TIME.id, amount: 10 }, { card }))).code).toBe('wrong_asset_category');
    expect(declined(authorise(input({ kind: 'RFD', asset: LOCAL.id, amount: 10 }, { card: cardState({ [LOCAL.id]: 10 }, { blocked: true, reason: 'debt' }) }))).code).toBe(
      'card_blocked',
    );
  });

  it('needs the hub for refunds and voids unless offlineRefunds, then counts them against the caps', () => {
    const refund = { kind: 'RFD' as const, asset: LOCAL.id, amount: 500 };
    const decision = declined(authorise(input(refund, offline())));
    expect(decision).toEqual({ approve: false, code: 'offline_not_allowed', limit: 'offlineRefunds' });
    expect(declineReason(decision, ASSETS, 'fr')).toBe('Les remboursements nécessitent le réseau');
    expect(declined(authorise(input({ kind: 'VID', amount: 1_000 }, offline()))).limit).toBe('offlineRefunds');

    const policy = { ...POLICY, offlineRefunds: true };
    expect(entriesOf(authorise(input(refund, { policy, ...offline() })))).toEqual([{ kind: 'RFD', asset: LOCAL.id, amount: 500, auth: 'offline' }]);
    const counters = { cardOfflineSpend: 9_800, offlineExposure: 9_800 };
    expect(declined(authorise(input(refund, { policy, counters, ...offline() })))).toMatchObject({ limit: 'maxOfflineCardSpend', missing: 300 });
    expect(declined(authorise(input({ kind: 'VID', amount: 1_000 }, { policy, counters, ...offline() })))).toMatchObject({
      limit: 'maxOfflineCardSpend',
      missing: 800,
    });
  });

  it('voids a known card online with asset null and the amount shown; refuses lost, debt and unknown cards', () => {
    expect(entriesOf(authorise(input({ kind: 'VID', asset: LOCAL.id, amount: 1_000 })))).toEqual([{ kind: 'VID', asset: null, amount: 1_000, auth: 'online' }]);
    expect(declined(authorise(input({ kind: 'VID', amount: 0 }, { card: undefined }))).code).toBe('unknown_card');
    expect(declined(authorise(input({ kind: 'VID', amount: 0 }, { card: cardState({}, { blocked: true, reason: 'lost' }) }))).code).toBe('card_lost');
    expect(declined(authorise(input({ kind: 'VID', amount: 0 }, { card: cardState({}, { blocked: true, reason: 'debt' }) }))).code).toBe('card_blocked');
  });
});

describe('formatAmount', () => {
  it('places the decimal separator by the asset decimals and language', () => {
    expect(formatAmount(5, { decimals: 2, currencyCode: 'EUR' }, 'en')).toBe('0.05 €');
    expect(formatAmount(123456, { decimals: 2, currencyCode: 'EUR' }, 'fr')).toBe('1234,56 €');
    expect(formatAmount(-30, { decimals: 0, currencyCode: 'MIN' }, 'en')).toBe('-30 MIN');
    expect(formatAmount(1, { decimals: 3, currencyCode: 'PNT' }, 'fr')).toBe('0,001 PNT');
  });
});

describe('authoriser properties', () => {
  const money = [GIFT_OLDER, GIFT, LOCAL, FED];
  const balances = fc.tuple(...money.map(() => fc.integer({ min: -5_000, max: 20_000 })));
  const pendingArbitrary = fc.array(
    fc.record({
      kind: fc.constantFrom<EntryKind>('SAL', 'REF', 'RFD', 'VID'),
      asset: fc.constantFrom(...money.map((info) => info.id)),
      amount: fc.integer({ min: 1, max: 5_000 }),
      sameCard: fc.boolean(),
    }),
    { maxLength: 8 },
  );
  const build = (values: number[], pendingSpecs: { kind: EntryKind; asset: string; amount: number; sameCard: boolean }[]) => {
    const card = cardState(Object.fromEntries(money.map((info, index) => [info.id, values[index]!])));
    const pending = pendingSpecs.map((spec) =>
      pendingEntry(spec.kind, spec.kind === 'VID' ? null : spec.asset, spec.amount, spec.sameCard ? CARD : 'BEEF0001'),
    );
    return { card, pending };
  };

  it('online, never approves more than available per asset; the split sums to the amount; a decline says exactly what is missing', () => {
    fc.assert(
      fc.property(balances, pendingArbitrary, fc.integer({ min: 1, max: 60_000 }), (values, pendingSpecs, amount) => {
        const { card, pending } = build(values, pendingSpecs);
        const available = money.map((info) => Math.max(0, availableBalance(card, pending, CARD, info.id)));
        const decision = authorise(input({ amount }, { card, pending }));
        const total = available.reduce((a, b) => a + b, 0);
        if (!decision.approve) {
          expect(decision).toMatchObject({ code: 'insufficient_funds', missing: amount - total });
          return;
        }
        expect(decision.entries.reduce((sum, entry) => sum + entry.amount, 0)).toBe(amount);
        for (const entry of decision.entries) {
          expect(entry.amount).toBeGreaterThan(0);
          expect(entry.amount).toBeLessThanOrEqual(available[money.findIndex((info) => info.id === entry.asset)]!);
        }
        // Spending order: an asset is used only when every earlier one is exhausted.
        const used = decision.entries.map((entry) => money.findIndex((info) => info.id === entry.asset));
        expect(used).toEqual([...used].sort((a, b) => a - b));
        for (const index of used.slice(1)) {
          for (let earlier = 0; earlier < index; earlier++) {
            const taken = decision.entries.find((entry) => entry.asset === money[earlier]!.id)?.amount ?? 0;
            expect(taken).toBe(available[earlier]);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('offline, an approved sale stays inside every cap', () => {
    fc.assert(
      fc.property(
        balances,
        fc.integer({ min: 1, max: 20_000 }),
        fc.integer({ min: 0, max: 12_000 }),
        fc.integer({ min: 0, max: 110_000 }),
        (values, amount, cardOfflineSpend, offlineExposure) => {
          const { card } = build(values, []);
          const decision = authorise(input({ amount }, { card, counters: { cardOfflineSpend, offlineExposure }, ...offline() }));
          if (!decision.approve) return;
          expect(amount).toBeLessThanOrEqual(POLICY.maxOfflineSale);
          expect(cardOfflineSpend + amount).toBeLessThanOrEqual(POLICY.maxOfflineCardSpend);
          expect(offlineExposure + amount).toBeLessThanOrEqual(POLICY.maxOfflineExposure);
          expect(decision.entries.every((entry) => entry.auth === 'offline')).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('a possible cloned card', () => {
  it('is declined before anything else when the till knows its first 4 bytes under another full UID', () => {
    const decision = authorise(input({ kind: 'REF', asset: LOCAL.id, amount: 500 }, { card: undefined, uidConflict: true }));
    expect(decision).toMatchObject({ approve: false, code: 'uid_mismatch' });
    expect(authorise(input({}, { uidConflict: false })).approve).toBe(true);
  });
});
