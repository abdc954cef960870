import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    // The differential suite starts one real redis-server per scenario file.
    pool: 'forks',
  },
});
