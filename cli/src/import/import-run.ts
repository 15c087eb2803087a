import { resolve } from 'node:path';
import type { JobStatusResponse, OnDuplicate } from '../../../shared/schemas/index.js';
import { createAnalysisPoolFor } from '../analysis/worker-pool.js';
import { ApiClient, ApiError } from './api-client.js';
import { fileFacts, findFiles, type FoundFile } from './file-set.js';
import type { ImportOutput, Failure } from './import-output.js';
import { roundedStages, toManifestEntry, type FileAnalysis } from '../../../shared/files/index.js';
import { RunState, type FileState } from './run-state.js';
import { stateDir, type Connection } from './settings.js';
import { cliDelivery, cliJournal, type RunContext } from './delivery.js';
import { failpoint } from '../../../shared/node/failpoints.js';
import {
  analyseFiles,
  bestCopiesFirst,
  deliverResumed,
  reanalysed,
  reconcileRun,
  resumeAction,
  type JobDelivery,
  type JobFeed,
  type ResumeTarget,
  type RunResumeOptions,
} from '../../../shared/import/index.js';

export interface ImportOptions {
  paths: string[];
  connection: Connection;
  onDuplicate: OnDuplicate;
  /** Analysis worker threads (default: one per core). */
  concurrency?: number;
  ffmpeg?: boolean;
  /** Files uploaded at once. */
  uploads?: number;
  chunkBytes?: number;
  /** Entries per ingest call at most (default 500). */
  manifestBatch?: number;
  stateDir?: string;
  /** `--exclude` patterns (gitignore syntax); `.smignore` files are read as well. */
  exclude?: readonly string[];
  /** Once aborted, the waits between retries of a server that does not answer end at once. */
  signal?: AbortSignal;
}

/** What a scan of the import's paths found (findFiles). */
export type FoundSet = Awaited<ReturnType<typeof findFiles>>;

export interface ImportResult {
  jobId: string | null;
  final: JobStatusResponse | null;
  failures: Failure[];
  /** Scan problems (unreadable folders, symlink loops): reported, and they fail the exit code. */
  problems: number;
  /** The scan the run took its files from (each with the size and time it had then). */
  scan: FoundSet;
}

/**
 * The run file does not follow the job while no run is on: what it last recorded of an answered
 * file may be stale, so a run that continues a job sends those entries again (resumeAction), and
 * has the job take back its failed uploads first (continueJob).
 */
const CLI_RESUME: RunResumeOptions = {
  resendAnswered: true,
  retryFailed: true,
  keepCompleted: false,
};

/**
 * `sm-import import`: scan, hash and analyse (reusing what an earlier run of the same import
 * recorded), send the manifest in batches, upload what the server says is new with tus, and
 * follow the job to its end. State is kept in a run file, so running the same command again
 * continues in the same job; nothing already analysed, sent or uploaded is done again.
 * Given `found` (a watch's batch: some of the files of a scan it made), only those are
 * imported, without a scan or its events; the run file is the same as the whole import's.
 * @throws TokenError (refused token), ServerUnavailableError (down through every retry).
 */
export async function runImport(
  options: ImportOptions,
  output: ImportOutput,
  found?: FoundSet,
): Promise<ImportResult> {
  const client = new ApiClient(
    options.connection,
    undefined,
    (m) => output.note(`server: ${m}`),
    options.signal,
  );
  await client.verify();
  const scan = found ?? (await findFiles(options.paths, options.exclude));
  const { files, problems, excluded } = scan;
  if (!found) {
    output.counts.found = files.length;
    output.event({ type: 'scan', files: files.length, problems, excluded: excluded.length });
    output.excluded(excluded);
    for (const p of problems) if (!output.json) output.note(`cannot scan ${p.path}: ${p.reason}`);
  }

  const roots = options.paths.map((p) => resolve(p));
  const state = await RunState.open(options.stateDir ?? stateDir(), client.server, roots);
  const failures = new Map<string, string>();
  const deliveries = new Set<JobDelivery>();
  let feed: JobFeed | null = null;
  let interrupted = false;
  const onSignal = () => {
    interrupted = true;
    output.note('interrupted: stopping; run the same command again to continue where it stopped');
    for (const d of deliveries) d.stop();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    let resumable = await openJobToContinue({ client, state, output, failures });
    let earlierFinal: JobStatusResponse | null = null;
    if (resumable?.manifestClosed) {
      // Its whole manifest was sent: only uploads are left to finish, then it is done.
      earlierFinal = await finishUploads(
        { jobId: resumable.jobId!, manifestClosed: true },
        { client, state, output, failures },
        deliveries,
        () => interrupted,
      );
      if (interrupted)
        return {
          jobId: resumable.jobId,
          final: null,
          failures: toList(failures),
          problems: problems.length,
          scan,
        };
      resumable = null;
    }
    const work = planWork(files, state, resumable?.jobId ?? null, output, failures);
    if (!resumable && work.analyse.length === 0 && work.send.length === 0 && state.jobId) {
      // Everything was imported by an earlier run: no new job, the last one's outcome stands.
      return {
        jobId: state.jobId,
        final: earlierFinal ?? (await client.status(state.jobId)),
        failures: toList(failures),
        problems: problems.length,
        scan,
      };
    }
    const jobId = resumable?.jobId ?? (await createJob(client, state, options, output));
    for (const rel of work.send) {
      // A file sent to an earlier job starts afresh here: new entry, new upload.
      if (state.files.get(rel)?.jobId !== jobId) {
        state.update(rel, { jobId, entryId: null, uploadUrl: null, stage: 'analysed' });
      }
    }
    feed = client.follow(jobId, (event) => output.event(event));

    const pool = await createAnalysisPoolFor(work.analyse.length, options);
    const delivery = cliDelivery({ client, state, output, failures }, options);
    deliveries.add(delivery);

    const ready = new Set(work.send);
    const byRel = new Map(work.analyse.map((f) => [f.rel, f]));
    try {
      // Results are recorded as they finish (a kill keeps every analysis done), and sent once
      // all are in: in scan order, but of each sound heard more than once the best copy first,
      // so that it is the one the job keeps (as the wizard keeps it).
      await analyseFiles(
        [...byRel.keys()],
        (rel) => pool.analyse(byRel.get(rel)!.abs),
        (rel, analysis) => {
          if (interrupted) return;
          output.counts.analysed++;
          if (recordAnalysis(state, byRel.get(rel)!, analysis, jobId, output)) ready.add(rel);
        },
        { inFlight: pool.size * 2, stopped: () => interrupted },
      );
    } finally {
      await pool.close();
    }
    if (!interrupted) {
      const inScanOrder = files.filter((f) => ready.has(f.rel)).map((f) => f.rel);
      await delivery.deliver({
        jobId,
        keys: bestCopiesFirst(inScanOrder, (r) => state.copyFacts(r)),
      });
    }
    if (interrupted)
      return { jobId, final: null, failures: toList(failures), problems: problems.length, scan };

    // Every upload has ended, and the server commits a file before it answers its last PATCH.
    const final = await client.status(jobId);
    state.setJob(jobId, true);
    for (const error of final.errors)
      if (!failures.has(error.path)) failures.set(error.path, error.reason);
    return { jobId, final, failures: toList(failures), problems: problems.length, scan };
  } finally {
    for (const d of deliveries) d.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await feed?.close();
    await state.close();
  }
}

function toList(failures: Map<string, string>): Failure[] {
  return [...failures].map(([path, reason]) => ({ path, reason }));
}

/**
 * The run file's job, if the server still has it open (reconcileRun): its failed uploads are
 * put back in line (waiting for their bytes again in the run file); the files a job gone or
 * ended meanwhile still waited for start afresh, for the next job.
 */
async function openJobToContinue(run: RunContext): Promise<ResumeTarget | null> {
  const { client, state, output } = run;
  if (!state.jobId || state.jobClosed) return null;
  const { target, continued } = await reconcileRun(
    client,
    state.jobId,
    cliJournal(run),
    CLI_RESUME,
  );
  if (!continued) return null;
  output.event({ type: 'job', job_id: target.jobId, resumed: true });
  if (!output.json) output.note(`continuing job ${target.jobId}`);
  return target;
}

/**
 * Finishes the uploads of a job whose manifest was all sent (an interrupted run), and closes
 * it in the run file; returns its final status.
 */
async function finishUploads(
  target: ResumeTarget & { jobId: string },
  run: RunContext,
  deliveries: Set<JobDelivery>,
  stopped: () => boolean,
): Promise<JobStatusResponse | null> {
  const { client, state, output } = run;
  const feed = client.follow(target.jobId, (event) => output.event(event));
  try {
    const delivery = cliDelivery(run);
    deliveries.add(delivery);
    try {
      await deliverResumed(delivery, cliJournal(run), target, CLI_RESUME, {
        job: () => Promise.resolve(target.jobId),
      });
    } catch (error) {
      // Not in the closed manifest after all: they go to a new job with the files left.
      if (!(error instanceof ApiError && error.status === 409)) throw error;
    }
    if (stopped()) return null;
    const final = await client.status(target.jobId);
    state.setJob(target.jobId, true);
    return final;
  } finally {
    await feed.close();
  }
}

async function createJob(
  client: ApiClient,
  state: RunState,
  options: ImportOptions,
  output: ImportOutput,
): Promise<string> {
  // Folder names may hold any character; the job's label may not hold control characters.
  // eslint-disable-next-line no-control-regex
  const source = `sm-import ${options.paths.join(' ')}`.replace(/[\u0000-\u001f\u007f]/g, '?');
  const jobId = await client.init(options.onDuplicate, source.slice(0, 1024));
  state.setJob(jobId, false);
  output.event({ type: 'job', job_id: jobId, resumed: false });
  return jobId;
}

/**
 * Sorts the files found (resumeAction) into those to analyse and those whose recorded entry
 * only needs sending (again: the server answers a re-sent entry with its current state);
 * tells those finished by an earlier run, and counts those that are not audio.
 */
function planWork(
  files: FoundFile[],
  state: RunState,
  jobId: string | null,
  output: ImportOutput,
  failures: Map<string, string>,
) {
  const recordedIfUnchanged = (file: FoundFile) => {
    const known = state.files.get(file.rel);
    const same =
      known && known.size === file.size && known.mtimeMs === file.mtimeMs && known.abs === file.abs;
    return same ? state.recorded(file.rel) : undefined;
  };
  const target = { jobId, manifestClosed: false };
  const analyse: FoundFile[] = [];
  const send: string[] = [];
  for (const file of files) {
    const action = resumeAction(recordedIfUnchanged(file), target, CLI_RESUME);
    if (action === 'analyse') analyse.push(file);
    else if (action === 'send') send.push(file.rel);
    else if (action === 'skipped') output.counts.skipped++;
    else if (action === 'earlier' || action === 'unreadable')
      tellEarlier(action, file.rel, state.files.get(file.rel)!, output, failures);
    // No other action for an open manifest whose answered entries are sent again.
  }
  return { analyse, send };
}

/** Tells a file an earlier, finished run ended: stored or a duplicate, or unreadable then. */
function tellEarlier(
  action: 'earlier' | 'unreadable',
  rel: string,
  known: FileState,
  output: ImportOutput,
  failures: Map<string, string>,
): void {
  if (action === 'earlier') {
    output.counts.earlier++;
    output.event({
      type: 'file',
      path: rel,
      state: known.stage,
      earlier_job: known.jobId,
      ...(known.stage === 'done' ? { similar_to: known.similarTo } : {}),
    });
    return;
  }
  // Unchanged since: it still is unreadable.
  const reason = known.entry?.status === 'error' ? known.entry.error : 'unreadable';
  output.counts.failed++;
  failures.set(rel, reason);
  output.event({ type: 'file', path: rel, state: 'failed', reason, earlier_job: known.jobId });
}

/**
 * Records a file's analysis in the run file and tells it; true when its entry is to be sent
 * (false for a file that is not audio).
 */
function recordAnalysis(
  state: RunState,
  file: FoundFile,
  analysis: FileAnalysis,
  jobId: string,
  output: ImportOutput,
): boolean {
  const before = state.files.get(file.rel);
  if (analysis.status === 'skipped') {
    state.update(file.rel, {
      ...fileFacts(file),
      stage: 'skipped',
      reason: analysis.error,
      entry: null,
    });
    output.counts.skipped++;
    output.event({ type: 'file', path: file.rel, state: 'skipped', reason: analysis.error });
    return false;
  }
  const entry = toManifestEntry(analysis, file.rel);
  const kept = reanalysed(
    before,
    { contentHash: analysis.contentHash, readable: entry.status === 'ok' },
    jobId,
  );
  if (entry.status === 'ok' && kept.supersedes) entry.supersedes = kept.supersedes;
  state.update(file.rel, {
    ...fileFacts(file),
    stage: 'analysed',
    hash: analysis.contentHash,
    entry,
    bitDepth: analysis.bitDepth,
    jobId,
    uploadUrl: kept.uploadUrl,
  });
  output.event({
    type: 'file',
    path: file.rel,
    state: 'analysed',
    content_hash: analysis.contentHash,
    stage_ms: analysis.stageMs ? roundedStages(analysis.stageMs) : null,
  });
  failpoint('cli:analysed');
  return true;
}
