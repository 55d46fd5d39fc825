/** Shared by the PC/SC tests: whether the stack must be there, and waiting for reader events. */
import type { CardReader, CardReaderEvent, CardReaderEvents } from '../src';

/** CI (or FEDOW_PCSC=required) turns an absent PC/SC stack into a failure instead of a skip. */
export const PCSC_REQUIRED = Boolean(process.env.CI) || process.env.FEDOW_PCSC === 'required';

export function reportAbsent(what: string, reason: string): void {
  console.warn(`[${what}] PC/SC stack absent, tests skipped: ${reason}. Run scripts/ci/pcsc.sh (or set CI / FEDOW_PCSC=required to make this a failure).`);
}

/** Records every event of a reader so a test can wait for one that has already happened. */
export class EventLog {
  readonly entries: { event: CardReaderEvent; payload: unknown }[] = [];
  private waiters: (() => void)[] = [];

  constructor(reader: CardReader) {
    const events: CardReaderEvent[] = ['reader-attached', 'reader-detached', 'card', 'card-removed', 'error'];
    for (const event of events) {
      reader.on(event, (payload) => {
        this.entries.push({ event, payload });
        for (const wake of this.waiters.splice(0)) wake();
      });
    }
  }

  of<E extends CardReaderEvent>(event: E): CardReaderEvents[E][] {
    // Safe: entries are stored with the event they were emitted under.
    return this.entries.filter((entry) => entry.event === event).map((entry) => entry.payload as CardReaderEvents[E]);
  }

  /** Resolves with the first event (counting from `from`) matching, or rejects after `ms`. */
  async waitFor<E extends CardReaderEvent>(
    event: E,
    match: (payload: CardReaderEvents[E]) => boolean = () => true,
    { ms = 10_000, from = 0 }: { ms?: number; from?: number } = {},
  ): Promise<CardReaderEvents[E]> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.entries.slice(from).find((entry) => entry.event === event && match(entry.payload as CardReaderEvents[E]));
      // Safe: same as in of().
      if (found) return found.payload as CardReaderEvents[E];
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no '${event}' within ${ms} ms; saw ${JSON.stringify(this.entries)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  get length(): number {
    return this.entries.length;
  }
}
