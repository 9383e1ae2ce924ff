import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Each test file's temporary files live under one root that is removed after it (see the file).
    setupFiles: ['test/helpers/temp-root.ts'],
  },
});
