import { describe, expect, it } from 'vitest';
import { Pacer } from '../src/notify/pacer';

const never = new AbortController().signal;
const work = (ms: number) => () => new Promise<number>((resolve) => setTimeout(() => resolve(ms), ms));
const after = (ms: number, then: () => void) => setTimeout(then, ms);

describe('the deliverer’s pacer', () => {
  it('lets work run back to back while ingest is quiet', async () => {
    const pacer = new Pacer({ shareMax: 0.1, busyWindowMs: 1_000 });
    const started = performance.now();
    for (let index = 0; index < 5; index++) await pacer.run(work(10), never);
    // Five units of 10 ms with no pause between them (an upper bound would be flaky on a loaded machine).
    expect(pacer.busy()).toBe(false);
    expect(performance.now() - started).toBeGreaterThanOrEqual(50);
  });

  it('gives the event loop a turn before each unit: a push arriving between units is heard', async () => {
    const pacer = new Pacer({ shareMax: 0.1, busyWindowMs: 1_000 });
    let units = 0;
    let heardAfter = -1;
    // A unit that settles at once, as a SQLite transaction does; the socket's turn comes after it.
    setImmediate(() => (heardAfter = units));
    for (let index = 0; index < 50; index++) await pacer.run(async () => units++, never);
    expect(heardAfter).toBeGreaterThanOrEqual(0);
    expect(heardAfter).toBeLessThanOrEqual(1);
  });

  it('while pushes keep coming, pauses after each unit so that work keeps to its share', async () => {
    const pacer = new Pacer({ shareMax: 0.25, busyWindowMs: 10_000 });
    pacer.ingestLoad(true);
    const started = performance.now();
    for (let index = 0; index < 4; index++) await pacer.run(work(20), never);
    // Each 20 ms unit books 60 ms of pause (25 % share): the fourth starts after three pauses.
    expect(performance.now() - started).toBeGreaterThanOrEqual(4 * 20 + 3 * 60 - 5);
  });

  it('starts a unit waiting for its pause once the ingest has no push left', async () => {
    // A 1 % share: the 20 ms unit books ~2 s of pause.
    const pacer = new Pacer({ shareMax: 0.01, busyWindowMs: 10_000, pauseMsMax: 60_000 });
    pacer.ingestLoad(true);
    await pacer.run(work(20), never);
    const waiting = performance.now();
    after(50, () => pacer.ingestLoad(false));
    await pacer.run(work(0), never);
    const waited = performance.now() - waiting;
    expect(waited).toBeGreaterThanOrEqual(45);
    expect(waited).toBeLessThan(1_500);
  });

  it('holds a unit to its pause when the next push comes before it starts', async () => {
    const pacer = new Pacer({ shareMax: 0.1, busyWindowMs: 10_000 });
    pacer.ingestLoad(true);
    await pacer.run(work(20), never);
    const waiting = performance.now();
    // One push answered, the next one in at once, before the unit's turn on the event loop.
    pacer.ingestLoad(false);
    const unit = pacer.run(work(0), never);
    pacer.ingestLoad(true);
    await unit;
    // The 20 ms unit booked 180 ms of pause (10 % share).
    expect(performance.now() - waiting).toBeGreaterThanOrEqual(170);
  });

  it('is busy while pushes are at the ingest and for its window after the last', () => {
    const pacer = new Pacer({ shareMax: 0.02, busyWindowMs: 1_000 });
    expect(pacer.busy(0)).toBe(false);
    pacer.ingestLoad(true, 100);
    expect(pacer.busy(60_000)).toBe(true);
    pacer.ingestLoad(false, 60_000);
    expect(pacer.busy(60_999)).toBe(true);
    expect(pacer.busy(61_000)).toBe(false);
  });

  it('caps a pause, and a stop ends it at once', async () => {
    const pacer = new Pacer({ shareMax: 0.01, busyWindowMs: 10_000, pauseMsMax: 50 });
    pacer.ingestLoad(true);
    await pacer.run(work(20), never);
    const capped = performance.now();
    await pacer.run(work(0), never);
    expect(performance.now() - capped).toBeGreaterThanOrEqual(45);
    const stop = new AbortController();
    const stopped = new Pacer({ shareMax: 0.01, busyWindowMs: 10_000, pauseMsMax: 60_000 });
    stopped.ingestLoad(true);
    await stopped.run(work(20), never);
    after(20, () => stop.abort());
    const before = performance.now();
    await stopped.run(work(0), stop.signal);
    expect(performance.now() - before).toBeLessThan(10_000);
  });

  it('tells each unit’s length, and whether tills were pushing when it started', async () => {
    const units: { ms: number; whileIngesting: boolean }[] = [];
    const pacer = new Pacer({ shareMax: 1, onUnit: (ms, whileIngesting) => units.push({ ms, whileIngesting }) });
    await pacer.run(work(10), never);
    pacer.ingestLoad(true);
    await pacer.run(work(20), never);
    expect(units.map((unit) => unit.whileIngesting)).toEqual([false, true]);
    expect(units[0]!.ms).toBeGreaterThanOrEqual(9);
    expect(units[1]!.ms).toBeGreaterThanOrEqual(19);
  });

  it('refuses a share outside (0, 1]', () => {
    expect(() => new Pacer({ shareMax: 0 })).toThrow();
    expect(() => new Pacer({ shareMax: 1.5 })).toThrow();
  });
});
