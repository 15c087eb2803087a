import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Request, Response } from '@playwright/test';
import { writeMelodies } from './support/audio-files.js';
import { expect, test } from './support/fixtures.js';
import {
  analyseFolder,
  chooseFolder,
  expectLibraryTotal,
  isTusRequest,
  libraryPaths,
  readFileRows,
  summaryCounts,
  throttleUploads,
  uploadCounter,
  UPLOAD_TIMEOUT_MS,
  waitForStep,
} from './support/wizard.js';

const ROOT = 'Session Bounces';
const FILES = 8;
const DURATION_S = 30;
const UPLOAD_BYTES_PER_S = 3 * 1024 * 1024;

/** The entry id a tus creation POST carries in its Upload-Metadata (`entry_id BASE64`). */
function entryIdOf(request: Request): string {
  const metadata = request.headers()['upload-metadata'] ?? '';
  const encoded = /(?:^|,)\s*entry_id ([^,\s]+)/.exec(metadata)?.[1];
  return encoded ? Buffer.from(encoded, 'base64').toString('utf8') : `(none: ${metadata})`;
}

/**
 * What the page said to the tus endpoint, by entry: its creation POSTs (with the page lifetime
 * they came from) and when the server answered that the entry was stored.
 */
class TusLog {
  lifetime = 1;
  readonly creations: { entryId: string; lifetime: number; at: number }[] = [];
  readonly doneAt = new Map<string, number>();
  private readonly entryOfUpload = new Map<string, string>();

  onRequest = (request: Request) => {
    if (request.method() === 'POST' && new URL(request.url()).pathname === '/api/v1/uploads')
      this.creations.push({
        entryId: entryIdOf(request),
        lifetime: this.lifetime,
        at: Date.now(),
      });
  };

  onResponse = async (response: Response) => {
    const request = response.request();
    if (!isTusRequest(request.url())) return;
    const headers = await response.allHeaders();
    if (request.method() === 'POST' && headers.location) {
      const upload = new URL(headers.location, request.url()).pathname;
      this.entryOfUpload.set(upload, entryIdOf(request));
    }
    const state = headers['x-entry-state'];
    const entryId = this.entryOfUpload.get(new URL(request.url()).pathname);
    if (entryId && (state === 'done' || state === 'duplicate') && !this.doneAt.has(entryId))
      this.doneAt.set(entryId, Date.now());
  };

  /** The log, times relative to the reload. */
  describe(reloadAt: number): string {
    const creations = this.creations.map((c) => ({ ...c, at: c.at - reloadAt }));
    const done = Object.fromEntries([...this.doneAt].map(([id, at]) => [id, at - reloadAt]));
    return JSON.stringify({ creations, done }, null, 1);
  }
}

test('a reload mid-upload resumes after the folder is given again, uploading nothing twice', async ({
  page,
  workDir,
  snap,
  pageErrors,
  restGet,
}, testInfo) => {
  const folder = join(workDir, ROOT);
  const names = await writeMelodies(folder, FILES, DURATION_S);
  const paths = names.map((n) => `${ROOT}/${n}`).sort();
  const tus = new TusLog();
  page.on('request', tus.onRequest);
  page.on('response', (r) => void tus.onResponse(r));

  await test.step('analyse and start the upload', async () => {
    await analyseFolder(page, folder, FILES);
    await expect(page.getByTestId('no-duplicates')).toBeVisible();
    await throttleUploads(page, UPLOAD_BYTES_PER_S);
    await page.getByTestId('start-upload').click();
    await waitForStep(page, 'upload');
    await expect
      .poll(() => uploadCounter(page, 'upload-done'), { timeout: 60_000 })
      .toBeGreaterThan(1);
    await snap('before-reload');
  });

  let doneBefore: string[] = [];
  let reloadAt = 0;
  await test.step('reload in the middle of the upload', async () => {
    const rows = await readFileRows(page);
    doneBefore = rows.filter((r) => r.state === 'done').map((r) => r.path);
    expect(doneBefore.length).toBeLessThan(FILES);
    tus.lifetime = 2;
    reloadAt = Date.now();
    await page.reload();
    await expect(page.getByTestId('reconnect')).toBeVisible();
    await expect(page.getByTestId('steps')).toHaveAttribute('data-step', 'upload');
    await snap('reconnect');
    const after = await readFileRows(page);
    for (const path of doneBefore)
      expect(after.find((r) => r.path === path)?.state, `${path} stays imported`).toBe('done');
  });

  await test.step('give the folder again: the import finishes', async () => {
    await chooseFolder(page, folder, page.getByTestId('reconnect'));
    await expect(page.getByTestId('reconnect')).toHaveCount(0);
    await waitForStep(page, 'summary', UPLOAD_TIMEOUT_MS);
    await expect(page.getByTestId('job-status')).toHaveAttribute('data-status', 'completed');
    await snap('summary');
    expect(await summaryCounts(page)).toEqual({
      imported: FILES,
      duplicates: 0,
      skipped: 0,
      failed: 0,
    });
  });

  await test.step('no file was created twice after it was stored', async () => {
    const log = testInfo.outputPath('tus-log.json');
    await writeFile(log, tus.describe(reloadAt));
    await testInfo.attach('tus-log.json', { path: log, contentType: 'application/json' });
    const entries = new Set(tus.creations.map((c) => c.entryId));
    expect(entries.size, 'one entry per file').toBe(FILES);
    // An upload whose last answer was still in flight when the page reloaded is never seen
    // answered (the page that sent it is gone); the reopened page learns from the job that it
    // is stored, and must not send it again. The library holds every file (the next step).
    const unheard = [...entries].filter((id) => !tus.doneAt.has(id));
    for (const id of unheard) {
      const again = tus.creations.filter((c) => c.entryId === id && c.lifetime === 2);
      expect(again, `${id}, stored as the page reloaded, was not sent again`).toEqual([]);
    }
    // Created by the first page and not heard stored before the reload.
    const interrupted = [...entries].filter(
      (id) =>
        !((tus.doneAt.get(id) ?? Infinity) < reloadAt) &&
        tus.creations.some((c) => c.entryId === id && c.lifetime === 1),
    );
    expect(interrupted.length, 'uploads were in flight when the page reloaded').toBeGreaterThan(0);
    for (const entryId of entries) {
      for (const lifetime of [1, 2]) {
        const made = tus.creations.filter((c) => c.entryId === entryId && c.lifetime === lifetime);
        expect(
          made.length,
          `${entryId}: creation POSTs in page lifetime ${lifetime}`,
        ).toBeLessThanOrEqual(1);
      }
      const doneAt = tus.doneAt.get(entryId)!;
      const late = tus.creations.filter((c) => c.entryId === entryId && c.at > doneAt);
      expect(late, `${entryId}: creation POSTs after it was stored`).toEqual([]);
      if (doneAt < reloadAt) {
        const again = tus.creations.filter((c) => c.entryId === entryId && c.lifetime === 2);
        expect(again, `${entryId} was stored before the reload`).toEqual([]);
      }
    }
  });

  await test.step('the library holds each file once; the job totals match', async () => {
    await page.getByTestId('nav-library').click();
    await expectLibraryTotal(page, FILES);
    expect(await libraryPaths(page)).toEqual(paths);
    await snap('library');
    const { jobs } = (await restGet('/api/v1/audio/bulk-import/jobs')) as {
      jobs: { job_id: string }[];
    };
    expect(jobs).toHaveLength(1);
    const status = await restGet(`/api/v1/audio/bulk-import/${jobs[0]!.job_id}/status`);
    expect(status).toMatchObject({
      status: 'completed',
      totals: { queued: 0, processing: 0, completed: FILES, duplicates: 0, failed: 0, similar: 0 },
      errors: [],
    });
  });

  expect(pageErrors).toEqual([]);
});
