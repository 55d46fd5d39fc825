/**
 * How many times the crash suites kill a process. `npm test` takes a few kills that
 * still reach every distinct crash point; `npm run test:kills` (FEDOW_FULL_KILLS=1)
 * takes the long count, which finds the rare interleavings at about a second a kill.
 */
export function killCount(counts: { quick: number; full: number }): number {
  return process.env.FEDOW_FULL_KILLS === '1' ? counts.full : counts.quick;
}
