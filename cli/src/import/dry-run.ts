import { resolve } from 'node:path';
import { createAnalysisPoolFor } from '../analysis/worker-pool.js';
import { toManifestEntry } from '../../../shared/files/index.js';
import { analyseFiles, previewImport } from '../../../shared/import/index.js';
import { ApiClient } from './api-client.js';
import { fileFacts, findFiles, type FoundFile } from './file-set.js';
import type { Failure, ImportOutput } from './import-output.js';
import type { ImportOptions } from './import-run.js';
import { RunState } from './run-state.js';
import { stateDir } from './settings.js';

export interface DryRunSummary {
  type: 'dry_run';
  files: number;
  would_upload: number;
  would_upload_bytes: number;
  duplicates_in_run: number;
  duplicates_in_library: number;
  /** Of would_upload: files close to a sound of the run or the library (both would be kept). */
  similar: number;
  skipped: number;
  failed: number;
}

/**
 * `sm-import import --dry-run`: everything but the upload. Files are analysed (and recorded,
 * so the real run reuses the analyses), duplicates and similar sounds within the run are found
 * here and those of the library by the server's preflight; no job is made, nothing is stored.
 */
export async function dryRun(
  options: ImportOptions,
  output: ImportOutput,
): Promise<{ summary: DryRunSummary; failures: Failure[]; problems: number }> {
  const client = new ApiClient(options.connection, undefined, (m) => output.note(`server: ${m}`));
  await client.verify();
  const { files, problems, excluded } = await findFiles(options.paths, options.exclude);
  output.counts.found = files.length;
  output.event({ type: 'scan', files: files.length, problems, excluded: excluded.length });
  output.excluded(excluded);
  const state = await RunState.open(
    options.stateDir ?? stateDir(),
    client.server,
    options.paths.map((p) => resolve(p)),
  );
  const summary: DryRunSummary = {
    type: 'dry_run',
    files: files.length,
    would_upload: 0,
    would_upload_bytes: 0,
    duplicates_in_run: 0,
    duplicates_in_library: 0,
    similar: 0,
    skipped: 0,
    failed: 0,
  };
  const failures: Failure[] = [];
  const pool = await createAnalysisPoolFor(files.length, options);
  try {
    // Analyse in parallel, then decide as the import sends (previewImport).
    const reusable = (file: FoundFile) => {
      const known = state.files.get(file.rel);
      return known?.entry && known.size === file.size && known.mtimeMs === file.mtimeMs;
    };
    const byRel = new Map(files.filter((f) => !reusable(f)).map((f) => [f.rel, f]));
    const notAudio = new Set<string>();
    await analyseFiles(
      [...byRel.keys()],
      (rel) => pool.analyse(byRel.get(rel)!.abs),
      (rel, analysis) => {
        const file = byRel.get(rel)!;
        output.counts.analysed++;
        output.draw();
        if (analysis.status === 'skipped') {
          notAudio.add(rel);
          state.update(rel, { ...fileFacts(file), stage: 'skipped', reason: analysis.error });
          return;
        }
        state.update(rel, {
          ...fileFacts(file),
          stage: 'analysed',
          hash: analysis.contentHash,
          entry: toManifestEntry(analysis, rel),
          bitDepth: analysis.bitDepth,
        });
      },
      { inFlight: pool.size * 2 },
    );
    await previewImport(
      files,
      {
        entry: (f) => (notAudio.has(f.rel) ? null : state.files.get(f.rel)!.entry),
        copyFacts: (f) => state.copyFacts(f.rel),
        check: (items) => client.check(items),
      },
      ({ rel: path, size }, preview) => {
        switch (preview.state) {
          case 'skipped':
            summary.skipped++;
            output.event({ type: 'file', path, state: 'skipped' });
            return;
          case 'failed':
            summary.failed++;
            failures.push({ path, reason: preview.reason });
            output.event({ type: 'file', path, state: 'failed', reason: preview.reason });
            return;
          case 'duplicate': {
            const { of, ref, match } = preview.duplicate;
            if (of === 'selection') summary.duplicates_in_run++;
            else summary.duplicates_in_library++;
            const copy = of === 'selection' ? { duplicate_of: ref } : { in_library: ref };
            output.event({ type: 'file', path, state: 'duplicate', ...copy, match });
            return;
          }
          case 'would_upload':
            summary.would_upload++;
            summary.would_upload_bytes += size;
            if (preview.similarTo.length > 0) summary.similar++;
            output.event({
              type: 'file',
              path,
              state: 'would_upload',
              similar_to: preview.similarTo,
            });
        }
      },
    );
  } finally {
    await pool.close();
    await state.close();
  }
  output.counts.duplicates = summary.duplicates_in_run + summary.duplicates_in_library;
  output.counts.skipped = summary.skipped;
  output.counts.failed = summary.failed;
  return { summary, failures, problems: problems.length };
}
