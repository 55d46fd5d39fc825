import type { CardReader } from '@fedow/nfc';

/**
 * What the till's screen says about its card reader, as a value with pure
 * transitions: the agent replaces it on each reader event and publishes it.
 */

export interface ReaderView {
  kind: CardReader['kind'];
  readers: readonly string[];
  connected: boolean;
  lastError: string | null;
}

export function initialReaderView(kind: CardReader['kind']): ReaderView {
  return { kind, readers: [], connected: false, lastError: null };
}

/** A reader came: connected, whatever failed before stays shown until the next error. */
export function readerAttached(view: ReaderView, readers: readonly string[]): ReaderView {
  return { ...view, readers, connected: true };
}

/** A reader left: still connected while another one is there. */
export function readerDetached(view: ReaderView, readers: readonly string[]): ReaderView {
  return { ...view, readers, connected: readers.length > 0 };
}

export function readerFailed(view: ReaderView, error: { code: string; message: string }): ReaderView {
  return { ...view, lastError: `${error.code}: ${error.message}` };
}
