import type { JobStatus, JobStatusResponse } from '../schemas/index.js';
import type { ImportStage } from './stages.js';

/**
 * What a resumed run reads of one file in its journal (the CLI's run file, the wizard's queue),
 * in the engine's stage names.
 */
export interface RecordedFile {
  stage: ImportStage;
  /** The job its entry was made for; null before the import had a job. */
  jobId: string | null;
  entryId: string | null;
  /** Its manifest entry: none yet (it is to be analysed), readable, or unreadable (sent to say why). */
  entry: 'none' | 'readable' | 'unreadable';
  /** Whether the journal holds the job's answer to its entry. */
  answered: boolean;
}

/** The job a resumed run goes on with, as the server last described it. */
export interface ResumeTarget {
  /** null: no job goes on; whatever is sent goes to a new one. */
  jobId: string | null;
  /** Its whole manifest was sent: the server takes no new entry, only the bytes it waits for. */
  manifestClosed: boolean;
}

/**
 * What a resumed run does with one file:
 * - `analyse`: nothing usable is recorded (new, or changed since): analyse it first;
 * - `send`: send its entry in the manifest (again: the server answers a re-sent entry with the
 *   entry's current state, so nothing is stored twice);
 * - `upload`: the job waits for its bytes: put it in line, from its saved upload URL (it waits
 *   there while the importer lacks the bytes);
 * - `ended`: this job is done with it (stored, duplicate, failed), nothing to do;
 * - `later`: not on this job, whose manifest is closed: it goes to the next job;
 * - `skipped`: not audio, never sent;
 * - `earlier`: stored or a duplicate in an earlier, finished job; nothing to do;
 * - `unreadable`: unreadable when an earlier job was told, and unchanged since: it still is.
 */
export type ResumeAction =
  'analyse' | 'send' | 'upload' | 'ended' | 'later' | 'skipped' | 'earlier' | 'unreadable';

export interface ResumeOptions {
  /**
   * Whether answers the journal holds are asked again while the manifest is open, by sending
   * those entries again. The CLI does: its run file does not follow the job while no run is on,
   * so what it last recorded may be stale. The wizard does not: its store follows the job's live
   * events, and its answered files go straight to their uploads.
   */
  resendAnswered: boolean;
}

/** Job states in which a job still takes entries or bytes. */
export function jobIsOpen(status: JobStatus): boolean {
  return status === 'queued' || status === 'running';
}

/** What a run does about the job its journal names, once the server was asked about it. */
export interface ContinuedJob {
  jobId: string;
  manifestClosed: boolean;
  /** Some uploads failed: have the job take them back (`retryFailed`) before going on. */
  retryFailed: boolean;
}

/**
 * The journal's job as a resumed run continues it, from the server's status of it (null when
 * the server no longer knows it); null when it is not to be continued (gone, completed, failed
 * or cancelled meanwhile): what is left goes to a new job.
 */
export function continuedJob(job: JobStatusResponse | null): ContinuedJob | null {
  if (!job || !jobIsOpen(job.status)) return null;
  return {
    jobId: job.job_id,
    manifestClosed: job.manifest_closed,
    retryFailed: job.totals.failed > 0,
  };
}

const STORED: readonly ImportStage[] = ['done', 'duplicate'];
const WAITING: readonly ImportStage[] = ['pending_upload', 'uploading'];

/**
 * What a resumed run continuing `target` does with a file its journal recorded (undefined: not
 * recorded, or changed on disk since). Pure; the one place both importers decide it.
 */
export function resumeAction(
  file: RecordedFile | undefined,
  target: ResumeTarget,
  options: ResumeOptions,
): ResumeAction {
  if (!file) return 'analyse';
  if (file.stage === 'skipped') return 'skipped';
  const earlier = file.jobId !== target.jobId;
  if (earlier && STORED.includes(file.stage)) return 'earlier';
  if (earlier && file.entry === 'unreadable') return 'unreadable';
  if (file.entry === 'none') return 'analyse';
  if (earlier && target.manifestClosed) return 'later';
  // A file of another job (or of none) starts afresh in this one: new entry, new upload. One
  // whose answer was not recorded is sent again: if it was in the closing batch, the server
  // answers that batch again as it did then.
  if (earlier || !file.answered) return 'send';
  if (options.resendAnswered && !target.manifestClosed) return 'send';
  if (WAITING.includes(file.stage) && file.entryId) return 'upload';
  return 'ended';
}

/** The keys of each action, each list in the order the files were given. */
export type ResumePlan<K> = Record<ResumeAction, K[]>;

/** {@link resumeAction} for each file, the keys grouped by what is to be done. */
export function planResume<K>(
  files: Iterable<readonly [K, RecordedFile | undefined]>,
  target: ResumeTarget,
  options: ResumeOptions,
): ResumePlan<K> {
  const plan: ResumePlan<K> = {
    analyse: [],
    send: [],
    upload: [],
    ended: [],
    later: [],
    skipped: [],
    earlier: [],
    unreadable: [],
  };
  for (const [key, file] of files) plan[resumeAction(file, target, options)].push(key);
  return plan;
}

/**
 * Whether the run makes manifest calls: it has entries to send, or the job's manifest is still
 * to be closed (its last call, empty when nothing is left).
 */
export function sendsManifest(plan: ResumePlan<unknown>, target: ResumeTarget): boolean {
  return plan.send.length > 0 || !target.manifestClosed;
}

/** What a journal recorded of a file before the file was analysed again (changed on disk). */
export interface BeforeAnalysis {
  jobId: string | null;
  /** The content hash of its last analysis; null when it had none. */
  hash: string | null;
  uploadUrl: string | null;
}

/** What a file analysed again keeps of its record, for the job its entry goes to. */
export interface Reanalysis {
  /** The upload to resume: its old one only for the same bytes (a tus upload is of one content). */
  uploadUrl: string | null;
  /**
   * For a readable file this job already took with other bytes: the content hash its new entry
   * replaces (`supersedes`), so that the job stores the new content in the old one's place.
   */
  supersedes: string | null;
}

/**
 * What a new analysis (`contentHash`; `readable`: its entry is not an error) keeps of the file's
 * record, sent to job `jobId`. Pure.
 */
export function reanalysed(
  before: BeforeAnalysis | undefined,
  analysis: { contentHash: string | null; readable: boolean },
  jobId: string,
): Reanalysis {
  const same = before !== undefined && before.hash === analysis.contentHash;
  const changedInJob = analysis.readable && before?.jobId === jobId && !!before.hash && !same;
  return {
    uploadUrl: same ? before.uploadUrl : null,
    supersedes: changedInJob ? before.hash : null,
  };
}
