import { defineConfig } from 'vitest/config';

// Two projects: unit tests need nothing but Node; integration tests need a real Docker engine
// (see test/support/engine.ts for how a missing engine skips or, with REQUIRE_DOCKER=1, fails).
export default defineConfig({
  test: {
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          // Files share one engine; run them one after another to keep timings sane on 2 cores.
          fileParallelism: false,
          globalSetup: ['./test/support/integration-teardown.ts'],
        },
      },
    ],
  },
});
