import { noteWav } from './support/audio-files.js';
import { expect, test } from './support/fixtures.js';
import { openSeededLibrary, type SeedSound } from './support/seed-library.js';
import { expectLibraryTotal, libraryPaths, libraryRow as row } from './support/wizard.js';

/** A short note of its own pitch for each sound, so that each file's bytes differ. */
const sound = (
  path: string,
  kind: SeedSound['kind'],
  key: string | null,
  bpm: number | null,
  hz: number,
): SeedSound => ({ path, kind, key, bpm, bytes: noteWav({ hz, decayS: 0.3, lengthS: 0.5 }) });

const SEED = 'Loops/Pad Am 120.wav';
const LIBRARY = [
  sound(SEED, 'loop', 'A minor', 120, 220),
  // Fit the pad: its relative at half time, a neighbour at double time, a neighbour nearby.
  sound('Loops/Keys C 60.wav', 'loop', 'C major', 60, 262),
  sound('Loops/Lead Dm 240.wav', 'loop', 'D minor', 240, 294),
  sound('Hits/Stab Em 122.wav', 'oneshot', 'E minor', 122, 330),
  // Do not: two steps round the wheel, too fast, no key.
  sound('Loops/Strings Bm 120.wav', 'loop', 'B minor', 120, 247),
  sound('Loops/Arp Am 140.wav', 'loop', 'A minor', 140, 440),
  sound('Hits/Kick 120.wav', 'oneshot', null, 120, 55),
];
const FITS = ['Hits/Stab Em 122.wav', 'Loops/Keys C 60.wav', 'Loops/Lead Dm 240.wav'];

test('"Fits with this" lists the sounds of fitting keys and tempos, and narrows with a kind', async ({
  page,
  server,
  snap,
  pageErrors,
}) => {
  await openSeededLibrary(page, server, LIBRARY);
  await expect(page.getByTestId('library-fits-chip')).toHaveCount(0);

  await test.step('from the A minor pad at 120 BPM, the sounds that fit it', async () => {
    await row(page, SEED).getByTestId('library-fits').click();
    const chip = page.getByTestId('library-fits-chip');
    await expect(chip.getByTestId('library-fits-label')).toHaveText('Fits 8A · 120 BPM');
    await expect(chip.getByTestId('library-fits-detail')).toHaveText(
      'A minor, C major, D minor or E minor; 57.6–62.4, 115.2–124.8 or 230.4–249.6 BPM',
    );
    await expectLibraryTotal(page, FITS.length);
    expect(await libraryPaths(page)).toEqual(FITS);
    await snap('fits');
  });

  await test.step('a kind filter narrows the fit', async () => {
    await page.getByTestId('library-kind').selectOption('oneshot');
    await expectLibraryTotal(page, 1);
    expect(await libraryPaths(page)).toEqual(['Hits/Stab Em 122.wav']);
    await page.getByTestId('library-kind').selectOption('loop');
    await expectLibraryTotal(page, 2);
    expect(await libraryPaths(page)).toEqual(['Loops/Keys C 60.wav', 'Loops/Lead Dm 240.wav']);
    await page.getByTestId('library-search').fill('keys');
    await expectLibraryTotal(page, 1);
    await snap('fits-loop-keys');
  });

  await test.step('clearing the chip goes back to the other filters alone', async () => {
    await page.getByTestId('library-fits-clear').click();
    await expect(page.getByTestId('library-fits-chip')).toHaveCount(0);
    await page.getByTestId('library-search').fill('');
    await expectLibraryTotal(page, 5);
    await page.getByTestId('library-kind').selectOption('');
    await expectLibraryTotal(page, LIBRARY.length);
  });

  await test.step('a sound with a tempo and no key fits on its tempo alone', async () => {
    await row(page, 'Hits/Kick 120.wav').getByTestId('library-fits').click();
    await expect(page.getByTestId('library-fits-label')).toHaveText('Fits 120 BPM');
    await expectLibraryTotal(page, 5);
    expect(await libraryPaths(page)).toEqual([SEED, ...FITS, 'Loops/Strings Bm 120.wav'].sort());
  });
  expect(pageErrors).toEqual([]);
});
