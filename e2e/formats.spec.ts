import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { melodyWav } from './support/audio-files.js';
import type { Locator } from '@playwright/test';
import { expect, test } from './support/fixtures.js';
import { analyseFolder, expectLibraryTotal, readFileRows, waitForStep } from './support/wizard.js';

const ROOT = 'Formats';
/** The same melody as each container; ffmpeg writes them from the WAV. */
const COPIES: [name: string, args: string[]][] = [
  ['Melody.aif', ['-c:a', 'pcm_s16be', '-f', 'aiff']],
  ['Melody.caf', ['-c:a', 'pcm_s16be', '-f', 'caf']], // an Apple Loop's container, in-process
  ['Melody ALAC.caf', ['-c:a', 'alac', '-f', 'caf']], // through ffmpeg.wasm
  ['Melody.wv', ['-c:a', 'wavpack', '-f', 'wv']], // through ffmpeg.wasm
  ['Melody.w64', ['-c:a', 'pcm_s24le', '-f', 'w64']], // through ffmpeg.wasm
];

/** Waits until the audio element `player` is heard (not paused, its time moving). */
async function expectHeard(player: Locator): Promise<void> {
  await expect
    .poll(() =>
      player.evaluate((audio: HTMLAudioElement) => !audio.paused && audio.currentTime > 0),
    )
    .toBe(true);
}

test('AIFF, CAF, WavPack and Wave64 files are analysed in the browser, found to be copies of their WAV, and play', async ({
  page,
  workDir,
  pageErrors,
}) => {
  const folder = join(workDir, ROOT);
  await mkdir(folder, { recursive: true });
  const wav = join(folder, 'Melody.wav');
  await writeFile(wav, melodyWav(11, 3));
  for (const [name, args] of COPIES)
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', wav, ...args, join(folder, name)]);

  await analyseFolder(page, folder, COPIES.length + 1);
  const rows = await readFileRows(page);
  const byName = new Map(rows.map((r) => [r.path.split('/').pop()!, r]));
  expect([...byName.keys()].sort()).toEqual(['Melody.wav', ...COPIES.map(([n]) => n)].sort());
  for (const row of rows) {
    expect(row.state, row.path).toBe('analysed');
    expect(row.durationS, row.path).toBeCloseTo(3, 1);
  }
  // Each copy is the same sound as the first file of the folder that holds it.
  const kept = rows.filter((r) => r.duplicate === '');
  expect(kept, JSON.stringify(rows)).toHaveLength(1);
  for (const row of rows.filter((r) => r.duplicate !== ''))
    expect(row.duplicateRef, row.path).toBe(kept[0]!.path);

  // Chromium plays no AIFF, CAF or WavPack: the page decodes them (WavPack through ffmpeg.wasm)
  // and plays a WAV.
  const group = page.getByTestId('duplicate-group');
  for (const name of ['Melody.aif', 'Melody.caf', 'Melody.wv']) {
    await group.getByRole('button', { name: `Play ${ROOT}/${name}`, exact: true }).click();
    await expect(
      group.getByRole('button', { name: `Stop ${ROOT}/${name}`, exact: true }),
    ).toHaveAttribute('data-state', 'playing');
    await expectHeard(page.getByTestId('group-player'));
  }

  // The kept copy is one of the lossless formats ranked first (WAV, AIFF), and plays from the
  // library (an AIFF through the page's decoding).
  await page.getByTestId('start-upload').click();
  await waitForStep(page, 'summary', 120_000);
  await page.getByTestId('nav-library').click();
  await expectLibraryTotal(page, 1);
  const row = page.getByTestId('library-row');
  await expect(row).toHaveAttribute('data-path', /Melody\.(wav|aif)$/);
  await row.getByTestId('library-play').click();
  await expectHeard(row.getByTestId('library-player'));
  expect(pageErrors).toEqual([]);
});
