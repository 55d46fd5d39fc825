/** The dashboard flags offline stretches beyond the per-card and exposure caps (DECISIONS.md, TILL.md). */
import { describe, expect, it } from 'vitest';
import { stretchBreaches } from '../src/dashboard/offline-caps';
import type { Entry } from '../src/storage/rows';

let seq = 0;
function entry(kind: string, auth: 'online' | 'offline', card: string, amount: number, status: 'applied' | 'rejected' = 'applied'): Entry {
  seq += 1;
  const body = { v: 1, id: `e${seq}`, terminal: 't', seq, prev: 'p', at: '2026-07-14T20:00:00.000Z', kind, asset: 'a', amount, card, primary: 'P', auth };
  return { id: `e${seq}`, terminalId: 't', seq, prev: 'p', hash: 'h', sig: 's', body: JSON.stringify(body), receivedAt: `2026-07-14T20:00:${String(seq).padStart(2, '0')}.000Z`, status, reason: null };
}

describe('offline cap breaches', () => {
  it('adds the offline sales of one stretch, per till and per card, and starts again at the next online entry', () => {
    const entries = [
      entry('SAL', 'offline', 'A', 400),
      entry('SAL', 'offline', 'B', 400),
      entry('REF', 'offline', 'A', 1000),
      entry('SAL', 'offline', 'A', 300),
      entry('SAL', 'online', 'A', 10),
      entry('SAL', 'offline', 'A', 600),
      entry('SAL', 'offline', 'C', 900, 'rejected'),
    ];
    const within = stretchBreaches(entries, 1_100, 700);
    expect(within.exposure).toBeNull();
    expect(within.card).toBeNull();
    const beyond = stretchBreaches(entries, 1_000, 650);
    expect(beyond.exposure).toMatchObject({ ids: ['e1', 'e2', 'e4'], total: 1_100 });
    expect(beyond.card).toMatchObject({ card: 'A', ids: ['e1', 'e4'], total: 700 });
  });
});
