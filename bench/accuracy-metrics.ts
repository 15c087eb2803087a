import { mirexKeyScore, parseKey } from '../shared/music/key-names.js';
import type { AnalysisLine } from '../shared/schemas/index.js';
import type { FixtureLabel } from './labels.js';

export interface Ratio {
  hit: number;
  total: number;
}

export interface AccuracyReport {
  status: Ratio;
  kind: Ratio;
  bpmByKind: Record<string, Ratio>;
  /** BPM within ±1.5 of loops and longer pieces by the truth's tempo band (TEMPO_BANDS). */
  bpmByBand: { band: string; ratio: Ratio }[];
  /** BPM within ±1.5 of loops whose labels say whether they have drums (generated libraries). */
  bpmLoopsByDrums: Record<'with drums' | 'without drums', Ratio>;
  /** BPM within ±1.5 of loops and longer pieces given a tempo, by the bpm_confidence given. */
  bpmByConfidence: { band: string; ratio: Ratio }[];
  bpmOctaveErrors: number;
  oneshotsWithoutBpm: Ratio;
  keyExact: Ratio;
  keyMirex: { score: number; total: number };
  /** Key given in the truth's mode with a tonic at most a semitone away (exact included). */
  keyWithinSemitone: Ratio;
  /** Exact key by the truth's mode. */
  keyByMode: Record<'major' | 'minor', Ratio>;
  /** What the wrong keys of tonal files were: none given, relative, fifth, parallel, other. */
  keyErrors: Record<KeyError, number>;
  /** Exact key among tonal files given a key, by the key_confidence they were given. */
  keyByConfidence: { band: string; ratio: Ratio }[];
  keylessWithoutKey: Ratio;
  duplicatePairs: Ratio;
  falseMerges: { pairs: number; examples: string[] };
  misses: string[];
}

const BPM_TOLERANCE = 1.5;
/** Lower ends (BPM) of the tempo bands reported: 57-89 (57 is the lowest tempo reported), 90-119, 120-149 and 150 up. */
const TEMPO_BANDS = [57, 90, 120, 150];

export type KeyError = 'no key' | 'relative' | 'fifth' | 'parallel' | 'other';

/** Lower edges of the key_confidence and bpm_confidence bands (the last runs to 1). */
const CONFIDENCE_BANDS = [0, 0.6, 0.7, 0.8, 0.9];

function confidenceBands(): { band: string; ratio: Ratio }[] {
  return CONFIDENCE_BANDS.map((low, i) => ({
    band: `${low.toFixed(1)}-${(CONFIDENCE_BANDS[i + 1] ?? 1).toFixed(1)}`,
    ratio: ratio(),
  }));
}

/** The band of `bands` (made by confidenceBands) that `confidence` falls in. */
function bandOf<T>(bands: T[], confidence: number): T {
  return bands.findLast((_, i) => confidence >= CONFIDENCE_BANDS[i]!)!;
}

/** How a wrong key relates to the truth (MIREX's classes). */
function keyErrorOf(score: number | null): KeyError {
  if (score === null) return 'no key';
  if (score === 0.5) return 'fifth';
  if (score === 0.3) return 'relative';
  if (score === 0.2) return 'parallel';
  return 'other';
}

function ratio(): Ratio {
  return { hit: 0, total: 0 };
}

function clusterOf(line: AnalysisLine, byPath: Map<string, AnalysisLine>): string {
  let current = line;
  for (let i = 0; i < 100 && current.duplicate_of; i++) {
    const next = byPath.get(current.duplicate_of);
    if (!next) return current.duplicate_of;
    current = next;
  }
  return current.path;
}

/** Scores analysis lines against labels (matched by path). Pure. */
export function scoreAccuracy(
  labelled: { label: FixtureLabel; line: AnalysisLine }[],
): AccuracyReport {
  const report: AccuracyReport = {
    status: ratio(),
    kind: ratio(),
    bpmByKind: {},
    bpmByBand: TEMPO_BANDS.map((low, i) => {
      const next = TEMPO_BANDS[i + 1];
      return { band: next === undefined ? `${low}+` : `${low}-${next - 1}`, ratio: ratio() };
    }),
    bpmLoopsByDrums: { 'with drums': ratio(), 'without drums': ratio() },
    bpmByConfidence: confidenceBands(),
    bpmOctaveErrors: 0,
    oneshotsWithoutBpm: ratio(),
    keyExact: ratio(),
    keyMirex: { score: 0, total: 0 },
    keyWithinSemitone: ratio(),
    keyByMode: { major: ratio(), minor: ratio() },
    keyErrors: { 'no key': 0, relative: 0, fifth: 0, parallel: 0, other: 0 },
    keyByConfidence: confidenceBands(),
    keylessWithoutKey: ratio(),
    duplicatePairs: ratio(),
    falseMerges: { pairs: 0, examples: [] },
    misses: [],
  };
  const miss = (label: FixtureLabel, what: string) => report.misses.push(`${label.path}: ${what}`);
  for (const { label, line } of labelled) {
    report.status.total++;
    if (line.status === label.expect_status) report.status.hit++;
    else
      miss(label, `status ${line.status} (${line.error ?? ''}), expected ${label.expect_status}`);
    if (line.status !== 'ok' || label.kind === null) continue;
    report.kind.total++;
    if (line.kind === label.kind) report.kind.hit++;
    else miss(label, `kind ${line.kind}, expected ${label.kind}`);
    if (label.kind === 'oneshot') {
      report.oneshotsWithoutBpm.total++;
      if (line.bpm === null) report.oneshotsWithoutBpm.hit++;
      else miss(label, `one-shot given ${line.bpm} BPM`);
    } else if (label.bpm !== null) {
      const r = (report.bpmByKind[label.kind] ??= ratio());
      const truth = label.bpm;
      const inBand = report.bpmByBand[TEMPO_BANDS.findLastIndex((low) => truth >= low)]?.ratio;
      const byDrums =
        label.kind === 'loop' && label.drums !== undefined
          ? report.bpmLoopsByDrums[label.drums ? 'with drums' : 'without drums']
          : undefined;
      const byConfidence =
        line.bpm !== null
          ? bandOf(report.bpmByConfidence, line.bpm_confidence ?? 0).ratio
          : undefined;
      const counted = [r, inBand, byDrums, byConfidence].filter((x): x is Ratio => x !== undefined);
      for (const c of counted) c.total++;
      if (line.bpm !== null && Math.abs(line.bpm - label.bpm) <= BPM_TOLERANCE) {
        for (const c of counted) c.hit++;
      } else {
        if (
          line.bpm !== null &&
          [2, 0.5, 1.5, 2 / 3].some((k) => Math.abs(line.bpm! - label.bpm! * k) <= BPM_TOLERANCE)
        ) {
          report.bpmOctaveErrors++;
        }
        miss(label, `bpm ${line.bpm}, expected ${label.bpm}`);
      }
    }
    const truthKey = label.key ? parseKey(label.key) : null;
    if (truthKey) {
      report.keyExact.total++;
      report.keyMirex.total++;
      const estimate = line.key ? parseKey(line.key) : null;
      const score = estimate ? mirexKeyScore(estimate, truthKey) : null;
      report.keyMirex.score += score ?? 0;
      const exact = score === 1;
      const mode = report.keyByMode[truthKey.mode];
      mode.total++;
      report.keyWithinSemitone.total++;
      if (estimate?.mode === truthKey.mode && semitonesApart(estimate.tonic, truthKey.tonic) <= 1)
        report.keyWithinSemitone.hit++;
      if (estimate) {
        const confidence = line.key_confidence ?? 0;
        const band = bandOf(report.keyByConfidence, confidence);
        band.ratio.total++;
        if (exact) band.ratio.hit++;
      }
      if (exact) {
        report.keyExact.hit++;
        mode.hit++;
      } else {
        report.keyErrors[keyErrorOf(score)]++;
        miss(label, `key ${line.key} (${line.key_confidence}), expected ${label.key}`);
      }
    } else {
      report.keylessWithoutKey.total++;
      if (line.key === null) report.keylessWithoutKey.hit++;
      else miss(label, `labelled keyless but given key ${line.key} (${line.key_confidence})`);
    }
  }

  const ok = labelled.filter(({ line }) => line.status === 'ok');
  const byPath = new Map(ok.map(({ line }) => [line.path, line]));
  const pairs = scoreDuplicatePairs(
    ok.map(({ label, line }) => ({
      path: label.path,
      group: label.group,
      cluster: clusterOf(line, byPath),
    })),
  );
  report.duplicatePairs = pairs.duplicatePairs;
  report.falseMerges = pairs.falseMerges;
  report.misses.push(...pairs.misses);
  return report;
}

/** A file, the label group it belongs to, and the cluster (same sound) an importer put it in. */
export interface ClusteredFile {
  path: string;
  group: string;
  cluster: string;
}

export interface PairScore {
  /** Pairs of one label group, and how many of them share a cluster. */
  duplicatePairs: Ratio;
  /** Pairs of different label groups that share a cluster, with up to `examples` of them. */
  falseMerges: { pairs: number; examples: string[] };
  /** "path: not recognised as the same sound as other" for each pair of a group split apart. */
  misses: string[];
}

/** Scores clusters against label groups pair by pair (all pairs of `files`). Pure. */
export function scoreDuplicatePairs(files: readonly ClusteredFile[], examples = 20): PairScore {
  const score: PairScore = {
    duplicatePairs: ratio(),
    falseMerges: { pairs: 0, examples: [] },
    misses: [],
  };
  for (let i = 0; i < files.length; i++) {
    for (let j = i + 1; j < files.length; j++) {
      const a = files[i]!;
      const b = files[j]!;
      const together = a.cluster === b.cluster;
      if (a.group === b.group) {
        score.duplicatePairs.total++;
        if (together) score.duplicatePairs.hit++;
        else score.misses.push(`${b.path}: not recognised as the same sound as ${a.path}`);
      } else if (together) {
        score.falseMerges.pairs++;
        if (score.falseMerges.examples.length < examples) {
          score.falseMerges.examples.push(`${a.path} ~ ${b.path}`);
        }
      }
    }
  }
  return score;
}

/** Distance between two pitch classes in semitones, either way round (0..6). */
function semitonesApart(a: number, b: number): number {
  const d = (((a - b) % 12) + 12) % 12;
  return Math.min(d, 12 - d);
}
