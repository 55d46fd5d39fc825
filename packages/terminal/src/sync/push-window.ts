import { FRAME_BYTES_MAX, PUSH_WINDOW_MAX, type AckResult, type WireEntry } from '@fedow/protocol';

/**
 * Which of this till's entries go to the hub next, as a value with pure
 * transitions: the pushes in flight (at most PUSH_WINDOW_MAX) and the next seq
 * to send. The hub's view decides what is resent — a welcome's `lastSeq + 1`, a
 * gap's `expected` — so the window never reads the journal's ack columns. The
 * sync client reads the entries and sends the frames (pushing.ts); the rules of
 * the window are tested here without a socket.
 */

export interface InFlightPush {
  firstSeq: number;
  lastSeq: number;
  /** Sent as the resend after a `gap` with this `expected`. */
  gapExpected?: number;
}

export interface PushWindow {
  inFlight: InFlightPush[];
  nextSeq: number;
}

/** A welcome: the hub holds everything through `lastSeq`. */
export function windowAfterWelcome(lastSeq: number): PushWindow {
  return { inFlight: [], nextSeq: lastSeq + 1 };
}

/** Whether another push may be sent now. */
export function hasRoom(window: PushWindow): boolean {
  return window.inFlight.length < PUSH_WINDOW_MAX;
}

/**
 * An ack frees the pushes it covers: those through the hub's `lastSeq`, and the
 * one holding the highest seq it answered (a push whose entries were refused
 * still advanced the chain).
 */
export function windowAfterAck(window: PushWindow, ack: { lastSeq: number; results: readonly Pick<AckResult, 'seq'>[] }): PushWindow {
  const highest = ack.results.reduce((max, result) => Math.max(max, result.seq), -1);
  const inFlight = window.inFlight.filter((push) => push.lastSeq > ack.lastSeq && !(push.firstSeq <= highest && highest <= push.lastSeq));
  return { ...window, inFlight };
}

/**
 * A gap restarts the window at the hub's `expected`; null when a resend for this
 * `expected` is already in flight (the pushes behind the one that gapped gap too).
 */
export function windowAfterGap(window: PushWindow, expected: number): PushWindow | null {
  if (window.inFlight.some((push) => push.gapExpected === expected)) return null;
  return { inFlight: [], nextSeq: expected };
}

export type NextPush =
  | { kind: 'idle' }
  /** The journal no longer holds the entry the hub needs. */
  | { kind: 'purged'; needed: number }
  | { kind: 'push'; entries: WireEntry[]; window: PushWindow };

/** What to push from `entries` (read from the journal at `window.nextSeq`), and the window once it is sent. */
export function nextPush(window: PushWindow, entries: WireEntry[], gapExpected: number | undefined): NextPush {
  const fitted = fitFrame(entries);
  if (fitted.length === 0) return { kind: 'idle' };
  const firstSeq = fitted[0]!.body.seq;
  if (firstSeq !== window.nextSeq) return { kind: 'purged', needed: window.nextSeq };
  const lastSeq = fitted[fitted.length - 1]!.body.seq;
  const push: InFlightPush = { firstSeq, lastSeq, ...(gapExpected === undefined ? {} : { gapExpected }) };
  return { kind: 'push', entries: fitted, window: { inFlight: [...window.inFlight, push], nextSeq: lastSeq + 1 } };
}

/** Entries from the front of `entries` whose push frame stays under FRAME_BYTES_MAX. */
export function fitFrame(entries: WireEntry[]): WireEntry[] {
  const envelopeBytes = '{"type":"push","entries":[]}'.length;
  let bytes = envelopeBytes;
  for (const [index, entry] of entries.entries()) {
    bytes += Buffer.byteLength(JSON.stringify(entry)) + 1;
    if (bytes > FRAME_BYTES_MAX) return entries.slice(0, index);
  }
  return entries;
}
