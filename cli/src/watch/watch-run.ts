import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { describeFsError } from '../../../shared/node/read-errors.js';
import { UsageError } from '../errors.js';
import { ExclusionPatternError } from '../../../shared/files/index.js';
import type { WatchEvent } from '../../../shared/schemas/index.js';
import { ApiError, ServerUnavailableError, TokenError } from '../import/api-client.js';
import { findFiles, type FoundFile } from '../import/file-set.js';
import type { ImportOutput } from '../import/import-output.js';
import { runImport, type ImportOptions } from '../import/import-run.js';
import {
  WATCH_TIMING,
  WatchPlan,
  type Batch,
  type WatchTiming,
} from '../../../shared/import/index.js';
import { watchFolders } from './folder-events.js';

/** Rescans every few seconds when the folders cannot be watched for events. */
const POLL_ONLY_MS = 5000;

/** A sleep that ends early when woken (an event, Ctrl-C), so the loop decides again at once. */
class Waker {
  private wakeUp: (() => void) | null = null;

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeUp = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeUp = done;
    });
  }

  wake(): void {
    this.wakeUp?.();
  }
}

/**
 * `sm-import import PATH --watch`: the import, then a watch of the same paths until Ctrl-C or
 * SIGTERM. Each batch of new or changed files that held still (WatchPlan) is imported by the
 * same run as the import (runImport over those files: one job, the same run file, the same
 * exclusions, duplicates decided by the server as always). A deleted file is told, never
 * deleted from the library. A batch the server did not take is kept and tried again on the
 * shared backoff, for as long as the watch runs. Resolves to the exit code: 0 when every file
 * seen was imported (done, duplicate or skipped), 1 when some failed or a path could not be
 * read, 130 when the stop cut a batch short or left files not imported (run the same command
 * again to import them). A second Ctrl-C ends the process at once (exit 130; resumable as a
 * crash is).
 * @throws TokenError, and ServerUnavailableError from the first import, as an import does.
 */
export async function watchImport(
  options: ImportOptions,
  output: ImportOutput,
  timing: WatchTiming = WATCH_TIMING,
): Promise<number> {
  await mustExist(options.paths);
  const stop = new AbortController();
  const waker = new Waker();
  const plan = new WatchPlan(timing, Date.now());
  const tell = (event: WatchEvent) => output.event(event);
  let stops = 0;
  const onSignal = () => {
    if (++stops > 1) process.exit(130);
    if (!stop.signal.aborted)
      output.note('stopping the watch (Ctrl-C again to stop at once, resumable)');
    stop.abort();
    waker.wake();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const roots = options.paths.map((p) => resolve(p));
  // Watched before the first import scans, so that nothing written meanwhile is missed.
  const events = watchFolders(
    roots,
    () => {
      plan.event(Date.now());
      waker.wake();
    },
    (reason) => {
      plan.pollEvery(POLL_ONLY_MS);
      output.note(`${reason}; rescanning every ${POLL_ONLY_MS / 1000} s instead`);
    },
  );
  if (events.mode === 'poll') plan.pollEvery(POLL_ONLY_MS);
  const watchOptions = { ...options, signal: stop.signal };
  let failed: boolean;
  let cutShort = false;
  let batches = 0;
  let imported = 0;
  let deleted = 0;
  try {
    const first = await runImport(watchOptions, output);
    if (!first.final) {
      output.finish(
        null,
        first.failures,
        `Interrupted. Run the same command again to continue job ${first.jobId ?? ''}.`,
      );
      return 130;
    }
    output.finish(first.final, first.failures, `Job ${first.final.job_id}: ${first.final.status}`);
    failed = first.failures.length > 0 || first.problems > 0;
    plan.imported(first.scan.files.map((f) => [f.rel, f] as const));
    tell({ type: 'watching', paths: roots, mode: events.mode, reason: events.reason });
    if (!output.json)
      output.note(`watching ${roots.join(', ')} for new and changed files; Ctrl-C stops`);

    let latest = new Map<string, FoundFile>();
    const seenExcluded = new Set(first.scan.excluded.map((e) => e.rel));
    const seenProblems = new Set(first.scan.problems.map((p) => p.path));
    while (!stop.signal.aborted) {
      const now = Date.now();
      const scanAt = plan.nextScanAt();
      const batchAt = plan.nextBatchAt();
      if (Math.min(scanAt, batchAt) > now) {
        await waker.sleep(Math.min(scanAt, batchAt) - now);
        continue;
      }
      if (scanAt <= now) {
        const scan = await scanOnce(options, plan, output, seenExcluded, seenProblems);
        if (!scan) continue;
        latest = scan.latest;
        deleted += scan.deleted;
        failed ||= scan.problems;
        continue;
      }
      const batch = plan.takeBatch(now);
      if (!batch) continue;
      const outcome = await importBatch(batch, latest, plan, watchOptions, output, stop.signal);
      if (outcome === 'stopped') cutShort = true;
      else if (outcome !== 'retry') {
        batches++;
        imported += batch.rels.length;
        failed ||= outcome === 'failed';
      }
    }
  } finally {
    events.close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  const pending = plan.pending;
  tell({ type: 'watch_stopped', batches, imported, deleted, pending });
  if (!output.json) {
    output.finishJob(
      null,
      [
        `Stopped watching: ${plural(batches, 'batch', 'batches')}, ${plural(imported, 'file')} imported, ${deleted} deleted on disk (kept in the library).`,
        ...(pending > 0
          ? [
              `${plural(pending, 'new or changed file')} not imported yet: run the same command again to import them.`,
            ]
          : []),
      ].join('\n'),
    );
  }
  return cutShort || pending > 0 ? 130 : failed ? 1 : 0;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** "2 new and 1 changed files", "1 new file". */
function describeBatch(added: number, files: number): string {
  const parts = [added > 0 ? `${added} new` : '', files > added ? `${files - added} changed` : ''];
  return `${parts.filter(Boolean).join(' and ')} file${files === 1 ? '' : 's'}`;
}

/**
 * A path that is not there cannot be watched (a typo would otherwise watch nothing, quietly).
 * @throws UsageError naming it.
 */
async function mustExist(paths: readonly string[]): Promise<void> {
  for (const path of paths) {
    try {
      await stat(path);
    } catch (error) {
      throw new UsageError(`--watch: cannot watch ${path}: ${describeFsError(error)}`);
    }
  }
}

/**
 * Scans the paths as the import does (exclusions included) and gives the plan what it found;
 * tells deleted files, and files or problems not told before. Null when the scan could not be
 * used (a bad pattern in a `.smignore` written meanwhile: told, and the watch goes on).
 */
async function scanOnce(
  options: ImportOptions,
  plan: WatchPlan,
  output: ImportOutput,
  seenExcluded: Set<string>,
  seenProblems: Set<string>,
): Promise<{ latest: Map<string, FoundFile>; deleted: number; problems: boolean } | null> {
  const startedAt = Date.now();
  let found;
  try {
    found = await findFiles(options.paths, options.exclude);
  } catch (error) {
    if (!(error instanceof ExclusionPatternError)) throw error;
    plan.scanFailed(startedAt, Date.now() - startedAt);
    output.note(`not scanned: ${error.message}`);
    return null;
  }
  const latest = new Map(found.files.map((f) => [f.rel, f]));
  const excluded = new Set(found.excluded.map((e) => e.rel));
  const report = plan.scanned(latest, excluded, startedAt, Date.now() - startedAt);
  for (const rel of report.deleted) {
    output.event({ type: 'watch_change', path: rel, change: 'deleted' } satisfies WatchEvent);
    if (!output.json) output.note(`deleted on disk: ${rel} (the library keeps its copy)`);
  }
  output.excluded(found.excluded.filter((e) => !seenExcluded.has(e.rel)));
  for (const e of found.excluded) seenExcluded.add(e.rel);
  const problems = found.problems.filter((p) => !seenProblems.has(p.path));
  for (const p of problems) {
    seenProblems.add(p.path);
    output.note(`cannot scan ${p.path}: ${p.reason}`);
  }
  return { latest, deleted: report.deleted.length, problems: problems.length > 0 };
}

/**
 * Imports one batch as an import run over its files; `retry` when the server did not answer
 * (the batch waits in the plan), `stopped` when Ctrl-C cut it short.
 */
async function importBatch(
  batch: Batch,
  latest: ReadonlyMap<string, FoundFile>,
  plan: WatchPlan,
  options: ImportOptions,
  output: ImportOutput,
  signal: AbortSignal,
): Promise<'ok' | 'failed' | 'retry' | 'stopped'> {
  const files = batch.rels.map((rel) => latest.get(rel)!);
  const added = new Set(batch.added);
  for (const rel of batch.rels)
    output.event({
      type: 'watch_change',
      path: rel,
      change: added.has(rel) ? 'added' : 'changed',
    } satisfies WatchEvent);
  output.event({
    type: 'watch_batch',
    files: batch.rels.length,
    added: added.size,
    changed: batch.rels.length - added.size,
    waiting: plan.pending - batch.rels.length,
  } satisfies WatchEvent);
  if (!output.json) output.note(`importing ${describeBatch(added.size, batch.rels.length)}`);
  let result;
  try {
    result = await runImport(options, output, { files, problems: [], excluded: [] });
  } catch (error) {
    // A refused token stops the watch (exit 2, as an import); the server down, or refusing this
    // batch (a job cancelled meanwhile, a quota reached), leaves the files waiting: they are
    // tried again on the backoff, each try saying why, and a later run may take them.
    const waits =
      error instanceof ServerUnavailableError ||
      (error instanceof ApiError && !(error instanceof TokenError));
    if (!waits) throw error;
    if (signal.aborted) return 'stopped';
    const delay = plan.failed(Date.now());
    output.event({
      type: 'watch_retry',
      files: batch.rels.length,
      reason: error.message,
      retry_in_ms: delay,
    } satisfies WatchEvent);
    if (!output.json)
      output.note(
        `${error.message}; the ${batch.rels.length} files wait, next try in ${(delay / 1000).toFixed(1)} s`,
      );
    return 'retry';
  }
  if (!result.final) return 'stopped';
  plan.delivered(batch);
  output.finishJob(result.final, `Job ${result.final.job_id}: ${result.final.status}`);
  return result.failures.length > 0 ? 'failed' : 'ok';
}
