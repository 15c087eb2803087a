import { resolve } from 'node:path';
import { createAnalysisPoolFor } from '../analysis/worker-pool.js';
import { toManifestEntry } from '../../../shared/files/index.js';
import { analyseFiles, bestCopiesFirst, checkCopies } from '../../../shared/import/index.js';
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
    // Analyse in parallel, decide as the import sends: in scan order, but of each sound heard
    // more than once the best copy first (so "duplicate of" names the file the import keeps).
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
    const entries = files.map((f) => (notAudio.has(f.rel) ? null : state.files.get(f.rel)!.entry));
    const readable: FoundFile[] = [];
    for (const [i, file] of files.entries()) {
      const entry = entries[i];
      if (!entry) {
        summary.skipped++;
        output.event({ type: 'file', path: file.rel, state: 'skipped' });
      } else if (entry.status === 'error') {
        summary.failed++;
        failures.push({ path: file.rel, reason: entry.error });
        output.event({ type: 'file', path: file.rel, state: 'failed', reason: entry.error });
      } else {
        readable.push(file);
      }
    }
    const sizes = new Map(readable.map((f) => [f.rel, f.size]));
    const candidates = bestCopiesFirst(readable, (f) => state.copyFacts(f.rel)).map((f) => {
      const facts = state.copyFacts(f.rel)!;
      return { key: f.rel, contentHash: facts.contentHash, fingerprint: facts.fingerprint };
    });
    await checkCopies(
      candidates,
      (items) => client.check(items),
      (rel, links) => {
        const copy = links.duplicate;
        if (copy?.of === 'selection') {
          summary.duplicates_in_run++;
          output.event({
            type: 'file',
            path: rel,
            state: 'duplicate',
            duplicate_of: copy.ref,
            match: copy.match,
          });
        } else if (copy) {
          summary.duplicates_in_library++;
          output.event({
            type: 'file',
            path: rel,
            state: 'duplicate',
            in_library: copy.ref,
            match: copy.match,
          });
        } else {
          const similar = [...new Set(links.similar.map((s) => s.path))];
          summary.would_upload++;
          summary.would_upload_bytes += sizes.get(rel)!;
          if (similar.length > 0) summary.similar++;
          output.event({ type: 'file', path: rel, state: 'would_upload', similar_to: similar });
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
