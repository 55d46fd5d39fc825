/**
 * The page's wedge detector (ui/wedge.ts) with a controlled clock: a fast burst
 * ended by Enter is a wedge line; slow or short typing comes back, in order, as
 * the cashier's shortcuts.
 */
import { describe, expect, it } from 'vitest';
import { WEDGE_GAP_MS, WedgeKeys, type WedgeTimers } from '../src/ui/wedge';

function harness() {
  const lines: string[] = [];
  const replayed: string[][] = [];
  let pending: (() => void) | null = null;
  const timers: WedgeTimers = {
    set: (callback) => (pending = callback),
    clear: () => (pending = null),
  };
  const wedge = new WedgeKeys((text) => lines.push(text), (keys) => replayed.push(keys), timers);
  const type = (text: string, start: number, gap: number): number => {
    let at = start;
    for (const key of text) {
      expect(wedge.key(key, at)).toBe(true);
      at += gap;
    }
    return at;
  };
  return { wedge, lines, replayed, type, fireTimer: () => pending?.() };
}

describe('the wedge detector', () => {
  it('takes a fast burst ended by Enter as one line, payment codes included', () => {
    const { wedge, lines, replayed, type } = harness();
    const end = type('0016800458', 0, 4);
    expect(wedge.key('Enter', end)).toBe(true);
    const code = `FEDOWPAY1.${'Ab-_9'.repeat(28)}`;
    const after = type(code, end + 500, 2);
    expect(wedge.key('Enter', after)).toBe(true);
    expect(lines).toEqual(['0016800458', code]);
    expect(replayed).toEqual([]);
  });

  it('gives short or slow typing back as shortcuts, in order, and lets Enter through', () => {
    const { wedge, lines, replayed, type, fireTimer } = harness();
    const end = type('250', 0, 5);
    expect(wedge.key('Enter', end)).toBe(false);
    expect(replayed).toEqual([['2', '5', '0']]);
    type('a', 1_000, 0);
    fireTimer();
    expect(replayed).toEqual([['2', '5', '0'], ['a']]);
    // A person typing eight digits slowly: each pause gives the keys back.
    let at = 2_000;
    for (const key of '12345678') {
      wedge.key(key, at);
      at += WEDGE_GAP_MS + 50;
    }
    expect(wedge.key('Enter', at)).toBe(false);
    expect(replayed.slice(2).flat().join('')).toBe('12345678');
    expect(lines).toEqual([]);
  });

  it('named keys (F9, Escape, arrows) flush what was held and pass', () => {
    const { wedge, replayed, type } = harness();
    type('ab', 0, 3);
    expect(wedge.key('F9', 6)).toBe(false);
    expect(replayed).toEqual([['a', 'b']]);
  });
});
