import type { Page } from '@playwright/test';
import { melodyWav, writeMelodies } from './support/audio-files.js';
import { expect, test } from './support/fixtures.js';
import { removeOpfsFile, serveOpfsFolderAsPicker, writeOpfsFile } from './support/opfs-folder.js';
import {
  ANALYSIS_TIMEOUT_MS,
  chooseFolder,
  summaryCounts,
  UPLOAD_TIMEOUT_MS,
  waitForStep,
} from './support/wizard.js';

const ROOT = 'Synced Pack';
const DURATION_S = 4;
/** A scan every 10 s, two scans to settle a new file, then its analysis and upload. */
const SYNC_TIMEOUT_MS = 90_000;

const melody = (n: number) => melodyWav(2000 + n, DURATION_S);

/** The paths of the sounds the server's library holds (tRPC `library.list`). */
async function storedPaths(restGet: (path: string) => Promise<unknown>): Promise<string[]> {
  const input = encodeURIComponent(JSON.stringify({ limit: 500, sort: 'name' }));
  const body = (await restGet(`/trpc/library.list?input=${input}`)) as {
    result: { data: { items: { path: string }[] } };
  };
  return body.result.data.items.map((i) => i.path).sort();
}

async function jobCount(restGet: (path: string) => Promise<unknown>): Promise<number> {
  const { jobs } = (await restGet('/api/v1/audio/bulk-import/jobs')) as { jobs: unknown[] };
  return jobs.length;
}

async function importedBySync(page: Page): Promise<number> {
  return Number(await page.getByTestId('sync-indicator').getAttribute('data-imported'));
}

test('a folder kept in sync imports its new files, skips excluded ones and resumes after a reopen', async ({
  page,
  snap,
  pageErrors,
  restGet,
}, testInfo) => {
  await serveOpfsFolderAsPicker(page, ROOT);
  await page.reload();
  for (let n = 1; n <= 3; n++) await writeOpfsFile(page, `${ROOT}/Melody ${n}.wav`, melody(n));
  await writeOpfsFile(page, `${ROOT}/.smignore`, Buffer.from('Scratch/\n'));

  await test.step('pick the folder with the folder picker and keep it in sync', async () => {
    await waitForStep(page, 'choose');
    await page.getByTestId('choose-folder').click();
    await expect(page.getByTestId('chosen-summary')).toContainText('3 files');
    await expect(page.getByTestId('sync-unavailable')).toHaveCount(0);
    // Ticked, the option gives way to the indicator (so no check(): it would wait for a tick).
    await page.getByTestId('sync-toggle').click();
    await expect(page.getByTestId('sync-indicator')).toContainText(`Keeping ${ROOT} in sync`);
    await snap('sync-on');
  });

  await test.step('the first import goes through the wizard as ever', async () => {
    await page.getByTestId('start-analysis').click();
    await waitForStep(page, 'duplicates', ANALYSIS_TIMEOUT_MS);
    await page.getByTestId('start-upload').click();
    await waitForStep(page, 'summary', UPLOAD_TIMEOUT_MS);
    expect((await summaryCounts(page)).imported).toBe(3);
    await expect(page.getByTestId('sync-indicator')).toHaveAttribute('data-state', 'watching');
    expect(await storedPaths(restGet)).toHaveLength(3);
  });

  let lastScan = '';
  await test.step('new files are found and imported as one batch; excluded ones are not', async () => {
    // Nothing new yet: a scan changes the last-scan time and imports nothing.
    await expect(page.getByTestId('sync-indicator')).not.toHaveAttribute('data-last-scan', '', {
      timeout: SYNC_TIMEOUT_MS,
    });
    expect(await importedBySync(page)).toBe(0);
    const addedAt = Date.now();
    await writeOpfsFile(page, `${ROOT}/New/Melody 4.wav`, melody(4));
    await writeOpfsFile(page, `${ROOT}/New/Melody 5.wav`, melody(5));
    await writeOpfsFile(page, `${ROOT}/Scratch/Melody 6.wav`, melody(6));
    await expect(page.getByTestId('sync-indicator')).toHaveAttribute('data-imported', '2', {
      timeout: SYNC_TIMEOUT_MS,
    });
    const seconds = (Date.now() - addedAt) / 1000;
    testInfo.annotations.push({
      type: 'new files to imported (s)',
      description: seconds.toFixed(1),
    });
    await test.info().attach('sync-latency.txt', { body: `${seconds.toFixed(1)} s` });
    await expect(page.getByTestId('sync-status')).toContainText('2 new imported');
    await expect(page.getByTestId('sync-status')).toContainText(/last scan \d\d:\d\d:\d\d/);
    expect(await storedPaths(restGet)).toEqual([
      `${ROOT}/Melody 1.wav`,
      `${ROOT}/Melody 2.wav`,
      `${ROOT}/Melody 3.wav`,
      `${ROOT}/New/Melody 4.wav`,
      `${ROOT}/New/Melody 5.wav`,
    ]);
    // One job for the first import, one for the batch of both new files.
    expect(await jobCount(restGet)).toBe(2);
    lastScan = (await page.getByTestId('sync-indicator').getAttribute('data-last-scan')) ?? '';
    await snap('synced');
  });

  await test.step('a file removed from the folder is listed, and stays in the library', async () => {
    await removeOpfsFile(page, `${ROOT}/Melody 2.wav`);
    const gone = page.getByTestId('sync-gone');
    await expect(gone).toHaveAttribute('data-count', '1', { timeout: SYNC_TIMEOUT_MS });
    await gone.locator('summary').click();
    await expect(page.getByTestId('sync-gone-file')).toHaveAttribute(
      'data-path',
      `${ROOT}/Melody 2.wav`,
    );
    expect(
      Number(await page.getByTestId('sync-indicator').getAttribute('data-last-scan')),
    ).toBeGreaterThan(Number(lastScan));
    expect(await storedPaths(restGet)).toHaveLength(5);
  });

  await test.step('the library page shows the watch too, which goes on there', async () => {
    await page.getByTestId('nav-library').click();
    await expect(page.getByTestId('library-total')).toHaveAttribute('data-total', '5');
    const indicator = page.getByTestId('sync-indicator');
    await expect(indicator).toContainText(`Keeping ${ROOT} in sync`);
    await expect(indicator).toHaveAttribute('data-imported', '2');
    await page.getByTestId('nav-import').click();
    await expect(indicator).toHaveAttribute('data-state', /watching|scanning/);
  });

  await test.step('a reopened page shows the watch and resumes it with one click', async () => {
    await page.reload();
    const indicator = page.getByTestId('sync-indicator');
    await expect(indicator).toHaveAttribute('data-state', 'needs-permission');
    await expect(indicator).toContainText(`Keeping ${ROOT} in sync`);
    await expect(indicator).toHaveAttribute('data-imported', '2');
    await snap('reopened');
    await writeOpfsFile(page, `${ROOT}/Melody 7.wav`, melody(7));
    await page.getByTestId('sync-resume').click();
    await expect(indicator).toHaveAttribute('data-imported', '3', { timeout: SYNC_TIMEOUT_MS });
    expect(await storedPaths(restGet)).toContain(`${ROOT}/Melody 7.wav`);
    expect(await jobCount(restGet)).toBe(3);
  });

  await test.step('stop ends the watch; the library keeps its sounds', async () => {
    await page.getByTestId('sync-stop').click();
    await expect(page.getByTestId('sync-indicator')).toHaveCount(0);
    await page.reload();
    await waitForStep(page, 'summary');
    await expect(page.getByTestId('sync-indicator')).toHaveCount(0);
    expect(await storedPaths(restGet)).toHaveLength(6);
  });

  expect(pageErrors).toEqual([]);
});

test('a folder given through the file input cannot be kept in sync, and says why', async ({
  page,
  workDir,
}) => {
  const folder = `${workDir}/${ROOT}`;
  await writeMelodies(folder, 2, 2);
  await waitForStep(page, 'choose');
  await chooseFolder(page, folder);
  await expect(page.getByTestId('chosen-summary')).toContainText('2 files');
  await expect(page.getByTestId('sync-toggle')).toBeDisabled();
  await expect(page.getByTestId('sync-unavailable')).toContainText('Only a folder chosen with');
});
