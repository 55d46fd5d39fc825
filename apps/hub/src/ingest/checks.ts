import type { Verdict } from '../crypto/pool';

/**
 * The verdicts of one push as its check jobs finish. The pool checks a push in
 * jobs, round robin between tills: waiting for every job of a till's queued
 * pushes left the ingest idle until nearly every till's checks were done, then
 * the workers idle while it applied them. The ingest applies what is checked,
 * from the start of the push, as soon as it is.
 */
export class PushChecks {
  private readonly verdicts: (Verdict | undefined)[];
  private checked = 0;
  private failure: { error: unknown } | null = null;
  private waiters: { count: number; resolve: () => void; reject: (error: unknown) => void }[] = [];

  constructor(readonly size: number) {
    this.verdicts = new Array<Verdict | undefined>(size);
  }

  /** Verdicts of the entries from `start` on. */
  add(start: number, verdicts: readonly Verdict[]): void {
    for (const [index, verdict] of verdicts.entries()) this.verdicts[start + index] = verdict;
    while (this.checked < this.size && this.verdicts[this.checked] !== undefined) this.checked++;
    this.wake();
  }

  fail(error: unknown): void {
    this.failure ??= { error };
    this.wake();
  }

  /** Entries from the start of the push whose verdict is known. */
  get ready(): number {
    return this.checked;
  }

  /** The verdicts of entries [from, to), all of them known. */
  slice(from: number, to: number): Verdict[] {
    if (to > this.checked) throw new Error(`push checks: entries up to ${to} asked, ${this.checked} checked`);
    return this.verdicts.slice(from, to) as Verdict[];
  }

  /** Resolves once the first `count` entries are checked; rejects if a check job failed. */
  until(count: number): Promise<void> {
    const wanted = Math.min(count, this.size);
    if (this.checked >= wanted) return Promise.resolve();
    if (this.failure) return Promise.reject(this.failure.error);
    return new Promise((resolve, reject) => this.waiters.push({ count: wanted, resolve, reject }));
  }

  private wake(): void {
    const waiting = this.waiters;
    this.waiters = [];
    for (const waiter of waiting) {
      if (this.checked >= waiter.count) waiter.resolve();
      else if (this.failure) waiter.reject(this.failure.error);
      else this.waiters.push(waiter);
    }
  }
}
