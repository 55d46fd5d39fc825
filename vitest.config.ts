import { configDefaults, defineConfig } from 'vitest/config';

const INCLUDE = ['packages/*/test/**/*.test.ts', 'apps/*/test/**/*.test.ts', 'hardware/test/**/*.test.ts', 'test/**/*.test.ts'];

/**
 * Suites that assert a wall-clock bound (a till shown offline within 2 s, a normal
 * till's acks within 3 s of a flood, a pacer's pause, the system pcscd's one shared
 * slot): they run after the others, one at a time, so no other test file competes
 * with them. Everything else waits for conditions and runs on two workers.
 */
const ALONE = [
  'apps/hub/test/dashboard-browser.test.ts',
  'apps/hub/test/sync-limits.test.ts',
  'apps/hub/test/webhook-pacer.test.ts',
  // Three hubs and thirty tills timed against a 2 s takeover and a 1 s product.
  'test/e2e-multi-hub.test.ts',
  // Every suite that plugs a virtual card into the system pcscd's one vpcd slot.
  'packages/nfc/test/pcsc-reader.test.ts',
  'packages/nfc/test/pcsc-reattach.test.ts',
  'packages/nfc/test/pcsc-unavailable.test.ts',
  'hardware/test/virtual-card.test.ts',
  'apps/kiosk/test/kiosk-pcsc.test.ts',
  'test/e2e-pcsc.test.ts',
];

/**
 * Suites that need a process of their own. The others share one per worker (`isolate: false`):
 * the hub's modules are loaded once per worker instead of once per file: the whole run went from
 * 617 to 554 s on the 2-core machine (498 s with the kiosk's suites shared too).
 */
const ISOLATED = [
  // Replaces a module (vi.mock).
  'apps/hub/test/ingest-rounds.test.ts',
  // After kiosk-till.test.ts in the same process, kiosk-screens.test.ts's refund screen did not
  // arm (shuffled orders, seeds 3 and 7): its test tapped before the refund was armed, a race a
  // slower process lost; fixed in the test. Kept apart until whole shuffled runs confirm it.
  'apps/kiosk/test/**/*.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // expect.poll waits for a condition; its default bound (1 s) is a window a loaded machine misses
    // (a till shown offline after its socket closed, at a load of 40 on two workers).
    expect: { poll: { timeout: 20_000 } },
    // Two workers on the 2-core machines: about 40 % less wall time than one.
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'shared', include: INCLUDE, exclude: [...configDefaults.exclude, ...ALONE, ...ISOLATED], isolate: false, sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'isolated', include: ISOLATED, exclude: [...configDefaults.exclude, ...ALONE], sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'alone', include: ALONE, maxWorkers: 1, sequence: { groupOrder: 1 } } },
    ],
  },
});
