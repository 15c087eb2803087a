import { resolve } from 'node:path';
import type { JobStatusResponse, OnDuplicate } from '../../../shared/schemas/index.js';
import { createAnalysisPoolFor } from '../analysis/worker-pool.js';
import { ApiClient, ApiError } from './api-client.js';
import { fileFacts, findFiles, type FoundFile } from './file-set.js';
import type { ImportOutput, Failure } from './import-output.js';
import { roundedStages } from '../../../shared/files/index.js';
import { RunState, type FileState } from './run-state.js';
import { stateDir, type Connection } from './settings.js';
import { cliDelivery, cliJournal, type RunContext } from './delivery.js';
import { failpoint } from '../../../shared/node/failpoints.js';
import {
  ImportRun,
  type AnalysisRecord,
  type ImportRunPorts,
  type RunJournal,
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
  const run: RunContext = { client, state, output, failures };
  const importRun = new ImportRun(cliRunPorts(run, options, files));
  const onSignal = () => {
    output.note('interrupted: stopping; run the same command again to continue where it stopped');
    importRun.stop();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    const { jobId, final, earlier } = await importRun.run(files.map((f) => f.rel));
    if (final && !earlier) {
      for (const error of final.errors)
        if (!failures.has(error.path)) failures.set(error.path, error.reason);
    }
    return {
      jobId,
      final,
      failures: toList(failures),
      problems: problems.length,
      scan,
    };
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await state.close();
  }
}

function toList(failures: Map<string, string>): Failure[] {
  return [...failures].map(([path, reason]) => ({ path, reason }));
}

/**
 * The CLI's ports of the shared run (ImportRun): the run file as its journal, worker threads
 * as its analyser, the REST client as the API, and its lines and `--json` as what it tells.
 */
function cliRunPorts(run: RunContext, options: ImportOptions, files: FoundFile[]): ImportRunPorts {
  const { client, state, output } = run;
  const byRel = new Map(files.map((f) => [f.rel, f]));
  const journal: RunJournal = {
    ...cliJournal(run),
    jobId: () => state.jobId,
    jobEnded: () => state.jobClosed,
    setJob: (jobId, ended) => state.setJob(jobId, ended),
    unchanged: (rel) => {
      const known = state.files.get(rel);
      const file = byRel.get(rel)!;
      const same =
        known &&
        known.size === file.size &&
        known.mtimeMs === file.mtimeMs &&
        known.abs === file.abs;
      return same ? state.recorded(rel) : undefined;
    },
    before: (rel) => state.files.get(rel),
    assign: (rel, jobId) =>
      void state.update(rel, { jobId, entryId: null, uploadUrl: null, stage: 'analysed' }),
    analysed: (rel, record, pace) => {
      output.analysisPace = pace;
      recordAnalysis(state, byRel.get(rel)!, record, output);
    },
    copyFacts: (rel) => state.copyFacts(rel),
  };
  return {
    api: client,
    journal,
    options: CLI_RESUME,
    createJob: () => {
      // Folder names may hold any character; the job's label may not hold control characters.
      // eslint-disable-next-line no-control-regex
      const source = `sm-import ${options.paths.join(' ')}`.replace(/[\u0000-\u001f\u007f]/g, '?');
      return client.init(options.onDuplicate, source.slice(0, 1024));
    },
    analyser: async (count) => {
      const pool = await createAnalysisPoolFor(count, options);
      return {
        size: pool.size,
        analyse: (rel) => pool.analyse(byRel.get(rel)!.abs),
        close: () => pool.close(),
      };
    },
    delivery: () => cliDelivery(run, options),
    follow: (jobId) => client.follow(jobId, (event) => output.event(event)),
    manifestClosed: (error) => error instanceof ApiError && error.status === 409,
    tell: {
      continued: (jobId) => {
        output.event({ type: 'job', job_id: jobId, resumed: true });
        if (!output.json) output.note(`continuing job ${jobId}`);
      },
      created: (jobId) => output.event({ type: 'job', job_id: jobId, resumed: false }),
      earlier: (rel, action) => {
        if (action === 'skipped') output.counts.skipped++;
        else tellEarlier(action, rel, state.files.get(rel)!, output, run.failures);
      },
    },
  };
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

/** Records a file's analysis in the run file and tells it. */
function recordAnalysis(
  state: RunState,
  file: FoundFile,
  record: AnalysisRecord,
  output: ImportOutput,
): void {
  const { analysis } = record;
  output.counts.analysed++;
  if (record.status === 'skipped') {
    state.update(file.rel, {
      ...fileFacts(file),
      stage: 'skipped',
      reason: record.reason,
      entry: null,
    });
    output.counts.skipped++;
    output.event({ type: 'file', path: file.rel, state: 'skipped', reason: record.reason });
    return;
  }
  state.update(file.rel, {
    ...fileFacts(file),
    stage: 'analysed',
    hash: analysis.contentHash,
    entry: record.entry,
    bitDepth: analysis.bitDepth,
    jobId: record.jobId,
    uploadUrl: record.uploadUrl,
  });
  output.event({
    type: 'file',
    path: file.rel,
    state: 'analysed',
    content_hash: analysis.contentHash,
    stage_ms: analysis.stageMs ? roundedStages(analysis.stageMs) : null,
  });
  failpoint('cli:analysed');
}
