import { defineConfig } from 'vitest/config';

// The end-to-end suites about SQS behaviour run twice: on SQLite (project `sqlite`, with everything else)
// and on a PostgreSQL-backed node (project `postgres`, WHARF_TEST_BACKEND=postgres, against the throwaway
// cluster that global-setup.ts starts). Process, packaging and browser suites are backend-independent or
// SQLite-specific and run once, and so do large messages (bodies out of line are PostgreSQL's TOAST, not
// Wharf code; kept out to hold npm test's time).
const POSTGRES_E2E = [
  'test/e2e/batches.test.ts',
  'test/e2e/dead-letter.test.ts',
  'test/e2e/fifo.test.ts',
  'test/e2e/long-polling.test.ts',
  'test/e2e/messages.test.ts',
  'test/e2e/move-tasks.test.ts',
  'test/e2e/permissions.test.ts',
  'test/e2e/queues.test.ts',
  'test/e2e/metrics.test.ts',
  'test/e2e/hostile-input.test.ts',
];

export default defineConfig({
  test: {
    globalSetup: ['test/helpers/global-setup.ts'],
    // Vitest's default is one worker per core minus one: a single worker on this 2-core machine. The e2e
    // files mostly wait (long polls, timers, child processes), so two files at a time use the cores better:
    // measured on a quiet machine, 278 s with the default, 196 s with two.
    maxWorkers: 2,
    testTimeout: 20_000,
    hookTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'sqlite',
          include: ['test/**/*.test.ts'],
          // The slow install test: `npm run test:packaging` (vitest.packaging.config.ts), run by .ci/run.
          exclude: ['test/packaging/**', '**/node_modules/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'postgres',
          include: POSTGRES_E2E,
          env: { WHARF_TEST_BACKEND: 'postgres' },
        },
      },
    ],
  },
});
