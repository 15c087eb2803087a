import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { compareScanOrder, RunDeduplicator } from '../../shared/files/index.js';
import type { AnalysedSetFile } from './set-analysis.js';
import type { SetLabels, Split } from './set-labels.js';

/** One file of a run, in scan order: the earlier file it was merged with, if any. */
export interface RunDecision {
  path: string;
  duplicateOf: string | null;
}

export interface RunScore {
  split: Split | 'all';
  files: number;
  /** Files with a labelled copy earlier in the run. */
  copies: number;
  /** Of those, files left unmerged. */
  missed: string[];
  /** Files merged with an earlier file that is not a copy of theirs: `path -> duplicate_of`. */
  wrongMerges: string[];
  /**
   * Wrong merges by what they joined: `trim60 vs trim60-fade` (two made from one sound),
   * `fadeout vs its sound` (one made from the other's sound), or `two sounds`.
   */
  wrongMergesByClass: Record<string, number>;
}

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the project folder above this bench');
    dir = parent;
  }
  return dir;
}

const lineSchema = z.object({ path: z.string(), duplicate_of: z.string().nullable() });

/**
 * Runs the built CLI, `node bin/sm-import.js analyze --json DIR`, and returns its decisions
 * in its scan order, paths relative to DIR.
 * @throws Error when the CLI cannot run or exits with an unexpected code.
 */
export async function runCli(dir: string): Promise<RunDecision[]> {
  const child = spawn(
    process.execPath,
    [join(repoRoot(), 'bin/sm-import.js'), 'analyze', '--json', dir],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let text = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  const code = await new Promise<number | null>((done) => child.on('close', done));
  if (code !== 0 && code !== 1) throw new Error(`sm-import analyze exited with code ${code}`);
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => lineSchema.parse(JSON.parse(line)))
    .map((line) => ({
      path: relative(dir, line.path),
      duplicateOf:
        line.duplicate_of === null ? null : relative(dir, resolve(dir, line.duplicate_of)),
    }));
}

/**
 * What a run over the set would decide, from analysis results alone: the files in the CLI's
 * scan order through the run's own de-duplicator (no new analysis; for quick iteration).
 */
export function simulateRun(analysed: ReadonlyMap<string, AnalysedSetFile>): RunDecision[] {
  const dedupe = new RunDeduplicator();
  return [...analysed.keys()].sort(compareScanOrder).map((path) => {
    const file = analysed.get(path)!;
    if (file.status !== 'ok' || !file.contentHash) return { path, duplicateOf: null };
    const match = dedupe.checkSound(path, file.contentHash, file.fingerprint);
    return { path, duplicateOf: match.duplicate?.duplicateOf ?? null };
  });
}

/**
 * Which files may be merged: a key per file, equal for copies of one sound and for files the
 * label guard found to be one recording (and for the same edit of two of those).
 */
function recordingKeys(labels: SetLabels): Map<string, string> {
  const files = new Map(labels.files.map((f) => [f.path, f]));
  const parent = new Map<string, string>();
  const root = (group: string): string => {
    let g = group;
    while (parent.has(g)) g = parent.get(g)!;
    return g;
  };
  for (const pair of labels.dropped) {
    const [a, b] = [files.get(pair.a), files.get(pair.b)].map((f) => (f ? root(f.group) : null));
    if (a && b && a !== b) parent.set(b, a);
  }
  const keys = new Map<string, string>();
  const keyOf = (path: string): string => {
    const known = keys.get(path);
    if (known) return known;
    const file = files.get(path)!;
    // A copy is its source's sound (a copy of an edit, the edit's); an edit is a sound of its own.
    const key = !file.from
      ? root(file.group)
      : file.role === 'copy'
        ? keyOf(file.from)
        : file.role === 'negative'
          ? `${keyOf(file.from)}#${file.variant}`
          : root(file.group);
    keys.set(path, key);
    return key;
  };
  for (const path of files.keys()) keyOf(path);
  return keys;
}

/**
 * Scores a run's decisions against the labels: copies missed (a file with a copy earlier in
 * the run, left unmerged) and wrong merges (with a file that is neither a copy of it nor one
 * recording with it by the label guard's check).
 */
export function scoreRun(
  labels: SetLabels,
  decisions: RunDecision[],
  split: Split | 'all',
): RunScore {
  const files = new Map(labels.files.map((f) => [f.path, f]));
  const keys = recordingKeys(labels);
  const seenGroups = new Set<string>();
  const score: RunScore = {
    split,
    files: 0,
    copies: 0,
    missed: [],
    wrongMerges: [],
    wrongMergesByClass: {},
  };
  /** The sound a file was made from (a negative's original), else the file itself. */
  const soundOf = (path: string) => {
    const file = files.get(path)!;
    return file.role === 'negative' && file.from ? file.from : path;
  };
  const classOf = (a: string, b: string): string => {
    if (keys.get(soundOf(a)) !== keys.get(soundOf(b))) return 'two sounds';
    const [va, vb] = [a, b].map((p) =>
      files.get(p)!.role === 'negative' ? files.get(p)!.variant : null,
    );
    return va && vb ? [va, vb].sort().join(' vs ') : `${va ?? vb} vs its sound`;
  };
  for (const decision of decisions) {
    const file = files.get(decision.path);
    if (!file) continue;
    const earlier = seenGroups.has(file.group);
    seenGroups.add(file.group);
    if (split !== 'all' && file.split !== split) continue;
    score.files++;
    if (earlier) score.copies++;
    if (decision.duplicateOf === null) {
      if (earlier) score.missed.push(decision.path);
    } else if (keys.get(decision.duplicateOf) !== keys.get(decision.path)) {
      score.wrongMerges.push(`${decision.path} -> ${decision.duplicateOf}`);
      const kind = classOf(decision.path, decision.duplicateOf);
      score.wrongMergesByClass[kind] = (score.wrongMergesByClass[kind] ?? 0) + 1;
    }
  }
  return score;
}
