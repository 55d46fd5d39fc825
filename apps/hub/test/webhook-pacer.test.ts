import { describe, expect, it } from 'vitest';
import { Pacer } from '../src/notify/pacer';

const never = new AbortController().signal;
const work = (ms: number) => () => new Promise<number>((resolve) => setTimeout(() => resolve(ms), ms));

describe('the deliverer’s pacer', () => {
  it('lets work run back to back while ingest is quiet', async () => {
    const pacer = new Pacer(0.1, 1_000);
    const started = performance.now();
    for (let index = 0; index < 5; index++) await pacer.run(work(10), never);
    // Five units of 10 ms with no pause between them (an upper bound would be flaky on a loaded machine).
    expect(pacer.busy()).toBe(false);
    expect(performance.now() - started).toBeGreaterThanOrEqual(50);
  });

  it('while ingest is busy, pauses after each unit so that work keeps to its share', async () => {
    const pacer = new Pacer(0.25, 10_000);
    pacer.ingested();
    const started = performance.now();
    for (let index = 0; index < 4; index++) await pacer.run(work(20), never);
    // Each 20 ms unit books 60 ms of pause (25 % share): the fourth starts after three pauses.
    expect(performance.now() - started).toBeGreaterThanOrEqual(4 * 20 + 3 * 60 - 5);
  });

  it('caps a pause, and a stop ends it at once', async () => {
    const pacer = new Pacer(0.01, 10_000, 50);
    pacer.ingested();
    await pacer.run(work(20), never);
    const capped = performance.now();
    await pacer.run(work(0), never);
    expect(performance.now() - capped).toBeGreaterThanOrEqual(45);
    const stop = new AbortController();
    const stopped = new Pacer(0.01, 10_000, 60_000);
    stopped.ingested();
    await stopped.run(work(20), never);
    setTimeout(() => stop.abort(), 20);
    const before = performance.now();
    await stopped.run(work(0), stop.signal);
    expect(performance.now() - before).toBeLessThan(10_000);
  });

  it('refuses a share outside (0, 1]', () => {
    expect(() => new Pacer(0)).toThrow();
    expect(() => new Pacer(1.5)).toThrow();
  });
});
