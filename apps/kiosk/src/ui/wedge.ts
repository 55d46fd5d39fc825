/**
 * Keyboard wedges (a USB card reader, a USB QR scanner) type into the page like
 * a keyboard: a burst of characters, then Enter. The same keys are the
 * cashier's shortcuts (digits: amount, letters: buttons), so printable keys are
 * held for a moment: a burst of at least WEDGE_LINE_CHARS_MIN characters, each
 * within WEDGE_GAP_MS of the previous, ended by Enter, is a wedge line and goes
 * to the agent; anything slower or shorter is given back as the shortcuts it was.
 */

/** Scanners type a character every few ms; a person typing shortcuts is slower, and eight keys this fast then Enter are no amount. */
export const WEDGE_GAP_MS = 100;
/** A 4-byte UID is 8 hex characters (10 decimal digits as wedges pad them); the keypad takes at most 7 digits. */
export const WEDGE_LINE_CHARS_MIN = 8;

export interface WedgeTimers {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const browserTimers: WedgeTimers = {
  set: (callback, ms) => setTimeout(callback, ms),
  clear: (handle) => clearTimeout(handle as number),
};

export class WedgeKeys {
  private held: string[] = [];
  private lastAt = 0;
  private timer: unknown = null;

  constructor(
    /** A complete wedge line, without its Enter. */
    private readonly line: (text: string) => void,
    /** Keys held that were a person's after all, in order. */
    private readonly replay: (keys: string[]) => void,
    private readonly timers: WedgeTimers = browserTimers,
  ) {}

  /** True when the key was taken (held, or the Enter of a line); false: handle it as usual (after any replay). */
  key(key: string, at: number): boolean {
    if (key.length === 1) {
      if (this.held.length > 0 && at - this.lastAt > WEDGE_GAP_MS) this.flush();
      this.held.push(key);
      this.lastAt = at;
      this.timers.clear(this.timer);
      this.timer = this.timers.set(() => this.flush(), WEDGE_GAP_MS);
      return true;
    }
    if (key === 'Enter' && this.held.length >= WEDGE_LINE_CHARS_MIN && at - this.lastAt <= WEDGE_GAP_MS) {
      const text = this.held.join('');
      this.held = [];
      this.timers.clear(this.timer);
      this.line(text);
      return true;
    }
    this.flush();
    return false;
  }

  /** Gives the held keys back as a person's. */
  flush(): void {
    this.timers.clear(this.timer);
    this.timer = null;
    const keys = this.held;
    this.held = [];
    if (keys.length > 0) this.replay(keys);
  }
}
