import { join } from 'node:path';
import { writeMelodies } from './support/audio-files.js';
import { expect, test } from './support/fixtures.js';
import {
  analyseFolder,
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

const ROOT = 'Long Takes';
const FILES = 8;
/** 30 s of 16-bit mono 44.1 kHz: about 2.6 MB a file. */
const DURATION_S = 30;
const UPLOAD_BYTES_PER_S = 3 * 1024 * 1024;
const OFFLINE_HOLD_MS = 3_000;

test('going offline mid-upload pauses the uploads; back online the import finishes', async ({
  page,
  workDir,
  snap,
  pageErrors,
  restGet,
}) => {
  const names = await writeMelodies(join(workDir, ROOT), FILES, DURATION_S);
  const paths = names.map((n) => `${ROOT}/${n}`).sort();

  await test.step('analyse: distinct sounds, no duplicates', async () => {
    await analyseFolder(page, join(workDir, ROOT), FILES);
    await expect(page.getByTestId('no-duplicates')).toBeVisible();
    await expect(page.getByTestId('start-upload')).toContainText(`Upload ${FILES} new sounds`);
  });

  await test.step('start the upload', async () => {
    await throttleUploads(page, UPLOAD_BYTES_PER_S);
    await page.getByTestId('start-upload').click();
    await waitForStep(page, 'upload');
    await expect
      .poll(() => uploadCounter(page, 'upload-done'), { timeout: 60_000 })
      .toBeGreaterThan(0);
    expect(await uploadCounter(page, 'upload-done')).toBeLessThan(FILES - 1);
    await snap('uploading');
  });

  await test.step('offline: the banner shows and the uploads stop', async () => {
    await page.context().setOffline(true);
    await expect(page.getByTestId('offline-banner')).toBeVisible();
    await expect(page.getByTestId('upload-waiting')).toContainText('wait for the connection');
    await expect
      .poll(async () => (await readFileRows(page)).filter((r) => r.state === 'uploading').length)
      .toBe(0);
    const doneOffline = await uploadCounter(page, 'upload-done');
    const tusRequests: string[] = [];
    const onRequest = (r: { url(): string; method(): string }) => {
      if (isTusRequest(r.url())) tusRequests.push(`${r.method()} ${r.url()}`);
    };
    page.on('request', onRequest);
    await page.waitForTimeout(OFFLINE_HOLD_MS);
    page.off('request', onRequest);
    await snap('offline');
    expect(tusRequests, 'no upload requests while offline').toEqual([]);
    expect(await uploadCounter(page, 'upload-done')).toBe(doneOffline);
    expect(doneOffline).toBeLessThan(FILES);
    await expect(page.getByTestId('steps')).toHaveAttribute('data-step', 'upload');
  });

  await test.step('back online: the import finishes', async () => {
    await page.context().setOffline(false);
    await expect(page.getByTestId('offline-banner')).toHaveCount(0);
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

  await test.step('every file is in the library, once', async () => {
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
    });
  });

  expect(pageErrors).toEqual([]);
});
