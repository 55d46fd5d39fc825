/**
 * A reader driven by code or by a person at a console: `tap(uid)` puts a card on it,
 * `remove()` takes it off. Used by the kiosk demo, the UI tests and development without
 * hardware. Console lines: a hex UID taps that card, `-` or `remove` removes it.
 */
import { createInterface } from 'node:readline';
import { TypedEmitter } from './emitter';
import { uidFromHex, type UidResult } from './uid';
import type {
  CardReader,
  CardReaderEvent,
  CardReaderEvents,
  CardType,
  FeedbackKind,
  FeedbackResult,
  Unsubscribe,
} from './card-reader';

export interface SimulatorOptions {
  name?: string;
  input?: NodeJS.ReadableStream;
}

export class SimulatorReader implements CardReader {
  readonly kind = 'simulator';
  /** Every feedback asked for, oldest first, so tests can check the till asked for it. */
  readonly feedbackGiven: FeedbackKind[] = [];
  private readonly events = new TypedEmitter<CardReaderEvents>();
  private readonly name: string;
  private readonly input: NodeJS.ReadableStream | undefined;
  private stopInput: (() => void) | null = null;
  private present: string | null = null;
  private started = false;

  constructor(options: SimulatorOptions = {}) {
    this.name = options.name ?? 'simulator';
    this.input = options.input;
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
      lines.on('line', (line) => this.command(line));
      this.stopInput = () => lines.close();
    }
  }

  readers(): readonly string[] {
    return this.started ? [this.name] : [];
  }

  /** Puts a card on the reader (taking off the one already there). */
  tap(uidHex: string, type: CardType = 'iso14443-3'): UidResult {
    const uid = uidFromHex(uidHex.trim());
    if (!uid.ok) {
      this.events.emit('error', { code: uid.code, message: uid.message, reader: this.name });
      return uid;
    }
    this.remove();
    this.present = uid.uid;
    this.events.emit('card', { uid: uid.uid, type, reader: this.name });
    return uid;
  }

  /** Takes the card off; nothing happens when there is none. */
  remove(): void {
    if (this.present === null) return;
    const uid = this.present;
    this.present = null;
    this.events.emit('card-removed', { reader: this.name, uid });
  }

  get cardPresent(): string | null {
    return this.present;
  }

  async feedback(kind: FeedbackKind): Promise<FeedbackResult> {
    this.feedbackGiven.push(kind);
    return { done: true };
  }

  async close(): Promise<void> {
    this.stopInput?.();
    this.stopInput = null;
    this.events.removeAll();
  }

  private command(line: string): void {
    const text = line.trim();
    if (text.length === 0) return;
    if (text === '-' || text.toLowerCase() === 'remove') this.remove();
    else this.tap(text);
  }
}
