import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'apps/*/test/**/*.test.ts', 'hardware/test/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Vitest's default is one worker per core but one: a single one on this 2-core machine. Most suites
    // wait on child processes, browsers, PostgreSQL and sockets rather than compute, so two share the cores.
    maxWorkers: 2,
  },
});
