import { join } from 'node:path';
import { writeMelodies } from './support/audio-files.js';
import { expect, test } from './support/fixtures.js';
import {
  analyseFolder,
  isTusRequest,
  readFileRows,
  summaryCounts,
  throttleUploads,
  uploadCounter,
  UPLOAD_TIMEOUT_MS,
  waitForStep,
} from './support/wizard.js';

const ROOT = 'Paused Takes';
const FILES = 6;
const DURATION_S = 30;
const UPLOAD_BYTES_PER_S = 3 * 1024 * 1024;
const PAUSE_HOLD_MS = 3_000;

test('pause stops the uploads where they are; resume finishes them without starting over', async ({
  page,
  workDir,
  snap,
  pageErrors,
}) => {
  await writeMelodies(join(workDir, ROOT), FILES, DURATION_S);
  await analyseFolder(page, join(workDir, ROOT), FILES);
  await throttleUploads(page, UPLOAD_BYTES_PER_S);
  const creations: string[] = [];
  page.on('request', (r) => {
    if (isTusRequest(r.url()) && r.method() === 'POST') creations.push(r.url());
  });
  await page.getByTestId('start-upload').click();
  await waitForStep(page, 'upload');
  await expect
    .poll(() => uploadCounter(page, 'upload-done'), { timeout: 60_000 })
    .toBeGreaterThan(0);

  await test.step('pause', async () => {
    await page.getByTestId('pause-upload').click();
    await expect(page.getByTestId('upload-waiting')).toContainText('paused');
    await expect(page.getByTestId('resume-upload')).toBeVisible();
    await expect
      .poll(async () => (await readFileRows(page)).filter((r) => r.state === 'uploading').length)
      .toBe(0);
    const done = await uploadCounter(page, 'upload-done');
    const requests: string[] = [];
    const onRequest = (r: { url(): string }) => {
      if (isTusRequest(r.url())) requests.push(r.url());
    };
    page.on('request', onRequest);
    await page.waitForTimeout(PAUSE_HOLD_MS);
    page.off('request', onRequest);
    await snap('paused');
    expect(requests, 'no upload requests while paused').toEqual([]);
    expect(await uploadCounter(page, 'upload-done')).toBe(done);
    expect(done).toBeLessThan(FILES);
  });

  await test.step('resume', async () => {
    await page.getByTestId('resume-upload').click();
    await waitForStep(page, 'summary', UPLOAD_TIMEOUT_MS);
    await expect(page.getByTestId('job-status')).toHaveAttribute('data-status', 'completed');
    expect(await summaryCounts(page)).toEqual({
      imported: FILES,
      duplicates: 0,
      skipped: 0,
      failed: 0,
    });
    // Each file was created on the server once: the paused ones resumed from their offset.
    expect(creations).toHaveLength(FILES);
    await snap('summary');
  });

  expect(pageErrors).toEqual([]);
});
