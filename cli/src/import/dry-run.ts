import { resolve } from 'node:path';
import { createAnalysisPoolFor } from '../analysis/worker-pool.js';
import { RunDeduplicator, toManifestEntry } from '../../../shared/files/index.js';
import { bestCopiesFirst, type CheckItem } from '../../../shared/import/index.js';
import { ApiClient } from './api-client.js';
import { fileFacts, findFiles, type FoundFile } from './file-set.js';
import type { Failure, ImportOutput } from './import-output.js';
import type { ImportOptions } from './import-run.js';
import { RunState } from './run-state.js';
import { stateDir } from './settings.js';

const CHECK_BATCH = 500;

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
  const { files, problems } = await findFiles(options.paths);
  output.counts.found = files.length;
  output.event({ type: 'scan', files: files.length, problems });
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
    const analysed = files.map(async (file) => {
      const known = state.files.get(file.rel);
      if (known?.entry && known.size === file.size && known.mtimeMs === file.mtimeMs)
        return known.entry;
      const analysis = await pool.analyse(file.abs);
      output.counts.analysed++;
      output.draw();
      if (analysis.status === 'skipped') {
        state.update(file.rel, {
          ...fileFacts(file),
          stage: 'skipped',
          reason: analysis.error,
        });
        return null;
      }
      const entry = toManifestEntry(analysis, file.rel);
      state.update(file.rel, {
        ...fileFacts(file),
        stage: 'analysed',
        hash: analysis.contentHash,
        entry,
        bitDepth: analysis.bitDepth,
        jobId: known?.jobId ?? null,
      });
      return entry;
    });
    const dedupe = new RunDeduplicator();
    const toCheck: {
      rel: string;
      size: number;
      /** Earlier files of the run it is close to. */
      similarTo: string[];
      item: CheckItem;
    }[] = [];
    const entries = await Promise.all(analysed);
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
    for (const file of bestCopiesFirst(readable, (f) => state.copyFacts(f.rel))) {
      const entry = state.files.get(file.rel)?.entry;
      if (entry?.status !== 'ok') continue;
      const { duplicate: same, similarTo } = dedupe.checkSound(
        file.rel,
        entry.content_hash,
        entry.fingerprint ?? null,
      );
      if (same) {
        summary.duplicates_in_run++;
        output.event({
          type: 'file',
          path: file.rel,
          state: 'duplicate',
          duplicate_of: same.duplicateOf,
          match: same.by === 'content_hash' ? 'content' : 'sound',
        });
      } else {
        toCheck.push({
          rel: file.rel,
          size: file.size,
          similarTo,
          item: {
            id: file.rel,
            content_hash: entry.content_hash,
            fingerprint: entry.fingerprint ?? null,
          },
        });
      }
    }
    for (let i = 0; i < toCheck.length; i += CHECK_BATCH) {
      const batch = toCheck.slice(i, i + CHECK_BATCH);
      const { results } = await client.check(batch.map((b) => b.item));
      results.forEach((result, k) => {
        const { rel, size, similarTo } = batch[k]!;
        if (result.action === 'reject') {
          summary.duplicates_in_library++;
          output.event({
            type: 'file',
            path: rel,
            state: 'duplicate',
            in_library: result.asset_id,
            match: result.match,
          });
        } else {
          const similar = [...new Set([...similarTo, ...result.similar_to.map((s) => s.path)])];
          summary.would_upload++;
          summary.would_upload_bytes += size;
          if (similar.length > 0) summary.similar++;
          output.event({ type: 'file', path: rel, state: 'would_upload', similar_to: similar });
        }
      });
    }
  } finally {
    await pool.close();
    await state.close();
  }
  output.counts.duplicates = summary.duplicates_in_run + summary.duplicates_in_library;
  output.counts.skipped = summary.skipped;
  output.counts.failed = summary.failed;
  return { summary, failures, problems: problems.length };
}
