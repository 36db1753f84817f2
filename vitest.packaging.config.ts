import { defineConfig } from 'vitest/config';

// Slow test of what users install: the npm tarball, installed into a temp prefix, which builds
// better-sqlite3 from source (minutes on a 2-core machine), so it stays out of `npm test` and runs
// from .ci/run (`npm run test:packaging`). The binary test is fast enough for npm test (test/e2e).
export default defineConfig({
  test: {
    include: ['test/packaging/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    fileParallelism: false,
  },
});
