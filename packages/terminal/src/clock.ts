import { randomBytes } from 'node:crypto';

/** Random bytes on demand; tests pass a seeded one. */
export type RandomSource = (length: number) => Uint8Array;

/**
 * The till's only seam to time and randomness. Logic receives `now` and a
 * `RandomSource` as arguments; only the agent's outer shell holds a clock.
 */
export interface TillClock {
  now(): number;
  readonly random: RandomSource;
}

export const systemClock: TillClock = {
  now: () => Date.now(),
  random: (length) => new Uint8Array(randomBytes(length)),
};
