import { join } from 'node:path';
import type { Page } from '@playwright/test';
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
    expect(creations, 'one creation POST per file').toHaveLength(FILES);
    await snap('summary');
  });

  expect(pageErrors).toEqual([]);
});

/**
 * Holds the page's tus creations in flight: each POST reaches the server (which makes the
 * upload) but its answer waits until `release()`. `held` resolves once `count` are held.
 */
async function holdCreations(page: Page, count: number) {
  const creations: string[] = [];
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let allHeld!: () => void;
  const held = new Promise<void>((resolve) => (allHeld = resolve));
  await page.route('**/api/v1/uploads', async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    creations.push(route.request().url());
    const response = await route.fetch();
    if (creations.length === count) allHeld();
    await released;
    // A request the page cut meanwhile ignores the answer: the server made an upload unnamed.
    await route.fulfill({ response }).catch(() => undefined);
  });
  return { creations, held, release };
}

test('a pause while files are being created: their answers are kept, and resume creates none again', async ({
  page,
  workDir,
  pageErrors,
}) => {
  const files = 3;
  await writeMelodies(join(workDir, ROOT), files, 10);
  await analyseFolder(page, join(workDir, ROOT), files);
  const hold = await holdCreations(page, files);
  const requests: string[] = [];
  page.on('request', (r) => {
    if (isTusRequest(r.url())) requests.push(`${r.method()} ${new URL(r.url()).pathname}`);
  });
  await page.getByTestId('start-upload').click();
  await waitForStep(page, 'upload');
  await hold.held;

  await page.getByTestId('pause-upload').click();
  await expect(page.getByTestId('upload-waiting')).toContainText('paused');
  hold.release();
  await expect
    .poll(async () => (await readFileRows(page)).filter((r) => r.state === 'uploading').length)
    .toBe(0);
  await page.waitForTimeout(PAUSE_HOLD_MS);
  expect(
    requests.filter((r) => !r.startsWith('POST')),
    'no byte sent while paused',
  ).toEqual([]);

  await page.getByTestId('resume-upload').click();
  await waitForStep(page, 'summary', UPLOAD_TIMEOUT_MS);
  expect(await summaryCounts(page)).toEqual({
    imported: files,
    duplicates: 0,
    skipped: 0,
    failed: 0,
  });
  expect(hold.creations, 'one creation POST per file').toHaveLength(files);
  expect(pageErrors).toEqual([]);
});
