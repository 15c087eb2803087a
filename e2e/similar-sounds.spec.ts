import { encodeWav } from '../fixtures/lib/wav.js';
import { hat, kick, pad } from '../shared/analysis/fingerprint/test-signals.js';
import { fingerprintOfPcm } from '../shared/analysis/fingerprint/test-variants.js';
import { expect, test } from './support/fixtures.js';
import { openSeededLibrary, type SeedSound } from './support/seed-library.js';
import { libraryRow as row } from './support/wizard.js';

// Kicks, hats and pads of known kind, with the fingerprints sm-import would send for them: a
// kick's similar sounds list the other kicks first, each playable from the server.
const RATE = 44100;
const sound = (path: string, samples: Float32Array): SeedSound => ({
  path,
  kind: 'oneshot',
  key: null,
  bpm: null,
  bytes: encodeWav({ sr: RATE, ch: [samples] }, { bits: 16 }),
  fingerprint: fingerprintOfPcm({ samples, rate: RATE }),
});
const LIBRARY = [
  sound('Kicks/Kick low.wav', kick(RATE, { pitch: 0.8, decayS: 0.2, seed: 11 })),
  sound('Kicks/Kick mid.wav', kick(RATE, { pitch: 1, decayS: 0.14, seed: 12 })),
  sound('Kicks/Kick high.wav', kick(RATE, { pitch: 1.3, decayS: 0.1, seed: 13 })),
  sound('Hats/Hat closed.wav', hat(RATE, 3, 0.02)),
  sound('Hats/Hat open.wav', hat(RATE, 5, 0.15)),
  sound('Pads/Pad A.wav', pad(RATE, [110, 138.6, 164.8], 2.5)),
  sound('Pads/Pad D.wav', pad(RATE, [146.8, 185, 220], 3)),
];

test('"Similar" lists the sounds like one, its own kind first, each playable', async ({
  page,
  server,
  snap,
  pageErrors,
}) => {
  await openSeededLibrary(page, server, LIBRARY);
  const panel = page.getByTestId('similar-panel');
  const items = panel.getByTestId('similar-item');

  await test.step("a kick's nearest sounds are the other kicks", async () => {
    await row(page, 'Kicks/Kick mid.wav').getByTestId('library-similar').click();
    await expect(panel).toHaveAttribute('data-of', 'Kicks/Kick mid.wav');
    await expect(items).toHaveCount(LIBRARY.length - 1);
    const paths = await items.evaluateAll((els) => els.map((el) => el.getAttribute('data-path')));
    expect(paths.slice(0, 2).sort()).toEqual(['Kicks/Kick high.wav', 'Kicks/Kick low.wav']);
    expect(paths).not.toContain('Kicks/Kick mid.wav');
    await expect(items.first()).toHaveAttribute('data-reason', /^(timbre|duplicate-detection)$/);
    await snap('similar-kick');
  });

  await test.step('a neighbour plays from the server', async () => {
    await items.first().getByTestId('similar-play').click();
    const player = panel.getByTestId('similar-player');
    await expect(player).toHaveAttribute('src', /\/api\/v1\/audio\/files\/[^/]+\/content$/);
    await expect
      .poll(() => player.evaluate((a: HTMLAudioElement) => !a.paused && a.currentTime > 0))
      .toBe(true);
  });

  await test.step("a pad's nearest is the other pad; closing hides the panel", async () => {
    await row(page, 'Pads/Pad A.wav').getByTestId('library-similar').click();
    await expect(panel).toHaveAttribute('data-of', 'Pads/Pad A.wav');
    await expect(items.first()).toHaveAttribute('data-path', 'Pads/Pad D.wav');
    await page.getByTestId('similar-close').click();
    await expect(panel).toHaveCount(0);
  });

  expect(pageErrors).toEqual([]);
});
