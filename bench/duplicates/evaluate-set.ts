import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { z } from 'zod';
import { percentile } from '../percentile.js';
import type { Fingerprint } from '../../shared/analysis/index.js';
import { runCli, scoreRun, simulateRun, type RunScore } from './run-level.js';
import { analyseSetFiles, analysisCodeHash, type AnalysedSetFile } from './set-analysis.js';
import {
  readSetLabels,
  setLabelsSchema,
  SPLITS,
  type SetLabels,
  type Split,
} from './set-labels.js';
import { scorePairs, type SplitScore } from './score-pairs.js';

export interface EvaluateOptions {
  /** The set folder (labels.json and the audio); with a dump, only a name for the report. */
  set: string;
  split: Split | 'all';
  /** Re-score the pairs of a dump instead of analysing (only compare.ts changed). */
  fromDump?: string;
  /** Write every fingerprint and the labels here, for --from-dump. */
  dumpTo?: string;
  /**
   * How the run-level figure is made: `cli` runs the built `sm-import analyze --json` on the
   * set (a second full analysis), `simulate` feeds these analyses to the run's de-duplicator
   * in scan order, `none` skips it. From a dump: `simulate` or `none`.
   */
  runLevel: 'cli' | 'simulate' | 'none';
  progress?: (done: number, total: number) => void;
}

export interface DuplicateReport {
  set: string;
  /** Hash of the analysis code the fingerprints were computed with. */
  code: string;
  files: number;
  /** Files the importer could not analyse or fingerprint (their pairs count as errors). */
  unanalysed: { path: string; reason: string }[];
  pairs: SplitScore[];
  run: { how: 'cli' | 'simulate'; scores: RunScore[] } | null;
  /** Characters of JSON per fingerprint, for sounds with and without a detail excerpt. */
  sizes: { withDetail: SizeFigures; withoutDetail: SizeFigures };
  pass: boolean;
}

export interface SizeFigures {
  count: number;
  median: number;
  max: number;
}

function sizeFigures(sizes: number[]): SizeFigures {
  const sorted = [...sizes].sort((a, b) => a - b);
  return { count: sorted.length, median: percentile(sorted, 50), max: percentile(sorted, 100) };
}

const dumpSchema = z.object({
  code: z.string(),
  labels: setLabelsSchema,
  analysed: z.record(
    z.string(),
    z.object({
      status: z.enum(['ok', 'error', 'skipped']),
      error: z.string().nullable(),
      contentHash: z.string().nullable(),
      fingerprint: z.custom<Fingerprint>().nullable(),
    }),
  ),
});

/**
 * Evaluates the importer's same-sound decisions on a labelled set: pair recall by copy variant,
 * false merges and verdicts by negative kind, errors with their measures, per split, and the
 * run-level figure. Analyses through the CLI's worker pool unless given a dump.
 * @throws Error when the labels or the dump do not parse, or the analysis cannot start.
 */
export async function evaluateSet(options: EvaluateOptions): Promise<DuplicateReport> {
  const dir = resolve(options.set);
  let labels: SetLabels;
  let analysed: Map<string, AnalysedSetFile>;
  let code: string;
  if (options.fromDump) {
    const dump = dumpSchema.parse(JSON.parse(await readFile(options.fromDump, 'utf8')));
    labels = dump.labels;
    analysed = new Map(Object.entries(dump.analysed));
    code = `${dump.code} (dump; compare: ${await analysisCodeHash()})`;
  } else {
    labels = await readSetLabels(dir);
    analysed = await analyseSetFiles(dir, labels.files, options.progress ?? (() => undefined));
    code = await analysisCodeHash();
  }
  if (options.dumpTo) {
    const dump = { code, labels, analysed: Object.fromEntries(analysed) };
    await writeFile(options.dumpTo, JSON.stringify(dump));
  }

  const fingerprints = new Map([...analysed].map(([path, a]) => [path, a.fingerprint]));
  const unanalysed = [...analysed]
    .filter(([, a]) => !a.fingerprint)
    .map(([path, a]) => ({ path, reason: a.error ?? 'no fingerprint (silent?)' }));
  const reasons = new Map(unanalysed.map((u) => [u.path, u.reason]));
  const splits: (Split | 'all')[] = options.split === 'all' ? [...SPLITS, 'all'] : [options.split];
  const pairs = splits.map((split) => scorePairs(labels, fingerprints, split, reasons));

  const how = options.fromDump && options.runLevel === 'cli' ? 'simulate' : options.runLevel;
  const decisions =
    how === 'cli' ? await runCli(dir) : how === 'simulate' ? simulateRun(analysed) : null;
  const run =
    decisions && how !== 'none'
      ? { how, scores: splits.map((split) => scoreRun(labels, decisions, split)) }
      : null;
  const runPass = run?.scores.every((s) => s.wrongMerges.length === 0) ?? true;
  const prints = [...fingerprints.values()].filter((f) => f !== null && f !== undefined);
  const sizes = {
    withDetail: sizeFigures(prints.filter((f) => f.detail).map((f) => JSON.stringify(f).length)),
    withoutDetail: sizeFigures(
      prints.filter((f) => !f.detail).map((f) => JSON.stringify(f).length),
    ),
  };
  return {
    set: dir,
    code,
    files: labels.files.length,
    unanalysed,
    pairs,
    run,
    sizes,
    pass: pairs.every((p) => p.pass) && runPass,
  };
}
