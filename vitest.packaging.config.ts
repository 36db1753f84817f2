import { defineConfig } from 'vitest/config';

// Slow tests of what users install: the npm tarball (installed into a temp prefix, which builds
// better-sqlite3 from source) and the single-file binary. Each takes over a minute on a 2-core machine,
// so they stay out of `npm test` and run from .ci/run (`npm run test:packaging`).
export default defineConfig({
  test: {
    include: ['test/packaging/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    fileParallelism: false,
  },
});
