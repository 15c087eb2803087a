/**
 * `npm run bench:key-profiles [LABELS]`: exact-key accuracy of every essentia KeyExtractor
 * profile, with no gate, on the tonal files of a labels file (the fixtures by default), their
 * first minute decoded by ffmpeg to the canonical mono 11025 Hz, so that the choice of
 * profile in shared/analysis/key.ts stays a measurement, not an assumption.
 */
import { dirname, resolve } from 'node:path';
import { ANALYSIS_SAMPLE_RATE } from '../shared/analysis/index.js';
import { formatKey } from '../shared/music/key-names.js';
import { extractKey, keyFrameSize } from '../shared/analysis/key.js';
import { loadEssentia } from '../shared/node/essentia.js';
import { ffmpegMono } from './ffmpeg-reference.js';
import { readLabels } from './labels.js';

const PROFILES = ['temperley', 'edma', 'edmm', 'bgate', 'krumhansl', 'shaath', 'noland', 'braw'];
const labelsPath = resolve(process.argv[2] ?? 'fixtures/labels.json');
const tonal = (await readLabels(labelsPath)).filter((l) => l.key && l.expect_status === 'ok');
const essentia = loadEssentia();
const audio = tonal.map((label) =>
  ffmpegMono(resolve(dirname(labelsPath), label.path), ANALYSIS_SAMPLE_RATE, 60),
);

console.log(
  `Exact key on ${tonal.length} tonal files, KeyExtractor frame and hop ${keyFrameSize(ANALYSIS_SAMPLE_RATE)} at ${ANALYSIS_SAMPLE_RATE} Hz, no gate`,
);
for (const profile of PROFILES) {
  const misses: string[] = [];
  let hits = 0;
  const started = performance.now();
  tonal.forEach((label, i) => {
    const { key } = extractKey(audio[i]!, ANALYSIS_SAMPLE_RATE, essentia, profile);
    const name = key ? formatKey(key) : null;
    if (name === label.key) hits++;
    else misses.push(`${label.path.split('/').pop()} → ${name}`);
  });
  const ms = (performance.now() - started) / tonal.length;
  console.log(
    `  ${profile.padEnd(10)} ${hits}/${tonal.length}  ${ms.toFixed(1)} ms/file  ${misses.slice(0, 4).join('; ')}`,
  );
}
