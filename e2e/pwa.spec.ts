import { placeFixtures } from './support/audio-files.js';
import { expect, test } from './support/fixtures.js';
import { chooseFolder, readFileRows, summaryCounts, waitForStep } from './support/wizard.js';

// This test is about the service worker: let it run.
test.use({ serviceWorkers: 'allow' });

const LOOPS = [
  'loops/DarkPad Am 90 BPM.wav',
  'loops/Piano Loop C 120.wav',
  'loops/Bass 174 Dm Reese.mp3',
  'loops/Bb Synth Chords 140.ogg',
];

test('installable, and it opens and analyses with no network; the upload waits for it', async ({
  page,
  server,
  workDir,
  snap,
  pageErrors,
}) => {
  await test.step('the manifest and its icons', async () => {
    const manifest = (await (
      await page.request.get(`${server.url}/manifest.webmanifest`)
    ).json()) as { name: string; start_url: string; display: string; icons: { src: string }[] };
    expect(manifest.display).toBe('standalone');
    expect(manifest.start_url).toBe('/import');
    expect(manifest.icons.length).toBeGreaterThanOrEqual(2);
    for (const icon of manifest.icons) {
      const res = await page.request.get(`${server.url}${icon.src}`);
      expect(res.status(), icon.src).toBe(200);
      expect(res.headers()['content-type']).toBe('image/png');
    }
    await expect(page.locator('link[rel=manifest]')).toHaveCount(1);
  });

  await test.step('the service worker takes the page', async () => {
    await page.goto(`${server.url}/import`);
    await page.waitForFunction(async () => {
      const registration = await navigator.serviceWorker.getRegistration();
      return registration?.active?.state === 'activated';
    });
    // A page loaded before the worker activated is not controlled; a later load is.
    await expect
      .poll(
        async () => {
          await page.reload();
          return page.evaluate(() => navigator.serviceWorker.controller !== null);
        },
        { timeout: 30_000 },
      )
      .toBe(true);
  });

  const { folder, files } = await placeFixtures(workDir, 'Offline Loops', LOOPS);

  await test.step('offline: the app opens from its cache and analyses', async () => {
    await page.context().setOffline(true);
    await page.reload();
    await expect(page.getByTestId('import-page')).toBeVisible();
    await expect(page.getByTestId('offline-banner')).toBeVisible();
    await waitForStep(page, 'choose');
    await chooseFolder(page, folder);
    await page.getByTestId('start-analysis').click();
    await expect(page.getByTestId('progress-done')).toHaveText(String(LOOPS.length), {
      timeout: 120_000,
    });
    await expect(page.getByTestId('checking-library')).toContainText('waits for the connection');
    const rows = await readFileRows(page);
    for (const { appPath, label } of files) {
      const row = rows.find((r) => r.path === appPath);
      expect(row?.state, appPath).toBe('analysed');
      expect(Math.abs((row?.bpm ?? 0) - label.bpm!), appPath).toBeLessThanOrEqual(1.5);
      expect(row?.key, appPath).toBe(label.key);
    }
    await snap('analysed-offline');
  });

  await test.step('back online: the check and the upload go on', async () => {
    await page.context().setOffline(false);
    await waitForStep(page, 'duplicates', 60_000);
    await page.getByTestId('start-upload').click();
    await waitForStep(page, 'summary', 120_000);
    expect(await summaryCounts(page)).toMatchObject({ imported: LOOPS.length, failed: 0 });
    await expect(page.getByTestId('job-status')).toHaveAttribute('data-status', 'completed');
    await snap('summary');
  });

  expect(pageErrors).toEqual([]);
});
