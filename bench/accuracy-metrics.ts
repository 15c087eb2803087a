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
  bpmOctaveErrors: number;
  oneshotsWithoutBpm: Ratio;
  keyExact: Ratio;
  keyMirex: { score: number; total: number };
  keylessWithoutKey: Ratio;
  duplicatePairs: Ratio;
  falseMerges: { pairs: number; examples: string[] };
  misses: string[];
}

const BPM_TOLERANCE = 1.5;

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
    bpmOctaveErrors: 0,
    oneshotsWithoutBpm: ratio(),
    keyExact: ratio(),
    keyMirex: { score: 0, total: 0 },
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
      r.total++;
      if (line.bpm !== null && Math.abs(line.bpm - label.bpm) <= BPM_TOLERANCE) r.hit++;
      else {
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
      if (estimate) report.keyMirex.score += mirexKeyScore(estimate, truthKey);
      if (line.key === label.key) report.keyExact.hit++;
      else miss(label, `key ${line.key} (${line.key_confidence}), expected ${label.key}`);
    } else {
      report.keylessWithoutKey.total++;
      if (line.key === null) report.keylessWithoutKey.hit++;
      else miss(label, `labelled keyless but given key ${line.key} (${line.key_confidence})`);
    }
  }

  const ok = labelled.filter(({ line }) => line.status === 'ok');
  const byPath = new Map(ok.map(({ line }) => [line.path, line]));
  const clusters = new Map(ok.map(({ line }) => [line.path, clusterOf(line, byPath)]));
  for (let i = 0; i < ok.length; i++) {
    for (let j = i + 1; j < ok.length; j++) {
      const a = ok[i]!;
      const b = ok[j]!;
      const together = clusters.get(a.line.path) === clusters.get(b.line.path);
      if (a.label.group === b.label.group) {
        report.duplicatePairs.total++;
        if (together) report.duplicatePairs.hit++;
        else miss(b.label, `not recognised as the same sound as ${a.label.path}`);
      } else if (together) {
        report.falseMerges.pairs++;
        if (report.falseMerges.examples.length < 20) {
          report.falseMerges.examples.push(`${a.label.path} ~ ${b.label.path}`);
        }
      }
    }
  }
  return report;
}
