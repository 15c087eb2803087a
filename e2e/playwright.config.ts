import { defineConfig } from '@playwright/test';

/**
 * Chromium (Debian's, never a downloaded one) against the built web app (`npm run build`) and a
 * fresh `sm-server start` per test (see support/fixtures.ts). One worker: the machine has two
 * cores and the app's analysis workers use them.
 */
export default defineConfig({
  testDir: '.',
  testMatch: '**/*.spec.ts',
  outputDir: 'test-results',
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: 'list',
  timeout: 300_000,
  expect: { timeout: 20_000 },
  use: {
    browserName: 'chromium',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
    viewport: { width: 1400, height: 1000 },
    actionTimeout: 30_000,
    navigationTimeout: 30_000,
    screenshot: 'on',
    trace: 'retain-on-failure',
    // Each test has a fresh server and browser context: the PWA's precache would only add work.
    serviceWorkers: 'block',
  },
});
