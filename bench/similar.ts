/**
 * `npm run bench:similar`: similar sounds by timbre.
 * (a) Query time on generated libraries (10,000 and 100,000 sounds by default) in a PGlite
 *     server database: through the cell index (the server's path) and by a full scan ranked
 *     exactly, alternately in one run; median and p95, rows read, and the index's recall of
 *     the exact top 10.
 * (b) Class check on labelled audio (Hydrogen drum kits; GM notes, short and held, at three
 *     pitches, rendered with fluidsynth and, for freepats, timidity): the share of a sound's
 *     top 5 by timbre of its own class, on the development split and on the validation split
 *     (never tuned on).
 *     The generated sounds are the labelled set's vectors (the synthetic sounds of the server
 *     benchmark with --only speed) moved by Gaussian noise of --spread per dimension: variations
 *     of real sounds, as layers, takes and sample packs' near-copies are.
 * Options: --sizes 10000,100000  --queries 50  --spread 0.05  --only speed|classes
 * --set-dir DIR (renders, kept between runs; default .data/bench-similar)
 * --fit (with the class check: print the timbre metric fitted on the development split, the
 * whole of shared/analysis/timbre/timbre-metric.ts).
 */
import { parseArgs } from 'node:util';
import { createAnalysisPoolFor } from '../cli/src/analysis/worker-pool.js';
import {
  FEATURE_NAMES,
  timbreFeatures,
  timbreVectorOfFeatures,
} from '../shared/analysis/timbre/index.js';
import { wholeOption } from './options.js';
import { classCheck, TOP, type ClassCheck } from './similar/class-check.js';
import { baseVectors } from './similar/generated-library.js';
import { fitTimbreMetric, metricSource } from './similar/metric-fit.js';
import { labelledSounds, type LabelledSound, type Split } from './similar/labelled-set.js';
import { measureQuerySpeed, type QuerySpeed } from './similar/query-speed.js';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,100000' },
    queries: { type: 'string', default: '50' },
    only: { type: 'string' },
    spread: { type: 'string', default: '0.05' },
    'set-dir': { type: 'string', default: '.data/bench-similar' },
    fit: { type: 'boolean', default: false },
  },
});
const log = (line: string) => console.log(line);
const ms = (v: number) => `${v.toFixed(1)} ms`;
const pct = (v: number) => `${(100 * v).toFixed(1)} %`;

async function speed(labelled: Float32Array[]): Promise<QuerySpeed[]> {
  const sizes = values.sizes.split(',').map((s) => wholeOption('sizes', s));
  const queries = wholeOption('queries', values.queries);
  const spread = Number(values.spread);
  if (!(spread >= 0)) throw new Error('--spread must be a number ≥ 0');
  let bases = labelled;
  if (bases.length === 0) {
    log('generating base timbre vectors (300 synthetic sounds, analysed)…');
    bases = await baseVectors(300);
  }
  log(`generated sounds: ${bases.length} base vectors moved by noise of ${spread} per dimension`);
  const results: QuerySpeed[] = [];
  for (const size of sizes) {
    log(`library of ${size} generated sounds:`);
    const r = await measureQuerySpeed(bases, spread, size, queries, log);
    results.push(r);
    log(
      `  ${r.database}, ${r.queries} queries, top 10: index ${ms(r.indexMs.median)} median, ${ms(r.indexMs.p95)} p95 (${Math.round(r.rowsRead)} rows read); ` +
        `full scan ${ms(r.scanMs.median)} median, ${ms(r.scanMs.p95)} p95 (${r.scanQueries} queries); index recall of the exact top 10 ${pct(r.recallAtK)}`,
    );
  }
  return results;
}

async function analysed(sounds: LabelledSound[]) {
  const pool = await createAnalysisPoolFor(sounds.length, {});
  let done = 0;
  try {
    const out = await Promise.all(
      sounds.map(async (sound) => {
        const analysis = await pool.analyse(sound.file);
        if (++done % 100 === 0) log(`  analysed ${done} of ${sounds.length}`);
        const fp = analysis.analysis?.fingerprint;
        if (!fp) return [];
        const features = timbreFeatures(fp);
        return [{ ...sound, vector: timbreVectorOfFeatures(features), features }];
      }),
    );
    return out.flat();
  } finally {
    await pool.close();
  }
}

async function classes(): Promise<{ checks: ClassCheck[]; vectors: Float32Array[] }> {
  log('building the labelled set (Hydrogen kits; GM notes rendered with fluidsynth and timidity)…');
  const sounds = await analysed(await labelledSounds(values['set-dir'], log));
  if (values.fit) {
    // Development only: validation stays unseen by what is fitted.
    const dev = sounds.filter((s) => s.split === 'development');
    const metric = fitTimbreMetric(
      dev.map((s) => s.features),
      dev.map((s) => s.label),
    );
    log(
      `timbre metric fitted on ${dev.length} development sounds:\n${metricSource(metric, FEATURE_NAMES)}`,
    );
  }
  const checks = (['development', 'validation'] as Split[]).map((split) =>
    classCheck(
      split,
      sounds.filter((s) => s.split === split),
    ),
  );
  for (const c of checks) {
    log(
      `${c.split}: ${c.sounds} sounds; top-${TOP} of their own class ${pct(c.all.share)} (mostly own: ${pct(c.all.mostlyOwn)}); ` +
        `other instruments only ${pct(c.otherInstruments.share)} (mostly own: ${pct(c.otherInstruments.mostlyOwn)})`,
    );
    const perClass = Object.entries(c.perClass)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([label, p]) => `${label} ${pct(p.share)} (${p.sounds})`);
    log(`  per class, other instruments only: ${perClass.join(', ')}`);
    const groups = Object.entries(c.perGroup).map(
      ([group, g]) => `${group} ${pct(g.share)} (mostly own: ${pct(g.mostlyOwn)}; ${g.queries})`,
    );
    log(`  drum hits and instruments apart, other instruments only: ${groups.join(', ')}`);
  }
  return { checks, vectors: sounds.map((s) => s.vector) };
}

const only = values.only;
if (only !== undefined && only !== 'speed' && only !== 'classes') {
  throw new Error('--only must be speed or classes');
}
const report: { speed?: QuerySpeed[]; classes?: ClassCheck[] } = {};
let labelled: Float32Array[] = [];
if (only !== 'speed') {
  const { checks, vectors } = await classes();
  report.classes = checks;
  labelled = vectors;
}
if (only !== 'classes') report.speed = await speed(labelled);
console.log(JSON.stringify(report));
