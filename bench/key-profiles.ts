/**
 * `npm run bench:key-profiles`: exact-key accuracy of every essentia KeyExtractor profile on
 * the labelled tonal fixtures, decoded by ffmpeg to the canonical mono 11025 Hz, so that the
 * choice of profile in shared/analysis/key.ts stays a measurement, not an assumption.
 */
import { execFileSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { ANALYSIS_SAMPLE_RATE } from '../shared/analysis/index.js';
import { formatKey, parseKey } from '../shared/music/key-names.js';
import { loadEssentia } from '../cli/src/analysis/essentia.js';
import { readLabels } from './labels.js';

interface EssentiaWithProfiles {
  arrayToVector(samples: Float32Array): { delete(): void };
  KeyExtractor(...args: unknown[]): { key: string; scale: string; strength: number };
}

const PROFILES = ['temperley', 'edma', 'edmm', 'bgate', 'krumhansl', 'shaath', 'noland', 'braw'];
const labelsPath = resolve(process.argv[2] ?? 'fixtures/labels.json');
const tonal = (await readLabels(labelsPath)).filter((l) => l.key && l.expect_status === 'ok');
const essentia = loadEssentia() as unknown as EssentiaWithProfiles;
const audio = tonal.map((label) => {
  const bytes = execFileSync(
    'ffmpeg',
    [
      '-v',
      'error',
      '-i',
      resolve(dirname(labelsPath), label.path),
      '-ac',
      '1',
      '-ar',
      String(ANALYSIS_SAMPLE_RATE),
      '-f',
      'f32le',
      '-',
    ],
    { maxBuffer: 1 << 30 },
  );
  const copy = new Uint8Array(bytes);
  return new Float32Array(copy.buffer, 0, copy.length / 4).subarray(0, 60 * ANALYSIS_SAMPLE_RATE);
});

console.log(
  `Exact key on ${tonal.length} tonal fixtures, KeyExtractor frame 4096 / hop 4096 at ${ANALYSIS_SAMPLE_RATE} Hz`,
);
for (const profile of PROFILES) {
  const misses: string[] = [];
  let hits = 0;
  const started = performance.now();
  tonal.forEach((label, i) => {
    const vector = essentia.arrayToVector(audio[i]!);
    try {
      const r = essentia.KeyExtractor(
        vector,
        true,
        4096,
        4096,
        12,
        3500,
        60,
        25,
        0.2,
        profile,
        ANALYSIS_SAMPLE_RATE,
        0.0001,
        440,
        'cosine',
        'hann',
      );
      const key = parseKey(`${r.key} ${r.scale}`);
      const name = key ? formatKey(key) : null;
      if (name === label.key) hits++;
      else misses.push(`${label.path.split('/').pop()} → ${name}`);
    } finally {
      vector.delete();
    }
  });
  const ms = (performance.now() - started) / tonal.length;
  console.log(
    `  ${profile.padEnd(10)} ${hits}/${tonal.length}  ${ms.toFixed(1)} ms/file  ${misses.slice(0, 4).join('; ')}`,
  );
}
