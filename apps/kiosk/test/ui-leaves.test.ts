/**
 * The till screen's pure leaves, without a browser: the state machine of touches
 * and bridge events (transitions.ts), what Enter sends (commands.ts), the keyboard
 * map (keys.ts) and the view choice (regions.ts). The browser suites drive the
 * same rules through Chromium; here each rule is held alone.
 */
import { describe, expect, it } from 'vitest';
import type { CatalogueItem } from '@fedow/protocol';
import type { AgentSnapshot, CardCheck, Outcome } from '@fedow/terminal';
import { primaryCommand, refundChecked, refundCommand } from '../src/ui/commands';
import { keyAction, type KeyPress } from '../src/ui/keys';
import { changedRegions, mainScreen, regionHtml } from '../src/ui/regions';
import { initialState, type UiState } from '../src/ui/state';
import { actionStep, cancelStep, choiceAction, decisionPatch, enterScreen, tapPatch, viewStep } from '../src/ui/transitions';

const ASSET = { id: 'a-mla', name: 'Monnaie A', code: 'MLA', currencyCode: 'MLA', category: 'TLF', decimals: 2, archived: false, issuedHere: true };

function snapshot(overrides: Partial<AgentSnapshot> = {}): AgentSnapshot {
  return {
    paired: { terminal: 't1', place: 'p1', placeName: 'Bar A', hubUrl: 'http://hub' },
    reader: { kind: 'simulator', readers: [], connected: true },
    sync: { status: 'online', pendingCount: 0, lagEntries: 0, lastSyncAt: 0, offlineSince: null },
    session: { primary: 'CASHIER1', openedAt: 0 },
    shift: null,
    armed: null,
    lastDecision: null,
    alerts: [],
    assets: [ASSET],
    catalogueRevision: 1,
    language: 'fr',
    ...overrides,
    // The fields these rules never read are left to the agent's own tests.
  } as AgentSnapshot;
}

function opened(overrides: Partial<UiState> = {}): UiState {
  return { ...initialState(0), view: snapshot(), catalogueRevision: 1, ...overrides };
}

const item = (id: string, price: number, position: number, category = 'Bar'): CatalogueItem => ({ id, label: id, price, asset: ASSET.id, category, position });
const check = (card: string, balance: number) => ({ card, balances: [{ asset: ASSET.id, name: ASSET.name, category: 'TLF', available: balance, formatted: '' }] }) as unknown as CardCheck;
const approved = (kind: 'SAL' | 'REF' | 'BDG'): Outcome => ({ approve: true, kind, card: 'C1', auth: 'online', total: 250, entries: [], balances: [], at: 1 }) as Outcome;
const declined = { approve: false, code: 'insufficient_funds', reason: 'x', card: 'C1', at: 1 } as unknown as Outcome;

describe('the screen state machine', () => {
  it('fills the ticket and takes one away, keeping the order products were added', () => {
    let state = opened();
    for (const id of ['beer', 'soda', 'beer']) state = { ...state, ...actionStep(state, 'product', id).patch };
    expect([...state.cart]).toEqual([['beer', 2], ['soda', 1]]);
    const removed = actionStep(state, 'remove', 'soda');
    expect([...removed.patch.cart!]).toEqual([['beer', 2]]);
    expect(removed.effect).toBe('render');
    expect([...state.cart]).toEqual([['beer', 2], ['soda', 1]]);
  });

  it('types the keypad up to its length, with no leading zero', () => {
    expect(actionStep(opened(), 'digit', '0').patch.keypad).toBeUndefined();
    expect(actionStep(opened({ keypad: '25' }), 'digit', '0').patch.keypad).toBe('250');
    expect(actionStep(opened({ keypad: '1234567' }), 'digit', '8').patch.keypad).toBeUndefined();
    expect(actionStep(opened({ keypad: '12' }), 'digit', 'x').patch.keypad).toBeUndefined();
    expect(actionStep(opened({ keypad: '250' }), 'back', undefined).patch.keypad).toBe('25');
  });

  it('clears a shown result and the notice on any action but dismiss, cancel and language', () => {
    const shown = opened({ result: { kind: 'outcome', outcome: declined, badge: false }, notice: 'bridge down' });
    expect(actionStep(shown, 'digit', '5').patch).toMatchObject({ result: null, notice: null, keypad: '5' });
    expect(actionStep(shown, 'language', undefined).patch).toEqual({ notice: null, language: 'en' });
    expect(actionStep(shown, 'cancel', undefined)).toEqual({ patch: { notice: null, result: null }, effect: 'render' });
  });

  it('goes to a known screen only, and leaves the bridge to the parent', () => {
    expect(actionStep(opened(), 'screen', 'refund').effect).toEqual({ goTo: 'refund' });
    expect(actionStep(opened(), 'screen', 'nowhere').effect).toBeNull();
    expect(actionStep(opened(), 'primary', undefined).effect).toBe('primary');
    expect(actionStep(opened(), 'lock', undefined).effect).toBe('lock');
    expect(enterScreen('topUp')).toMatchObject({ screen: 'topUp', keypad: '', chosen: null, result: null, refund: { stage: 'choose', mode: 'refund' } });
  });

  it('cancels what is armed through the bridge, else steps back', () => {
    const armed = opened({ screen: 'refund', view: snapshot({ armed: { kind: 'void' } }), refund: { mode: 'void', stage: 'tap', check: null, asset: null } });
    expect(cancelStep(armed)).toEqual({ patch: { refund: { mode: 'void', stage: 'choose', check: null, asset: null } }, effect: 'cancelArmed' });
    const confirming = opened({ screen: 'refund', refund: { mode: 'refund', stage: 'confirm', check: check('C1', 500), asset: ASSET.id } });
    expect(cancelStep(confirming).patch.refund).toMatchObject({ stage: 'choose', check: null, asset: ASSET.id });
    const ticket = cancelStep(opened({ cart: new Map([['beer', 1]]), keypad: '12' }));
    expect(ticket.patch.keypad).toBe('');
    expect(ticket.patch.cart?.size).toBe(0);
  });

  it('empties the ticket on an approved sale, not on a top-up or a decline', () => {
    const state = opened({ cart: new Map([['beer', 1]]), keypad: '5', refund: { mode: 'refund', stage: 'confirm', check: check('C1', 1), asset: null } });
    const sale = decisionPatch(state, approved('SAL'));
    expect(sale.cart?.size).toBe(0);
    expect(sale).toMatchObject({ keypad: '', refund: { stage: 'choose', check: null }, result: { kind: 'outcome', badge: false } });
    expect(decisionPatch(state, approved('REF')).cart).toBeUndefined();
    expect(decisionPatch(state, approved('BDG')).result).toMatchObject({ badge: true });
    expect(decisionPatch(state, declined)).toEqual({ result: { kind: 'outcome', outcome: declined, badge: false } });
  });

  it('shows a tapped card on the check screen, over any other, and remembers a locked till’s stranger', () => {
    const tap = { type: 'tap' as const, card: 'C1', locked: false, check: check('C1', 100) };
    expect(tapPatch(opened({ screen: 'check' }), tap)).toEqual({ check: tap.check });
    expect(tapPatch(opened(), tap)).toEqual({ result: { kind: 'check', check: tap.check } });
    expect(tapPatch(opened(), { ...tap, locked: true })).toEqual({ lockedTap: 'C1' });
  });

  it('asks for the catalogue when its revision changes, and forgets the last close when a cashier opens', () => {
    const locked = opened({ view: snapshot({ session: null }), closedTotals: {} as UiState['closedTotals'], lockedTap: 'X' });
    const step = viewStep(locked, snapshot({ catalogueRevision: 2 }));
    expect(step.catalogue).toBe(true);
    expect(step.patch).toMatchObject({ closedTotals: null, lockedTap: null, catalogueRevision: 2 });
    expect(viewStep(opened(), snapshot()).catalogue).toBe(false);
  });

  it('turns a choice letter into the touch of its button', () => {
    // Letters follow the drawing: by category, in the catalogue's order.
    const catalogue = [item('a', 250, 1), item('x', 800, 2, 'Food'), item('b', 300, 3)];
    expect(choiceAction(opened({ catalogue }), 1)).toEqual({ action: 'product', arg: 'b' });
    expect(choiceAction(opened({ catalogue }), 2)).toEqual({ action: 'product', arg: 'x' });
    expect(choiceAction(opened({ catalogue }), 3)).toBeNull();
    expect(choiceAction(opened({ screen: 'topUp' }), 1)).toEqual({ action: 'preset', arg: '1000' });
    expect(choiceAction(opened({ screen: 'refund' }), 1)).toEqual({ action: 'refund-mode', arg: 'void' });
    expect(choiceAction(opened({ screen: 'refund', refund: { mode: 'refund', stage: 'confirm', check: check('C1', 100), asset: null } }), 2)).toEqual({ action: 'choose', arg: ASSET.id });
    expect(choiceAction(opened({ screen: 'check' }), 0)).toBeNull();
  });
});

describe('what Enter sends', () => {
  it('charges the ticket, tops up the keypad, and sends nothing empty or while armed', () => {
    const catalogue = [item('beer', 250, 1)];
    expect(primaryCommand(opened({ catalogue, cart: new Map([['beer', 2]]) }))).toEqual({ kind: 'sale', request: { lines: [{ label: 'beer', qty: 2, unit: 250 }] } });
    expect(primaryCommand(opened())).toBeNull();
    expect(primaryCommand(opened({ screen: 'topUp', keypad: '1500', payment: 'card' }))).toEqual({ kind: 'topUp', request: { amount: 1500, payment: 'card' } });
    expect(primaryCommand(opened({ screen: 'topUp' }))).toBeNull();
    expect(primaryCommand(opened({ screen: 'badge', chosen: 'b1' }))).toEqual({ kind: 'badge', asset: 'b1' });
    expect(primaryCommand(opened({ screen: 'close' }))).toEqual({ kind: 'close' });
    expect(primaryCommand(opened({ screen: 'topUp', keypad: '5', view: snapshot({ armed: { kind: 'void' } }) }))).toBeNull();
    expect(primaryCommand(opened({ screen: 'topUp', keypad: '5', view: snapshot({ session: null }) }))).toBeNull();
  });

  it('refunds the confirmed card, else asks for a tap, and never offline', () => {
    const card = check('C1', 500);
    expect(refundCommand(opened({ screen: 'refund' }))).toEqual({ kind: 'tap' });
    expect(refundCommand(opened({ screen: 'refund', refund: { mode: 'void', stage: 'confirm', check: card, asset: null } }))).toEqual({ kind: 'void', card: 'C1' });
    expect(refundCommand(opened({ screen: 'refund', refund: { mode: 'refund', stage: 'confirm', check: card, asset: ASSET.id } }))).toEqual({
      kind: 'refund',
      request: { asset: ASSET.id },
      card: 'C1',
    });
    expect(refundCommand(opened({ screen: 'refund', refund: { mode: 'refund', stage: 'confirm', check: card, asset: null } }))).toBeNull();
    expect(refundCommand(opened({ view: snapshot({ sync: { status: 'offline', pendingCount: 0, lagEntries: 0, lastSyncAt: null, offlineSince: 1 } as AgentSnapshot['sync'] }) }))).toBeNull();
    expect(refundChecked(opened({ screen: 'refund' }), card).refund).toMatchObject({ stage: 'confirm', check: card, asset: ASSET.id });
    expect(refundChecked(opened({ screen: 'sale' }), card).refund).toMatchObject({ stage: 'choose' });
  });
});

describe('the keyboard map', () => {
  const press = (key: string, more: Partial<KeyPress> = {}): KeyPress => ({ key, modified: false, inField: false, ...more });

  it('maps function keys to screens for a cashier, and swallows them when locked', () => {
    expect(keyAction(opened(), press('F2'))).toEqual({ action: 'screen', arg: 'topUp' });
    expect(keyAction(opened(), press('F10'))).toEqual({ action: 'screen', arg: 'shift' });
    expect(keyAction(opened({ view: snapshot({ session: null }) }), press('F2'))).toEqual({ action: 'none' });
    expect(keyAction(opened(), press('F8'))).toEqual({ action: 'lock' });
    expect(keyAction(opened(), press('F9'))).toEqual({ action: 'language' });
    expect(keyAction(opened(), press('F12'))).toEqual({ action: 'none' });
  });

  it('leaves a text field its keys but Escape and F-keys, and ignores modified keys', () => {
    expect(keyAction(opened(), press('5', { inField: true }))).toBeNull();
    expect(keyAction(opened(), press('Escape', { inField: true }))).toEqual({ action: 'cancel' });
    expect(keyAction(opened(), press('F1', { modified: true }))).toBeNull();
  });

  it('types digits, edits, picks the payment, and dismisses a result with Enter', () => {
    expect(keyAction(opened(), press('7'))).toEqual({ action: 'digit', arg: '7' });
    expect(keyAction(opened(), press('Backspace'))).toEqual({ action: 'back' });
    expect(keyAction(opened(), press('Delete'))).toEqual({ action: 'clear' });
    expect(keyAction(opened(), press('ArrowRight'))).toEqual({ action: 'payment', arg: 'card' });
    expect(keyAction(opened(), press('Enter'))).toEqual({ action: 'primary' });
    expect(keyAction(opened({ result: { kind: 'outcome', outcome: declined, badge: false } }), press('Enter'))).toEqual({ action: 'dismiss' });
  });

  it('reads letters as choice buttons, and P as print on the close screen or after a close', () => {
    expect(keyAction(opened(), press('C'))).toEqual({ choice: 2 });
    expect(keyAction(opened({ screen: 'close' }), press('p'))).toEqual({ action: 'print' });
    expect(keyAction(opened({ view: snapshot({ session: null }) }), press('p'))).toBeNull();
    expect(keyAction(opened({ view: snapshot({ session: null }), closedTotals: {} as UiState['closedTotals'] }), press('P'))).toEqual({ action: 'print' });
    expect(keyAction(opened(), press('Tab'))).toBeNull();
  });
});

describe('the view choice', () => {
  it('shows pairing until paired, the locked screen without a cashier, else the screen under its notice', () => {
    expect(mainScreen(initialState(0))).toBe('');
    expect(mainScreen(opened({ view: snapshot({ paired: null }) }))).toContain('hubUrl');
    const locked = mainScreen(opened({ view: snapshot({ session: null }) }));
    expect(locked).not.toBe(mainScreen(opened()));
    expect(mainScreen(opened({ notice: 'Service <down>' }))).toMatch(/^<p class="notice" id="notice">Service &lt;down&gt;<\/p>/);
  });

  it('redraws only the regions whose HTML changed', () => {
    const first = regionHtml(opened());
    expect(changedRegions({}, first)).toEqual(['status', 'nav', 'main', 'overlay', 'footer']);
    expect(changedRegions(first, first)).toEqual([]);
    expect(changedRegions(first, regionHtml(opened({ keypad: '5', screen: 'topUp' })))).toContain('main');
  });
});
