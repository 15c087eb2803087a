import { defineConfig } from 'vitest/config';

// Vitest. The web app has its own build config: client/vite.config.ts.
export default defineConfig({
  test: {
    include: [
      'shared/**/*.test.ts',
      'cli/**/*.test.ts',
      'server/**/*.test.ts',
      'client/**/*.test.ts',
      'fixtures/**/*.test.ts',
      'bench/**/*.test.ts',
    ],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
