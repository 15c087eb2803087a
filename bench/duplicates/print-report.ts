import {
  COPY_DURATION_MS,
  DETAIL_SUSTAINED_DB_MAX,
  TAIL_MS,
} from '../../shared/analysis/fingerprint/compare.js';
import { percentile } from '../percentile.js';
import type { DuplicateReport } from './evaluate-set.js';
import {
  RECALL_TARGET,
  shareOf,
  type PairError,
  type SplitScore,
  type Tally,
} from './score-pairs.js';

const pct = (t: Tally) =>
  `${t.hit}/${t.total} (${t.total === 0 ? 'n/a' : `${(100 * shareOf(t)).toFixed(2)} %`})`;
const num = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(3));

/** One line per error: the pair, its kind, the verdict and every measure of the comparison. */
function formatError(e: PairError): string {
  const measures = e.measures
    ? Object.entries(e.measures)
        .filter(([, v]) => typeof v === 'number')
        .map(([k, v]) => `${k} ${num(v as number)}`)
        .join(', ')
    : (e.reason ?? 'no fingerprint');
  const correlation = e.correlation === undefined ? '' : ` corr ${e.correlation}`;
  return `  [${e.label} ${e.kind}] ${e.verdict ?? 'unanalysed'}${correlation}: ${e.a}  <>  ${e.b}\n      ${e.detail}\n      ${measures}`;
}

function splitLines(s: SplitScore, listErrors: boolean): string[] {
  const lines = [`== ${s.split}: pairs`];
  lines.push(
    `pair recall (verdict same on copies)   ${pct(s.recall)}   target ≥ ${100 * RECALL_TARGET} %`,
  );
  const variants = Object.entries(s.recallByVariant).sort(([a], [b]) => (a < b ? -1 : 1));
  for (const [variant, t] of variants) {
    lines.push(`  ${variant.padEnd(34)} ${pct(t)}${t.hit < t.total ? '   <--' : ''}`);
  }
  const margins: [string, number[], string, number][] = [
    [
      "short copies' sustained envelope difference",
      s.copyMargins.sustainedDb,
      'dB',
      DETAIL_SUSTAINED_DB_MAX,
    ],
    ["copies' duration excess", s.copyMargins.durationExcessMs, 'ms', COPY_DURATION_MS],
    ["copies' tail excess", s.copyMargins.tailExcessMs, 'ms', TAIL_MS],
    ["copies' high-band difference", s.copyMargins.highBandsShare, 'of its limit', 1],
  ];
  for (const [name, values, unit, limit] of margins) {
    if (values.length === 0) continue;
    lines.push(
      `  ${name}: ${values.length} pairs, p99 ${percentile(values, 99).toFixed(2)} ${unit}, ` +
        `max ${values.at(-1)!.toFixed(2)} ${unit}   edit above ${limit} ${unit}`,
    );
  }
  lines.push(`false merges (verdict same on the rest) ${pct(s.falseMerges)}   target 0`);
  lines.push(
    `  ${'kind'.padEnd(20)} ${'pairs'.padStart(6)} ${'same'.padStart(6)} ${'similar'.padStart(8)} ${'distinct'.padStart(9)}`,
  );
  for (const [kind, v] of Object.entries(s.verdictsByKind).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const share = (n: number) => `${n} ${v.total ? Math.round((100 * n) / v.total) : 0}%`;
    lines.push(
      `  ${kind.padEnd(20)} ${String(v.total).padStart(6)} ${String(v.same).padStart(6)} ${share(v.similar).padStart(8)} ${share(v.distinct).padStart(9)}`,
    );
  }
  lines.push(
    `errors: ${s.errors.length}${s.errors.length > 0 && !listErrors ? ' (--list-errors lists them)' : ''}`,
  );
  if (listErrors) lines.push(...s.errors.map(formatError));
  return lines;
}

/** The report as text: per split, recall by variant, verdicts by kind, errors, run level, PASS/FAIL. */
export function formatReport(report: DuplicateReport, listErrors: boolean): string {
  const lines = [
    `Duplicate decisions on ${report.set} (${report.files} files, analysis code ${report.code})`,
  ];
  if (report.unanalysed.length > 0) {
    lines.push(`${report.unanalysed.length} files without a fingerprint:`);
    lines.push(...report.unanalysed.slice(0, 20).map((u) => `  ${u.path}: ${u.reason}`));
  }
  const { withDetail, withoutDetail } = report.sizes;
  lines.push(
    `fingerprint JSON: ${withDetail.count} with a detail excerpt, median ${withDetail.median} ` +
      `max ${withDetail.max} characters; ${withoutDetail.count} without, median ` +
      `${withoutDetail.median} max ${withoutDetail.max}`,
  );
  for (const split of report.pairs) lines.push('', ...splitLines(split, listErrors));
  if (report.run) {
    lines.push(
      '',
      `== run level (${report.run.how === 'cli' ? 'sm-import analyze --json' : 'simulated from the analyses'})`,
    );
    for (const r of report.run.scores) {
      lines.push(
        `${r.split}: ${r.files} files, ${r.copies} with an earlier copy: ${r.missed.length} copies missed, ${r.wrongMerges.length} wrong merges`,
      );
      const classes = Object.entries(r.wrongMergesByClass).sort(([, x], [, y]) => y - x);
      if (classes.length > 0) {
        lines.push(
          `  wrong merges by what they joined: ${classes.map(([c, n]) => `${c} ${n}`).join(', ')}`,
        );
      }
      if (listErrors) {
        lines.push(
          ...r.wrongMerges.map((m) => `  wrong merge: ${m}`),
          ...r.missed.map((m) => `  missed: ${m}`),
        );
      }
    }
  }
  const verdicts = report.pairs.map(
    (s) =>
      `${s.split} recall ${(100 * shareOf(s.recall)).toFixed(2)} %, false merges ${s.falseMerges.hit}`,
  );
  lines.push(
    '',
    `${report.pass ? 'PASS' : 'FAIL'} (recall ≥ ${100 * RECALL_TARGET} %, no false merge): ${verdicts.join('; ')}`,
  );
  return lines.join('\n');
}
