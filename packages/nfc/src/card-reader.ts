/**
 * The card reader seam: one contract, one small file per kind of reader
 * (pcsc.ts, keyboard-wedge.ts, simulator.ts). The till picks one at start
 * (create-reader.ts) and never asks which it got.
 */

export type CardType = 'iso14443-3' | 'iso14443-4' | 'unknown';
export type ReaderKind = 'pcsc' | 'keyboard-wedge' | 'simulator';

export interface CardPresent {
  /** Uppercase hex, 4, 7 or 10 bytes (8, 14 or 20 characters). */
  uid: string;
  type: CardType;
  /** Name of the reader the card was presented to. */
  reader: string;
}

export interface CardRemoved {
  reader: string;
  /** The UID that was read when the card arrived, or null if none was. */
  uid: string | null;
}

export type ReaderErrorCode =
  | 'pcsc_failed' // the PC/SC service or a reader reported an error
  | 'uid_unreadable' // the card answered FF CA with an error, or not at all
  | 'uid_length' // not 4, 7 or 10 bytes
  | 'uid_format' // not hex / decimal as configured
  | 'feedback_failed';

export interface ReaderError {
  code: ReaderErrorCode;
  message: string;
  reader: string | null;
}

export interface CardReaderEvents {
  'reader-attached': { reader: string };
  'reader-detached': { reader: string };
  card: CardPresent;
  'card-removed': CardRemoved;
  error: ReaderError;
}

export type CardReaderEvent = keyof CardReaderEvents;
export type Unsubscribe = () => void;
export type FeedbackKind = 'ok' | 'error';
/** `unsupported` is not a failure: most readers have no LED or buzzer we can drive. */
export type FeedbackResult = { done: true } | { done: false; reason: 'unsupported' | 'no_reader' | 'failed'; message: string };

export interface CardReader {
  readonly kind: ReaderKind;
  /** Events before `start()` are not emitted: subscribe first, then start. */
  on<E extends CardReaderEvent>(event: E, listener: (payload: CardReaderEvents[E]) => void): Unsubscribe;
  start(): void;
  /** Names of the readers attached now. */
  readers(): readonly string[];
  /** Light or beep on the reader the last card was presented to, where it can. */
  feedback(kind: FeedbackKind): Promise<FeedbackResult>;
  /** Stops watching and releases the hardware. Idempotent. */
  close(): Promise<void>;
}
