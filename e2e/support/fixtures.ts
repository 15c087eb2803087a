import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';
import { startServerProcess, type ServerProcess } from '../../testing/server-process.js';

export interface E2eFixtures {
  /** A fresh server of this test (`sm-server start`), stopped (and its data removed) after it. */
  server: ServerProcess;
  /** Extra environment of the test's server when it starts (e.g. `SM_FAILPOINT`). */
  serverEnv: Record<string, string>;
  /** Whether the test's server starts from a copy of a fresh server's data (faster; same state). */
  serverFromTemplate: boolean;
  /** Whether `page` is signed in (through the server's sign-in link) before the test starts. */
  signIn: boolean;
  /** Uncaught errors of the page (`pageerror`), collected over the whole test. */
  pageErrors: string[];
  /** Saves a screenshot of `page` named after the step as an artefact of the test. */
  snap: (name: string, target?: Page) => Promise<void>;
  /** An empty temporary folder for the test's audio, removed after the test. */
  workDir: string;
  /** GET on the server's REST API as the local user; resolves with the parsed JSON body. */
  restGet: (path: string) => Promise<unknown>;
}

export const test = base.extend<E2eFixtures>({
  signIn: [true, { option: true }],
  serverEnv: [{}, { option: true }],
  serverFromTemplate: [false, { option: true }],

  server: async ({ serverEnv, serverFromTemplate }, use, testInfo) => {
    const server = await startServerProcess({
      env: serverEnv,
      fromTemplate: serverFromTemplate,
      label: 'e2e',
    });
    try {
      await use(server);
    } finally {
      await server.close();
      await testInfo.attach('server.log', { body: server.log(), contentType: 'text/plain' });
    }
  },

  // eslint-disable-next-line no-empty-pattern
  pageErrors: async ({}, use) => {
    await use([]);
  },

  page: async ({ page, server, signIn, pageErrors }, use, testInfo) => {
    const consoleLines: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.stack ?? error.message));
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning')
        consoleLines.push(`[${message.type()}] ${message.text()}`);
    });
    if (signIn) {
      await page.goto(server.signInUrl!);
      await expect(page).not.toHaveURL(/token=/);
      await expect(page.getByTestId('user-name')).toHaveText('local');
    }
    await use(page);
    if (consoleLines.length > 0)
      await testInfo.attach('console.txt', {
        body: consoleLines.join('\n'),
        contentType: 'text/plain',
      });
    if (pageErrors.length > 0)
      await testInfo.attach('pageerrors.txt', {
        body: pageErrors.join('\n\n'),
        contentType: 'text/plain',
      });
  },

  snap: async ({ page }, use, testInfo) => {
    let n = 0;
    await use(async (name, target = page) => {
      const file = testInfo.outputPath(`${String(++n).padStart(2, '0')}-${name}.png`);
      await target.screenshot({ path: file, fullPage: true });
      await testInfo.attach(name, { path: file, contentType: 'image/png' });
    });
  },

  // eslint-disable-next-line no-empty-pattern
  workDir: async ({}, use) => {
    const dir = await mkdtemp(join(tmpdir(), 'sm-e2e-audio-'));
    try {
      await use(dir);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },

  restGet: async ({ server }, use) => {
    await use(async (path) => {
      const res = await fetch(`${server.url}${path}`, {
        headers: { authorization: `Bearer ${server.token}` },
      });
      const body: unknown = await res.json();
      if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${JSON.stringify(body)}`);
      return body;
    });
  },
});

export { expect };
