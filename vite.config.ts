import { defineConfig } from 'vitest/config';

// One config for the web app build (client/, once it exists) and for Vitest.
export default defineConfig({
  test: {
    include: ['shared/**/*.test.ts', 'cli/**/*.test.ts', 'server/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
