import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeCrypto } from '@fedow/ledger/crypto-node';
import { FRAME_BYTES_MAX, PUSH_WINDOW_MAX, type WireEntry } from '@fedow/protocol';
import { openJournal, type EntryDraft, type Journal } from '../src';
import { fitFrame, hasRoom, nextPush, windowAfterAck, windowAfterGap, windowAfterWelcome, type PushWindow } from '../src/sync/push-window';
import { T0, TILL_SECRET, cleanup, identityFor, seededRandom, temporaryDirectory, uuid } from './helpers';

const SALE: EntryDraft = { kind: 'SAL', asset: uuid(0xa55e7), amount: 500, card: '04A1B2C3D4E5F6', primary: 'CAFE0001', auth: 'online' };

let journal: Journal | null = null;
afterEach(() => {
  if (journal?.open) journal.close();
  journal = null;
  cleanup();
});

/** Real signed entries, seq 1..count, from a journal on a temporary file. */
function entries(count: number, meta?: EntryDraft['meta']): WireEntry[] {
  journal = openJournal(join(temporaryDirectory(), 'till.db'), { crypto: nodeCrypto, secretKey: TILL_SECRET });
  journal.setIdentity(identityFor(TILL_SECRET));
  const drafts = Array.from({ length: count }, () => ({ ...SALE, ...(meta ? { meta } : {}) }));
  const appended = journal.append(drafts, { now: T0, random: seededRandom('push-window') });
  if (!appended.ok) throw new Error(appended.message);
  return appended.entries;
}

function pushed(window: PushWindow, from: WireEntry[], gapExpected?: number): PushWindow {
  const next = nextPush(window, from, gapExpected);
  if (next.kind !== 'push') throw new Error(`expected a push, got ${next.kind}`);
  return next.window;
}

describe('push window', () => {
  it('starts after the hub’s lastSeq and moves past each push it sends', () => {
    const all = entries(3);
    const window = pushed(windowAfterWelcome(0), all);
    expect(window).toEqual({ inFlight: [{ firstSeq: 1, lastSeq: 3 }], nextSeq: 4 });
    expect(nextPush(window, [], undefined)).toEqual({ kind: 'idle' });
  });

  it('stops the till when the journal no longer holds the seq the hub needs', () => {
    const all = entries(3);
    expect(nextPush(windowAfterWelcome(0), all.slice(1), undefined)).toEqual({ kind: 'purged', needed: 1 });
  });

  it('has room for PUSH_WINDOW_MAX pushes in flight, no more', () => {
    const all = entries(PUSH_WINDOW_MAX + 1);
    let window = windowAfterWelcome(0);
    for (const entry of all.slice(0, PUSH_WINDOW_MAX)) {
      expect(hasRoom(window)).toBe(true);
      window = pushed(window, [entry]);
    }
    expect(hasRoom(window)).toBe(false);
  });

  it('frees the pushes an ack covers: through its lastSeq, and the one holding the highest seq it answered', () => {
    const all = entries(3);
    const window = pushed(pushed(pushed(windowAfterWelcome(0), [all[0]!]), [all[1]!]), [all[2]!]);
    expect(windowAfterAck(window, { lastSeq: 1, results: [{ seq: 1 }] }).inFlight).toEqual([
      { firstSeq: 2, lastSeq: 2 },
      { firstSeq: 3, lastSeq: 3 },
    ]);
    // A push refused whole still advanced the chain: its results free it even if lastSeq lags.
    expect(windowAfterAck(window, { lastSeq: 1, results: [{ seq: 3 }] }).inFlight).toEqual([{ firstSeq: 2, lastSeq: 2 }]);
    expect(windowAfterAck(window, { lastSeq: 0, results: [] }).inFlight).toHaveLength(3);
  });

  it('restarts at a gap’s expected once, ignoring the gaps of the pushes behind the resend', () => {
    const all = entries(4);
    const sent = pushed(pushed(windowAfterWelcome(0), all.slice(0, 2)), all.slice(2));
    const restarted = windowAfterGap(sent, 2);
    expect(restarted).toEqual({ inFlight: [], nextSeq: 2 });
    const resent = pushed(restarted!, all.slice(1), 2);
    expect(resent.inFlight).toEqual([{ firstSeq: 2, lastSeq: 4, gapExpected: 2 }]);
    expect(windowAfterGap(resent, 2)).toBeNull();
    expect(windowAfterGap(resent, 3)).toEqual({ inFlight: [], nextSeq: 3 });
  });

  it('keeps a push frame under FRAME_BYTES_MAX', () => {
    // Only the frame's size matters here: one entry, repeated past the limit.
    const [entry] = entries(1, { note: 'x'.repeat(500) });
    const count = Math.ceil(FRAME_BYTES_MAX / Buffer.byteLength(JSON.stringify(entry))) + 10;
    const all = Array.from({ length: count }, () => entry!);
    const fitted = fitFrame(all);
    expect(fitted.length).toBeGreaterThan(0);
    expect(fitted.length).toBeLessThan(all.length);
    expect(Buffer.byteLength(JSON.stringify({ type: 'push', entries: fitted }))).toBeLessThanOrEqual(FRAME_BYTES_MAX);
    expect(Buffer.byteLength(JSON.stringify({ type: 'push', entries: all.slice(0, fitted.length + 1) }))).toBeGreaterThan(FRAME_BYTES_MAX);
    expect(fitFrame(all.slice(0, 3))).toHaveLength(3);
  });
});
