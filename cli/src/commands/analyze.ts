import { createAnalysisPoolFor } from '../analysis/worker-pool.js';
import { RunDeduplicator, toAnalysisLine, type FileAnalysis } from '../../../shared/files/index.js';
import { createProgressBar } from '../output/progress.js';
import { tableHeader, tableRow } from '../output/table.js';
import { scanPaths } from '../scan.js';
import type { ExcludedLine } from '../../../shared/schemas/index.js';

export interface AnalyzeOptions {
  paths: string[];
  json: boolean;
  /** Worker threads; default one per core. */
  concurrency?: number;
  /** Allow ffmpeg for large compressed files when it is on the PATH (default true). */
  ffmpeg?: boolean;
  /** Read tempo and key from file names and tags (default true; `--no-hints` turns it off). */
  hints?: boolean;
  /** `--exclude` patterns; `.smignore` files of the folders are read as well. */
  exclude?: readonly string[];
}

export interface AnalyzeSummary {
  files: number;
  ok: number;
  duplicates: number;
  /** Files close to an earlier one without being a copy of it: kept, not merged. */
  similar: number;
  skipped: number;
  errors: number;
  problems: number;
  /** Left out by `--exclude` or a `.smignore`. */
  excluded: number;
}

/**
 * `sm-import analyze`: scans the paths, analyses every file across worker threads, and
 * writes one line per file in scan order (JSON Lines with `json`, else a table), the second
 * and later copies of a sound marked with the first, and files close to earlier ones (kept, not
 * merged) with those. Resolves with the counts.
 */
export async function analyzeCommand(
  options: AnalyzeOptions,
  out: NodeJS.WritableStream = process.stdout,
  err: NodeJS.WriteStream = process.stderr,
): Promise<AnalyzeSummary> {
  const started = Date.now();
  const { files, problems, excluded } = await scanPaths(options.paths, {
    exclude: options.exclude ?? [],
  });
  const pool = await createAnalysisPoolFor(files.length, options);
  const progress = createProgressBar(err);
  const dedupe = new RunDeduplicator();
  const summary: AnalyzeSummary = {
    files: files.length,
    ok: 0,
    duplicates: 0,
    similar: 0,
    skipped: 0,
    errors: 0,
    problems: problems.length,
    excluded: excluded.length,
  };
  const write = (text: string) => {
    progress.clear();
    out.write(`${text}\n`);
    progress.redraw();
  };

  for (const problem of problems) {
    if (options.json) {
      err.write(`${JSON.stringify({ path: problem.path, problem: problem.reason })}\n`);
    } else {
      err.write(`cannot scan ${problem.path}: ${problem.reason}\n`);
    }
  }
  // Like problems, excluded files go to stderr: stdout holds one analysis line per file analysed.
  if (options.json) {
    for (const file of excluded)
      err.write(
        `${JSON.stringify({ path: file.path, excluded: file.reason } satisfies ExcludedLine)}\n`,
      );
  }
  if (!options.json) write(tableHeader());

  // Files finish in any order; lines are written in scan order so that output is stable and
  // "earlier" in duplicate_of means earlier in the output.
  const pending = files.map((path) => pool.analyse(path));
  let done = 0;
  for (const promise of pending) void promise.then(() => progress.update(++done, files.length));
  try {
    for (const promise of pending) {
      const file: FileAnalysis = await promise;
      const match = dedupe.check(file);
      const line = toAnalysisLine(file, match);
      if (file.status === 'ok') summary.ok++;
      else if (file.status === 'skipped') summary.skipped++;
      else summary.errors++;
      if (match.duplicate) summary.duplicates++;
      if (match.similarTo.length > 0) summary.similar++;
      write(options.json ? JSON.stringify(line) : tableRow(line, process.cwd()));
    }
  } finally {
    progress.clear();
    await pool.close();
  }
  if (!options.json) {
    const seconds = (Date.now() - started) / 1000;
    err.write(
      `${summary.files} files in ${seconds.toFixed(1)} s (${(summary.files / Math.max(seconds, 0.001)).toFixed(1)} files/s): ` +
        `${summary.ok} analysed, ${summary.duplicates} duplicates, ${summary.similar} similar (kept), ` +
        `${summary.skipped} skipped, ${summary.errors} errors` +
        (summary.excluded > 0
          ? `; ${summary.excluded} excluded (--exclude or .smignore; --json lists them)`
          : '') +
        '\n',
    );
  }
  return summary;
}
