import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeMelodies } from './support/audio-files.js';
import { expect, test } from './support/fixtures.js';
import {
  libraryPaths,
  readFileRows,
  summaryCounts,
  UPLOAD_TIMEOUT_MS,
  ANALYSIS_TIMEOUT_MS,
  chooseFolder,
  waitForStep,
} from './support/wizard.js';

const ROOT = 'Pack';

test('a .smignore in the picked folder leaves files out, and the wizard says which and why', async ({
  page,
  server,
  workDir,
  snap,
  pageErrors,
}) => {
  const folder = join(workDir, ROOT);
  const kept = await writeMelodies(folder, 2, 2);
  await writeMelodies(join(folder, 'Old'), 1, 2);
  await mkdir(join(folder, 'Drafts'), { recursive: true });
  await writeFile(join(folder, 'Drafts', 'take.mp3'), randomBytes(16 * 1024));
  await writeFile(join(folder, '.smignore'), '# old takes and drafts\nOld/\n*.mp3\n');

  await test.step('the pick shows two files excluded, each with its pattern', async () => {
    await waitForStep(page, 'choose');
    await chooseFolder(page, folder);
    await expect(page.getByTestId('chosen-summary')).toContainText('2 files');
    await expect(page.getByTestId('excluded-count')).toHaveText('2 files excluded by .smignore');
    await page.getByTestId('excluded-count').click();
    const rows = page.getByTestId('excluded-file');
    await expect(rows).toHaveCount(2);
    await expect(rows.nth(0)).toHaveAttribute('data-path', `${ROOT}/Drafts/take.mp3`);
    await expect(rows.nth(0)).toContainText(`excluded by "*.mp3" (${ROOT}/.smignore line 3)`);
    await expect(rows.nth(1)).toHaveAttribute('data-path', `${ROOT}/Old/Melody 01.wav`);
    await expect(rows.nth(1)).toContainText(`excluded by "Old/" (${ROOT}/.smignore line 2)`);
    await snap('excluded');
  });

  await test.step('only the other files are analysed and imported', async () => {
    await page.getByTestId('start-analysis').click();
    await waitForStep(page, 'duplicates', ANALYSIS_TIMEOUT_MS);
    const rows = await readFileRows(page);
    expect(rows.map((r) => r.path).sort()).toEqual(kept.map((n) => `${ROOT}/${n}`));
    await page.getByTestId('start-upload').click();
    await waitForStep(page, 'summary', UPLOAD_TIMEOUT_MS);
    expect(await summaryCounts(page)).toEqual({
      imported: 2,
      duplicates: 0,
      skipped: 0,
      failed: 0,
    });
    await expect(page.getByTestId('excluded-count')).toHaveText('2 files excluded by .smignore');
    await snap('summary');
  });

  await test.step('the library holds the kept files only', async () => {
    await page.goto(`${server.url}/library`);
    await expect(page.getByTestId('library-row')).toHaveCount(2);
    expect(await libraryPaths(page)).toEqual(kept.map((n) => `${ROOT}/${n}`));
  });
  expect(pageErrors).toEqual([]);
});
