/**
 * USB "keyboard wedge" readers: they type the UID followed by Enter, as hex or as a
 * decimal number, in the card's byte order or reversed, depending on the model and its
 * configuration switches. They report taps only: no removal, no LED we can drive.
 *
 * The parsing is pure (`parseWedgeLine`, `WedgeLineBuffer`); `KeyboardWedgeReader` feeds
 * it with keys (a browser's keydown), lines, or a text stream.
 */
import { createInterface } from 'node:readline';
import { TypedEmitter } from './emitter';
import { isUidByteLength, uidFromBytes, type UidByteLength, type UidResult } from './uid';
import type { CardReader, CardReaderEvent, CardReaderEvents, FeedbackResult, Unsubscribe } from './card-reader';

/** A 10-byte UID is 25 decimal digits or 20 hex digits; anything far longer is not a card. */
export const WEDGE_LINE_CHARS_MAX = 64;

export interface WedgeFormat {
  encoding: 'hex' | 'decimal';
  byteOrder: 'as-read' | 'reversed';
  /** Decimal loses leading zero bytes: force the UID length, else the smallest of 4/7/10 that fits. */
  decimalBytes?: UidByteLength;
}

export const WEDGE_FORMAT_DEFAULT: WedgeFormat = { encoding: 'hex', byteOrder: 'as-read' };

export function parseWedgeLine(line: string, format: WedgeFormat): UidResult {
  const text = line.trim();
  const bytes = format.encoding === 'hex' ? hexBytes(text) : decimalBytes(text, format.decimalBytes);
  if (!bytes.ok) return bytes;
  const ordered = format.byteOrder === 'reversed' ? Buffer.from(bytes.bytes).reverse() : bytes.bytes;
  return uidFromBytes(ordered);
}

type BytesResult = { ok: true; bytes: Buffer } | { ok: false; code: 'uid_length' | 'uid_format'; message: string };

function hexBytes(text: string): BytesResult {
  // Some models separate bytes with spaces, colons or dashes.
  const digits = text.replace(/[\s:-]/g, '');
  if (digits.length === 0 || !/^[0-9a-fA-F]+$/.test(digits) || digits.length % 2 !== 0) {
    return { ok: false, code: 'uid_format', message: `"${text}" is not a hex UID` };
  }
  return { ok: true, bytes: Buffer.from(digits, 'hex') };
}

function decimalBytes(text: string, forcedLength: UidByteLength | undefined): BytesResult {
  if (!/^[0-9]{1,30}$/.test(text)) return { ok: false, code: 'uid_format', message: `"${text}" is not a decimal UID` };
  let hex = BigInt(text).toString(16);
  if (hex.length % 2 !== 0) hex = `0${hex}`;
  const minimumLength = hex.length / 2;
  const length = forcedLength ?? [4, 7, 10].find((candidate) => candidate >= minimumLength);
  if (length === undefined || minimumLength > length) {
    return { ok: false, code: 'uid_length', message: `"${text}" needs ${minimumLength} bytes; expected 4, 7 or 10` };
  }
  return { ok: true, bytes: Buffer.from(hex.padStart(length * 2, '0'), 'hex') };
}

export type KeyOutcome =
  | { kind: 'pending' }
  | { kind: 'line'; line: string }
  | { kind: 'overflow'; message: string };

/** Collects keystrokes into lines. Keys are DOM `KeyboardEvent.key` values or raw characters. */
export class WedgeLineBuffer {
  private text = '';

  key(key: string): KeyOutcome {
    if (key === 'Enter' || key === '\r' || key === '\n') {
      const line = this.text;
      this.text = '';
      return line.length > 0 ? { kind: 'line', line } : { kind: 'pending' };
    }
    // Named keys (Shift, Tab, F5…) are longer than one character: a wedge never means them.
    if (key.length !== 1) return { kind: 'pending' };
    this.text += key;
    if (this.text.length > WEDGE_LINE_CHARS_MAX) {
      const message = `more than ${WEDGE_LINE_CHARS_MAX} characters without Enter`;
      this.text = '';
      return { kind: 'overflow', message };
    }
    return { kind: 'pending' };
  }
}

export interface KeyboardWedgeOptions {
  format?: WedgeFormat;
  name?: string;
  /** Text typed by the reader, one UID per line (e.g. a tty in raw line mode). */
  input?: NodeJS.ReadableStream;
}

export class KeyboardWedgeReader implements CardReader {
  readonly kind = 'keyboard-wedge';
  private readonly events = new TypedEmitter<CardReaderEvents>();
  private readonly buffer = new WedgeLineBuffer();
  private readonly format: WedgeFormat;
  private readonly name: string;
  private readonly input: NodeJS.ReadableStream | undefined;
  private stopInput: (() => void) | null = null;
  private started = false;

  constructor(options: KeyboardWedgeOptions = {}) {
    this.format = options.format ?? WEDGE_FORMAT_DEFAULT;
    this.name = options.name ?? 'keyboard-wedge';
    this.input = options.input;
    if (this.format.decimalBytes !== undefined && !isUidByteLength(this.format.decimalBytes)) {
      throw new Error(`decimalBytes must be 4, 7 or 10, not ${this.format.decimalBytes}`);
    }
  }

  on<E extends CardReaderEvent>(event: E, listener: (payload: CardReaderEvents[E]) => void): Unsubscribe {
    return this.events.on(event, listener);
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.events.emit('reader-attached', { reader: this.name });
    if (this.input) {
      const lines = createInterface({ input: this.input, crlfDelay: Infinity });
      lines.on('line', (line) => this.line(line));
      this.stopInput = () => lines.close();
    }
  }

  readers(): readonly string[] {
    return this.started ? [this.name] : [];
  }

  /** One keystroke from the reader. */
  key(key: string): void {
    const outcome = this.buffer.key(key);
    if (outcome.kind === 'line') this.line(outcome.line);
    if (outcome.kind === 'overflow') this.events.emit('error', { code: 'uid_format', message: outcome.message, reader: this.name });
  }

  /** One complete line from the reader, without its Enter. Blank lines are ignored. */
  line(text: string): void {
    if (!this.started || text.trim().length === 0) return;
    const uid = parseWedgeLine(text, this.format);
    if (!uid.ok) {
      this.events.emit('error', { code: uid.code, message: uid.message, reader: this.name });
      return;
    }
    this.events.emit('card', { uid: uid.uid, type: 'unknown', reader: this.name });
    // A wedge cannot tell when the card leaves: report it gone at once so every tap is a pair.
    this.events.emit('card-removed', { reader: this.name, uid: uid.uid });
  }

  async feedback(): Promise<FeedbackResult> {
    return { done: false, reason: 'unsupported', message: 'a keyboard wedge reader has no LED or buzzer we can drive' };
  }

  async close(): Promise<void> {
    this.stopInput?.();
    this.stopInput = null;
    this.events.removeAll();
  }
}
