/**
 * `npm run bench:accuracy [LABELS]`: analyses the labelled fixtures through the same path as
 * `sm-import analyze --json`, first with names and tags not read (`--no-hints`: the headline)
 * and then with them, and prints BPM, key, kind, one-shot and duplicate accuracy for both,
 * plus loudness against ffmpeg's ebur128 in the same run. With `--duplicates DIR`, also the
 * same-sound decisions on a set made by bench/duplicates/build-set.ts.
 */
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { analysisLineSchema, type AnalysisLine } from '../shared/schemas/index.js';
import { analyzeCommand } from '../cli/src/commands/analyze.js';
import { ffmpegAvailable } from '../shared/node/ffmpeg-available.js';
import { scoreAccuracy, type AccuracyReport, type Ratio } from './accuracy-metrics.js';
import { LineCapture } from './capture-stream.js';
import { ffmpegLoudness } from './ffmpeg-reference.js';
import { readLabels } from './labels.js';
import { evaluateSet } from './duplicates/evaluate-set.js';
import { formatReport } from './duplicates/print-report.js';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: { duplicates: { type: 'string' } },
});
const labelsPath = resolve(positionals[0] ?? 'fixtures/labels.json');
const root = dirname(labelsPath);
const labels = await readLabels(labelsPath);
/** Analyses every labelled file as `sm-import analyze --json [--no-hints]` does. */
async function analyseLabelled(hints: boolean) {
  const capture = new LineCapture();
  const started = Date.now();
  await analyzeCommand(
    { paths: labels.map((l) => resolve(root, l.path)), json: true, hints },
    capture,
    process.stderr,
  );
  const lines = new Map<string, AnalysisLine>();
  for (const text of capture.lines) {
    const line = analysisLineSchema.parse(JSON.parse(text));
    lines.set(line.path, line);
  }
  const labelled = labels.map((label) => {
    const line = lines.get(resolve(root, label.path));
    if (!line) throw new Error(`no analysis line for ${label.path}`);
    return { label, line };
  });
  return { labelled, seconds: (Date.now() - started) / 1000 };
}

const pct = (r: Ratio) =>
  `${r.hit}/${r.total} (${r.total === 0 ? 'n/a' : ((100 * r.hit) / r.total).toFixed(1) + '%'})`;

function printAccuracy(title: string, report: AccuracyReport): void {
  console.log(title);
  console.log(`  status as expected          ${pct(report.status)}`);
  console.log(`  kind                        ${pct(report.kind)}`);
  for (const [kind, r] of Object.entries(report.bpmByKind)) {
    console.log(`  BPM within ±1.5 (${kind.padEnd(5)})    ${pct(r)}`);
  }
  for (const { band, ratio } of report.bpmByBand) {
    if (ratio.total > 0) console.log(`  BPM within ±1.5, ${band.padEnd(7)} BPM ${pct(ratio)}`);
  }
  for (const [drums, ratio] of Object.entries(report.bpmLoopsByDrums)) {
    if (ratio.total > 0) console.log(`  BPM within ±1.5, loops ${drums.padEnd(13)} ${pct(ratio)}`);
  }
  for (const { band, ratio } of report.bpmByConfidence) {
    if (ratio.total > 0) console.log(`  BPM within ±1.5 at confidence ${band}  ${pct(ratio)}`);
  }
  console.log(`  BPM octave/3:2 errors       ${report.bpmOctaveErrors}`);
  console.log(`  one-shots without BPM       ${pct(report.oneshotsWithoutBpm)}`);
  console.log(`  key exact                   ${pct(report.keyExact)}`);
  console.log(`  key within ±1 semitone      ${pct(report.keyWithinSemitone)}`);
  for (const [mode, r] of Object.entries(report.keyByMode)) {
    console.log(`  key exact, ${mode.padEnd(5)} truth     ${pct(r)}`);
  }
  console.log(
    `  key errors                  ${Object.entries(report.keyErrors)
      .map(([kind, n]) => `${kind} ${n}`)
      .join(', ')}`,
  );
  for (const { band, ratio } of report.keyByConfidence) {
    if (ratio.total > 0) console.log(`  key exact at confidence ${band}  ${pct(ratio)}`);
  }
  console.log(
    `  key MIREX-weighted          ${report.keyMirex.total === 0 ? 'n/a' : ((100 * report.keyMirex.score) / report.keyMirex.total).toFixed(1) + '%'}`,
  );
  console.log(`  keyless material, no key    ${pct(report.keylessWithoutKey)}`);
  console.log(`  duplicate pairs recognised  ${pct(report.duplicatePairs)}`);
  console.log(`  false merges (pairs)        ${report.falseMerges.pairs}`);
  for (const example of report.falseMerges.examples) console.log(`    false merge: ${example}`);
}

// The headline is the sound alone; what names and tags add comes second.
const alone = await analyseLabelled(false);
const hinted = await analyseLabelled(true);
const report = scoreAccuracy(alone.labelled);
const hintedReport = scoreAccuracy(hinted.labelled);
const labelled = alone.labelled;
console.log(`Accuracy on ${labels.length} labelled files (${labelsPath})`);
printAccuracy(
  `Names and tags not read (analyze --no-hints), ${alone.seconds.toFixed(1)} s:`,
  report,
);
printAccuracy(
  `With name and tag hints (the default), ${hinted.seconds.toFixed(1)} s:`,
  hintedReport,
);

if (await ffmpegAvailable()) {
  const diffs: number[] = [];
  for (const { label, line } of labelled) {
    if (line.status !== 'ok' || line.loudness_lufs === null) continue;
    const reference = await ffmpegLoudness(resolve(root, label.path));
    if (reference !== null && line.duration_s !== null && line.duration_s >= 0.4) {
      diffs.push(Math.abs(reference - line.loudness_lufs));
    }
  }
  diffs.sort((a, b) => a - b);
  const mean = diffs.reduce((a, b) => a + b, 0) / Math.max(1, diffs.length);
  console.log(
    `  loudness vs ffmpeg ebur128  mean |Δ| ${mean.toFixed(2)} LU, max ${(diffs.at(-1) ?? 0).toFixed(2)} LU over ${diffs.length} files ≥ 0.4 s`,
  );
} else {
  console.log('  loudness vs ffmpeg ebur128  not measured: ffmpeg is not on the PATH');
}
if (report.misses.length > 0) {
  console.log(`\nMisses without hints (${report.misses.length}):`);
  for (const m of report.misses) console.log(`  ${m}`);
}
const hintedOnly = hintedReport.misses.filter((m) => !report.misses.includes(m));
if (hintedOnly.length > 0) {
  console.log(`\nMisses with hints only (${hintedOnly.length}):`);
  for (const m of hintedOnly) console.log(`  ${m}`);
}
if (args.duplicates) {
  const duplicates = await evaluateSet({
    set: args.duplicates,
    split: 'all',
    runLevel: 'simulate',
  });
  console.log(`\n${formatReport(duplicates, false)}`);
}
