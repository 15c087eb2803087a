/**
 * `npm run bench:detuned -- --from LIBRARY/labels.json --out DIR [--files N] [--seed S]`:
 * writes a labelled set of music tuned away from A = 440 Hz, DIR/labels.json in the fixtures'
 * label shape, for `npm run bench:accuracy -- DIR/labels.json` (DIR/c30.json and the like hold
 * each tuning's part). It takes N loops and tracks with a key from a labelled library (originals
 * only: a rendered library, `fixtures/make-library.ts`) and writes each at 0, ±30 and ±45 cents
 * (ffmpeg: resampled for the pitch, time-stretched back to its tempo), under neutral names
 * (DIR/c30/007.wav). Less than half a semitone off, each keeps its key and tempo: a sample
 * pitched by ear, an old recording, a band tuned to 432 Hz. The 0-cent copies go through the
 * same filters, so the set gives its own baseline. Pick the library by what it was tuned on: a
 * development library's set is development, a held-out one's validation.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { mulberry32 } from '../shared/analysis/prng.js';
import { runTool } from './duplicates/processes.js';
import { readLabels, type FixtureLabel } from './labels.js';

const CENTS = [0, 30, -30, 45, -45] as const;
/** ffmpeg processes at once: one per core of the reference machine. */
const JOBS = 2;

const { values: args } = parseArgs({
  options: {
    from: { type: 'string' },
    out: { type: 'string' },
    files: { type: 'string', default: '60' },
    seed: { type: 'string', default: '5' },
  },
});
const files = Number(args.files);
if (!args.from || !args.out || !(files > 0)) {
  console.error('usage: npm run bench:detuned -- --from LIBRARY/labels.json --out DIR [--files N]');
  process.exit(2);
}
const from = resolve(args.from);
const out = resolve(args.out);

const tonal = (await readLabels(from)).filter(
  (label) => label.relation === 'original' && label.key !== null && label.kind !== 'oneshot',
);
const random = mulberry32(Number(args.seed));
const chosen = tonal
  .map((label) => ({ label, order: random() }))
  .sort((a, b) => a.order - b.order)
  .slice(0, files)
  .map(({ label }) => label);

/** `source` played `cents` higher at its own tempo, as 44.1 kHz WAV at `target`. */
async function detune(source: string, cents: number, target: string): Promise<void> {
  const ratio = 2 ** (cents / 1200);
  const filter = `aresample=44100,asetrate=${44100 * ratio},aresample=44100,atempo=${1 / ratio}`;
  await runTool('ffmpeg', ['-v', 'error', '-y', '-i', source, '-af', filter, target]);
}

const jobs = CENTS.flatMap((cents) =>
  chosen.map((label, i) => ({
    label,
    cents,
    path: join(`c${cents}`, `${String(i).padStart(3, '0')}.wav`),
  })),
);
for (const cents of CENTS) await mkdir(join(out, `c${cents}`), { recursive: true });
let next = 0;
await Promise.all(
  Array.from({ length: JOBS }, async () => {
    while (next < jobs.length) {
      const job = jobs[next++]!;
      await detune(resolve(dirname(from), job.label.path), job.cents, join(out, job.path));
    }
  }),
);

const labels: FixtureLabel[] = jobs.map(({ label, cents, path }) => ({
  path,
  kind: label.kind,
  bpm: label.bpm,
  key: label.key,
  group: path,
  relation: 'original',
  variant_of: null,
  transform: `pitch ${cents} cents`,
  hint_bpm: null,
  hint_key: null,
  expect_status: 'ok',
  format: 'wav',
  ...(label.drums === undefined ? {} : { drums: label.drums }),
}));
const write = (name: string, part: FixtureLabel[]) =>
  writeFile(join(out, name), `${JSON.stringify({ files: part }, null, 2)}\n`);
await write('labels.json', labels);
for (const cents of CENTS) {
  await write(
    `c${cents}.json`,
    labels.filter((label) => label.path.startsWith(`c${cents}/`)),
  );
}
console.log(
  `${labels.length} files (${chosen.length} loops and tracks at ${CENTS.join(', ')} cents) in ${out}`,
);
