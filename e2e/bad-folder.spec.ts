import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { melodyWav } from './support/audio-files.js';
import { expect, test } from './support/fixtures.js';
import { analyseFolder, readFileRows, summaryCounts, waitForStep } from './support/wizard.js';

const ROOT = 'Bad Folder';
const NESTED = 'Ünïcødé フォルダ';

/** Writes a folder of files that are none of them usable audio; returns their app paths. */
async function writeBadFolder(parent: string): Promise<{ folder: string; paths: string[] }> {
  const folder = join(parent, ROOT);
  await mkdir(join(folder, NESTED), { recursive: true });
  const wav = melodyWav(7, 2);
  const files: [string, Buffer | string][] = [
    ['empty.wav', Buffer.alloc(0)],
    ['notes.wav', 'These are my notes about the session.\nBPM 120, key of A minor.\n'],
    ['noise.mp3', randomBytes(48 * 1024)],
    // The header says 2 s of audio; a tenth of it is there.
    ['truncated.wav', wav.subarray(0, Math.floor(wav.length / 10))],
    ['readme.txt', 'Not audio.\n'],
    [`${NESTED}/空っぽ.wav`, Buffer.alloc(0)],
    [`${NESTED}/ノイズ.aiff`, randomBytes(16 * 1024)],
  ];
  for (const [name, body] of files) await writeFile(join(folder, name), body);
  return { folder, paths: files.map(([name]) => `${ROOT}/${name}`) };
}

test('a folder of bad files ends with every file skipped or failed, with a reason', async ({
  page,
  workDir,
  snap,
  pageErrors,
}) => {
  const { folder, paths } = await writeBadFolder(workDir);

  await test.step('analyse', async () => {
    await analyseFolder(page, folder, paths.length);
    await expect(page.getByTestId('progress-done')).toHaveText(String(paths.length));
    await snap('analysed');
  });

  const rows = await readFileRows(page);
  await test.step('every file is skipped or failed', async () => {
    expect(rows.map((r) => r.path).sort()).toEqual([...paths].sort());
    for (const row of rows) expect(['skipped', 'failed'], row.path).toContain(row.state);
    await expect(page.getByTestId('no-duplicates')).toBeVisible();
  });

  await test.step('each file says why, in words', async () => {
    for (const row of rows) {
      await page.getByTestId('file-filter').fill(row.path);
      await page.locator(`[data-testid="file-row"][data-path="${row.path}"]`).click();
      const detail = page.getByTestId('file-detail');
      await expect(detail).toHaveAttribute('data-path', row.path);
      const reason = (await detail.getByTestId('file-reason').textContent())?.trim() ?? '';
      expect(reason.length, `${row.path}: "${reason}"`).toBeGreaterThan(8);
      expect(reason, row.path).not.toMatch(/undefined|null|\[object |NaN|^\w*Error\b|\n\s+at /);
      await snap(`reason-${row.path.split('/').pop()!.replace(/\W/g, '_')}`);
    }
    await page.getByTestId('file-filter').fill('');
  });

  await test.step('the flow goes on to the summary', async () => {
    await expect(page.getByTestId('start-upload')).toContainText('Upload 0 new sounds');
    await page.getByTestId('start-upload').click();
    await waitForStep(page, 'summary');
    await snap('summary');
    const skipped = rows.filter((r) => r.state === 'skipped').length;
    const failed = rows.filter((r) => r.state === 'failed').length;
    expect(await summaryCounts(page)).toEqual({ imported: 0, duplicates: 0, skipped, failed });
    await expect(page.getByTestId('failed-file')).toHaveCount(failed);
  });

  expect(pageErrors).toEqual([]);
});
