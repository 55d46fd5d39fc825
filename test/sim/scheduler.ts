/**
 * Virtual time and the events due at each instant. Events at the same time run
 * in the order they were scheduled; between two events the real event loop is
 * let run until the hub and the tills have nothing left to do (`settle`), so an
 * event's consequences are in place before the next one.
 */
import { createHash } from 'node:crypto';
import type { Timers } from '../../apps/hub/src/clock';

interface Event {
  at: number;
  order: number;
  what: string;
  run: () => void | Promise<void>;
}

export class Scheduler {
  now: number;
  private events: Event[] = [];
  private order = 0;
  /** Grows with every event scheduled: `settle` watches it to know when nothing moves any more. */
  version = 0;
  /** The last events, for a failure's report. */
  readonly trace: string[] = [];
  /** Every event run, in order, hashed: two runs of one seed must end on the same digest. */
  private readonly digest = createHash('sha256');

  constructor(start: number) {
    this.now = start;
  }

  at(at: number, what: string, run: () => void | Promise<void>): { cancel(): void } {
    const event: Event = { at: Math.max(at, this.now), order: this.order++, what, run };
    this.version++;
    this.events.push(event);
    return { cancel: () => void (this.events = this.events.filter((other) => other !== event)) };
  }

  /** Timers for the till's sync client, on virtual time. */
  timers(owner: string) {
    return {
      setTimeout: (callback: () => void, ms: number) => this.at(this.now + ms, `timer ${owner}`, callback),
      clearTimeout: (handle: unknown) => (handle as { cancel(): void } | null)?.cancel(),
    };
  }

  /** The hub's background timers (heartbeats, the card feed's poll, presence, the sealer), on virtual time too. */
  hubTimers(): Timers {
    return {
      after: (ms, callback) => this.at(this.now + ms, 'timer hub', callback),
      every: (ms, callback) => {
        const tick = (): void => {
          next = this.at(this.now + ms, 'timer hub', tick);
          callback();
        };
        let next = this.at(this.now + ms, 'timer hub', tick);
        return { cancel: () => next.cancel() };
      },
    };
  }

  /** The digest of the events run so far (a copy: the run goes on). */
  fingerprint(): string {
    return this.digest.copy().digest('hex');
  }

  get pending(): number {
    return this.events.length;
  }

  /** Runs the events due up to `until`, settling after each. */
  async runUntil(until: number, settle: () => Promise<void>): Promise<void> {
    for (;;) {
      let next: Event | undefined;
      for (const event of this.events) if (!next || event.at < next.at || (event.at === next.at && event.order < next.order)) next = event;
      if (!next || next.at > until) break;
      this.events.splice(this.events.indexOf(next), 1);
      this.now = next.at;
      this.trace.push(`${this.now} ${next.what}`);
      this.digest.update(`${this.now} ${next.what}\n`);
      if (this.trace.length > 60) this.trace.shift();
      await next.run();
      await settle();
    }
    this.now = Math.max(this.now, until);
  }
}
