import { describe, expect, it } from 'vitest';
import type { AssetInfo, EntryBody } from '@fedow/protocol';
import { localAsset, requestFor, routeQrCode, routeTap, routeWedgeLine, saleAmount, type CardFacts } from '../src/agent/arming';
import { approvedOutcome, declinedOutcome, refusedOutcome } from '../src/agent/outcome';
import { startPurgeTimer } from '../src/agent/purge-timer';
import type { BalanceView } from '../src/views/card-view';
import { T0, uuid } from './helpers';

const CASHIER = { primary: 'CAFE0001', openedAt: T0 };
const CARD = '04A1B2C3';
const asset = (id: number, category: AssetInfo['category'], extra: Partial<AssetInfo> = {}): AssetInfo => ({
  id: uuid(id),
  name: `asset ${id}`,
  currencyCode: 'EUR',
  category,
  decimals: 2,
  archived: false,
  ...extra,
});
const OTHER_TLF = asset(1, 'TLF');
const OWN_TLF = asset(2, 'TLF', { issuedHere: true });
const FED = asset(3, 'FED');
const TIME = asset(4, 'TIM');
const ASSETS = new Map([OTHER_TLF, OWN_TLF, FED, TIME].map((info) => [info.id, info]));
const view = (info: AssetInfo, available: number): BalanceView => ({ asset: info.id, name: info.name, category: info.category, available, formatted: String(available) });

function facts(balances: BalanceView[], assets = ASSETS): CardFacts & { asked: Array<ReadonlySet<string> | undefined> } {
  const asked: Array<ReadonlySet<string> | undefined> = [];
  return { assets, asked, balances: (only) => (asked.push(only), balances.filter((balance) => !only || only.has(balance.asset))) };
}

describe('arming: where a tap goes', () => {
  it('opens a session when locked, performs what is armed, ignores the cashier card, else checks the card', () => {
    const sale = { kind: 'sale' as const, request: { amount: 500 }, amount: 500 };
    expect(routeTap(null, sale, CARD)).toEqual({ to: 'unlock' });
    expect(routeTap(CASHIER, sale, CARD)).toEqual({ to: 'armed', action: sale, keepArmed: false });
    expect(routeTap(CASHIER, null, 'CAFE0001AABBCC')).toEqual({ to: 'ignore' });
    expect(routeTap(CASHIER, null, CARD)).toEqual({ to: 'check' });
  });

  it('keeps badge mode armed, and a single badge not', () => {
    const door = { kind: 'badge' as const, asset: TIME.id, repeat: true };
    expect(routeTap(CASHIER, door, CARD)).toMatchObject({ keepArmed: true });
    expect(routeTap(CASHIER, { ...door, repeat: false }, CARD)).toMatchObject({ keepArmed: false });
  });

  it('sends payment codes to the armed sale only, and other typed lines to the reader', () => {
    expect(routeWedgeLine('  FEDOWPAY1.abc \n')).toEqual({ to: 'pay', line: 'FEDOWPAY1.abc' });
    expect(routeWedgeLine(' 04A1B2C3\n')).toEqual({ to: 'reader', line: '04A1B2C3' });
    const sale = { kind: 'sale' as const, request: { amount: 500 }, amount: 500 };
    expect(routeQrCode(null, sale)).toBe('locked');
    expect(routeQrCode(CASHIER, { kind: 'void' })).toBe('no_sale');
    expect(routeQrCode(CASHIER, null)).toBe('no_sale');
    expect(routeQrCode(CASHIER, sale)).toBe('pay');
  });
});

describe('arming: what an armed action asks the authoriser', () => {
  it('sums sale lines and puts lines and note in meta, splitting across the card unless an asset is named', () => {
    const request = { lines: [{ label: 'Beer', qty: 2, unit: 350 }, { label: 'Crisps', qty: 1, unit: 200 }], note: 'table 4' };
    expect(saleAmount(request)).toBe(900);
    expect(saleAmount({ amount: 120 })).toBe(120);
    expect(requestFor({ kind: 'sale', request, amount: 900 }, CARD, facts([]))).toEqual({ kind: 'SAL', amount: 900, card: CARD, asset: 'sale', meta: { lines: request.lines, note: 'table 4' } });
    expect(requestFor({ kind: 'sale', request: { amount: 120, asset: FED.id }, amount: 120 }, CARD, facts([]))).toEqual({ kind: 'SAL', amount: 120, card: CARD, asset: FED.id });
  });

  it('tops up the currency this place issues first, and refuses when the place has none', () => {
    expect(localAsset(ASSETS.values(), ['TLF'])).toBe(OWN_TLF);
    expect(requestFor({ kind: 'topUp', request: { amount: 1_000, payment: 'cash' } }, CARD, facts([]))).toEqual({ kind: 'REF', amount: 1_000, card: CARD, asset: OWN_TLF.id, meta: { payment: 'cash' } });
    const none = new Map([[FED.id, FED]]);
    expect(requestFor({ kind: 'topUp', request: { amount: 1_000, payment: 'card' } }, CARD, facts([], none))).toBe('no_asset');
    expect(localAsset([{ ...OWN_TLF, archived: true }, OTHER_TLF], ['TLF'])).toBe(OTHER_TLF);
  });

  it('refunds everything available by default, reading only that asset, and the given amount without reading', () => {
    const all = facts([view(OWN_TLF, 730), view(FED, 50)]);
    expect(requestFor({ kind: 'refund', request: {} }, CARD, all)).toEqual({ kind: 'RFD', amount: 730, card: CARD, asset: OWN_TLF.id });
    expect(all.asked).toEqual([new Set([OWN_TLF.id])]);
    const given = facts([view(OWN_TLF, 730)]);
    expect(requestFor({ kind: 'refund', request: { asset: FED.id, amount: 20 } }, CARD, given)).toEqual({ kind: 'RFD', amount: 20, card: CARD, asset: FED.id });
    expect(given.asked).toEqual([]);
  });

  it('voids the euro-valued balances shown, a negative one counting as nothing, time not at all', () => {
    const balances = [view(OWN_TLF, 730), view(FED, 50), view(OTHER_TLF, -40), view(TIME, 300)];
    expect(requestFor({ kind: 'void' }, CARD, facts(balances))).toEqual({ kind: 'VID', amount: 780, card: CARD, asset: 'sale' });
  });

  it('passes memberships and badges as asked', () => {
    expect(requestFor({ kind: 'membership', request: { asset: TIME.id, amount: 2_000, payment: 'card' } }, CARD, facts([]))).toEqual({ kind: 'SUB', amount: 2_000, card: CARD, asset: TIME.id, meta: { payment: 'card' } });
    expect(requestFor({ kind: 'badge', asset: TIME.id, repeat: false }, CARD, facts([]))).toEqual({ kind: 'BDG', amount: 0, card: CARD, asset: TIME.id });
  });
});

describe('outcomes', () => {
  it('names a missing amount only for a shortfall, and gives the words in both languages', () => {
    const short = declinedOutcome({ approve: false, code: 'insufficient_funds', missing: 300, asset: OWN_TLF.id }, ASSETS, 'fr', CARD, T0);
    expect(short).toMatchObject({ approve: false, code: 'insufficient_funds', missing: 300, asset: OWN_TLF.id, card: CARD, at: T0 });
    if (short.approve) throw new Error('a decline');
    expect(Object.keys(short.reasons ?? {}).sort()).toEqual(['en', 'fr']);
    expect(short.reason).toBe(short.reasons?.fr);
    const capped = declinedOutcome({ approve: false, code: 'offline_policy_exceeded', missing: 300, asset: OWN_TLF.id, limit: 'maxOfflineSale', cap: 2_000 }, ASSETS, 'en', CARD, T0);
    expect(capped).not.toHaveProperty('missing');
    expect(refusedOutcome('locked', 'Tap your cashier card', T0)).toEqual({ approve: false, code: 'locked', reason: 'Tap your cashier card', at: T0 });
  });

  it('sums the committed entries of an approval', () => {
    const body = (seq: number, amount: number) => ({ seq, asset: OWN_TLF.id, amount, auth: 'offline' }) as EntryBody;
    expect(approvedOutcome('SAL', CARD, [body(4, 300), body(5, 200)], [], T0)).toEqual({
      approve: true, kind: 'SAL', card: CARD, auth: 'offline', total: 500,
      entries: [{ seq: 4, asset: OWN_TLF.id, amount: 300 }, { seq: 5, asset: OWN_TLF.id, amount: 200 }], balances: [], at: T0,
    });
  });
});

describe('purge timer', () => {
  it('purges at once, then every period, until stopped', async () => {
    let purges = 0;
    const stop = startPurgeTimer(() => purges++, 10);
    expect(purges).toBe(1);
    const deadline = Date.now() + 5_000;
    while (purges < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(purges).toBeGreaterThanOrEqual(3);
    stop();
    const stopped = purges;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(purges).toBe(stopped);
  });
});
