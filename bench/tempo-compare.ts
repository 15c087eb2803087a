/**
 * `npm run bench:tempo`: our tempo estimator beside essentia.js's PercivalBpmEstimator (at the
 * analysis rate) and RhythmExtractor2013 'degara' (which needs 44.1 kHz) on the labelled loops
 * and tracks: share within ±1.5 BPM and CPU ms per minute of audio, in the same run.
 */
import { dirname, resolve } from 'node:path';
import { ANALYSIS_SAMPLE_RATE } from '../shared/analysis/index.js';
import { estimateTempo } from '../shared/analysis/tempo/index.js';
import { loadEssentia } from '../shared/node/essentia.js';
import { ffmpegMono } from './ffmpeg-reference.js';
import { readLabels } from './labels.js';

interface EssentiaRhythm {
  arrayToVector(samples: Float32Array): { delete(): void };
  PercivalBpmEstimator(...args: unknown[]): { bpm: number };
  RhythmExtractor2013(...args: unknown[]): { bpm: number };
}

const labelsPath = resolve(process.argv[2] ?? 'fixtures/labels.json');
const timed = (await readLabels(labelsPath)).filter(
  (l) => l.bpm !== null && l.expect_status === 'ok' && (l.kind === 'loop' || l.kind === 'track'),
);
const essentia = loadEssentia() as unknown as EssentiaRhythm;

interface Estimator {
  name: string;
  rate: number;
  run(samples: Float32Array): number | null;
}

function withVector(samples: Float32Array, use: (vector: unknown) => number): number | null {
  const vector = essentia.arrayToVector(samples);
  try {
    return use(vector);
  } catch {
    return null;
  } finally {
    vector.delete();
  }
}

const estimators: Estimator[] = [
  {
    name: 'ours (onset envelope, loop length)',
    rate: ANALYSIS_SAMPLE_RATE,
    run: (x) => estimateTempo(x, ANALYSIS_SAMPLE_RATE).bpm,
  },
  {
    name: 'essentia PercivalBpmEstimator',
    rate: ANALYSIS_SAMPLE_RATE,
    run: (x) =>
      withVector(
        x,
        (v) =>
          essentia.PercivalBpmEstimator(v, 1024, 2048, 128, 128, 210, 50, ANALYSIS_SAMPLE_RATE).bpm,
      ),
  },
  {
    name: "essentia RhythmExtractor2013 'degara'",
    rate: 44100,
    run: (x) => withVector(x, (v) => essentia.RhythmExtractor2013(v, 208, 'degara', 40).bpm),
  },
];

console.log(
  `Tempo on ${timed.length} labelled loops and tracks (first minute of each), hit = within ±1.5 BPM`,
);
for (const estimator of estimators) {
  let hits = 0;
  let octave = 0;
  let ms = 0;
  let minutes = 0;
  for (const label of timed) {
    const samples = ffmpegMono(resolve(dirname(labelsPath), label.path), estimator.rate, 60);
    const started = performance.now();
    const bpm = estimator.run(samples);
    ms += performance.now() - started;
    minutes += samples.length / estimator.rate / 60;
    const truth = label.bpm!;
    if (bpm !== null && Math.abs(bpm - truth) <= 1.5) hits++;
    else if (bpm !== null && [2, 0.5, 1.5, 2 / 3].some((k) => Math.abs(bpm - truth * k) <= 1.5))
      octave++;
  }
  console.log(
    `  ${estimator.name.padEnd(38)} ${hits}/${timed.length} (${((100 * hits) / timed.length).toFixed(0)}%), ` +
      `${octave} octave or 3:2 errors, ${(ms / minutes).toFixed(0)} ms per minute of audio`,
  );
}
