import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { scoreAccuracy, type AccuracyReport } from '../../../bench/accuracy-metrics.js';
import { readLabels, type FixtureLabel } from '../../../bench/labels.js';
import { analysisLineSchema, type AnalysisLine } from '../../../shared/schemas/index.js';

// The labelled fixtures through the built CLI, as `npm run bench:accuracy` reads them; the
// thresholds are the targets, so a regression in any analysis fails here.
const ROOT = join(import.meta.dirname, '../../..');
const FIXTURES = join(ROOT, 'fixtures');

let labelled: { label: FixtureLabel; line: AnalysisLine }[] = [];
let report: AccuracyReport;
let withoutHints: AccuracyReport;
let exitCode: number | null = null;

/** Every labelled file through `sm-import analyze --json [...extra]`: its lines and exit code. */
async function analyseFixtures(extra: string[]) {
  const labels = await readLabels(join(FIXTURES, 'labels.json'));
  const run = spawnSync(
    process.execPath,
    [join(ROOT, 'bin/sm-import.js'), 'analyze', join(FIXTURES, 'audio'), '--json', ...extra],
    {
      encoding: 'utf8',
      timeout: 300_000,
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const lines = new Map(
    run.stdout
      .trim()
      .split('\n')
      .map((text) => analysisLineSchema.parse(JSON.parse(text)))
      .map((line) => [line.path, line] as const),
  );
  const matched = labels.map((label) => {
    const line = lines.get(resolve(FIXTURES, label.path));
    if (!line) throw new Error(`no line for ${label.path}`);
    return { label, line };
  });
  return { labelled: matched, exitCode: run.status };
}

beforeAll(async () => {
  ({ labelled, exitCode } = await analyseFixtures([]));
  report = scoreAccuracy(labelled);
  withoutHints = scoreAccuracy((await analyseFixtures(['--no-hints'])).labelled);
  // Two runs of the CLI over 85 files: longer than the default hook timeout on a loaded machine.
}, 240_000);

const share = (r: { hit: number; total: number }) => r.hit / r.total;

describe('analysis of the labelled fixtures', () => {
  it('gives every file the status its label expects, and exits 1 for the broken ones', () => {
    const wrong = labelled.filter(({ label, line }) => label.expect_status !== line.status);
    expect(wrong.map(({ line }) => `${line.path}: ${line.status} ${line.error ?? ''}`)).toEqual([]);
    expect(exitCode).toBe(1);
  });

  it('names the problem of each broken file', () => {
    const reasons = Object.fromEntries(
      labelled
        .filter(({ line }) => line.status !== 'ok')
        .map(({ label, line }) => [label.path, line.error]),
    );
    expect(reasons['audio/bad/empty.wav']).toBe('empty file (0 bytes)');
    expect(reasons['audio/bad/cover.mp3']).toMatch(/not audio: PNG/);
    expect(reasons['audio/bad/truncated.flac']).toMatch(/truncated: the header declares/);
    expect(reasons['audio/bad/header_lies.wav']).toMatch(/truncated/);
  });

  it('classifies every readable file as the right kind, with no BPM on one-shots', () => {
    expect(share(report.kind)).toBe(1);
    expect(share(report.oneshotsWithoutBpm)).toBe(1);
  });

  it('reads the tempo of at least 95 % of loops and tracks within 1.5 BPM', () => {
    const all = Object.values(report.bpmByKind).reduce(
      (a, r) => ({ hit: a.hit + r.hit, total: a.total + r.total }),
      { hit: 0, total: 0 },
    );
    expect(all.total).toBeGreaterThanOrEqual(40);
    expect(share(all)).toBeGreaterThanOrEqual(0.95);
  });

  it('reads loops and tracks from the sound alone, names and tags not read (--no-hints)', () => {
    // 41 of the 50 tempo fixtures carry their tempo in the name or tags: without hints the
    // octave is the sound's own reading. Loops and the one-shot/keyless rules hold as with hints.
    const loops = withoutHints.bpmByKind.loop;
    expect(loops?.total).toBeGreaterThanOrEqual(40);
    expect(share(loops!)).toBeGreaterThanOrEqual(0.93);
    expect(share(withoutHints.oneshotsWithoutBpm)).toBe(1);
    expect(share(withoutHints.keyExact)).toBeGreaterThanOrEqual(0.9);
    expect(share(withoutHints.keylessWithoutKey)).toBeGreaterThanOrEqual(0.95);
  });

  it('reads the exact key of at least 90 % of tonal material and none for keyless material', () => {
    expect(report.keyExact.total).toBeGreaterThanOrEqual(30);
    expect(share(report.keyExact)).toBeGreaterThanOrEqual(0.9);
    expect(share(report.keylessWithoutKey)).toBeGreaterThanOrEqual(0.95);
  });

  it('recognises duplicates across formats with no false merge', () => {
    expect(report.duplicatePairs.total).toBeGreaterThanOrEqual(40);
    expect(share(report.duplicatePairs)).toBeGreaterThanOrEqual(0.95);
    expect(report.falseMerges.examples).toEqual([]);
  });

  it('measures exact durations: a 4-bar loop at 160 BPM is 6.000 s after MP3 decoding', () => {
    const piano = labelled.find(({ label }) => label.path === 'audio/loops/Pop Piano E 160.mp3');
    expect(piano?.line.duration_s).toBe(6);
    expect(piano?.line.bpm).toBe(160);
  });
});
