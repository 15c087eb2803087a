import { toManifestEntry, type FileAnalysis } from '../files/index.js';
import type { JobStatusResponse, ManifestEntry } from '../schemas/index.js';
import { analyseFiles, type AnalysisPace } from './analyse-files.js';
import type { ContinuePorts } from './continue-job.js';
import { bestCopiesFirst, type RunCopy } from './copy-order.js';
import type { ImportApi, JobFeed } from './import-api.js';
import type { JobDelivery } from './job-delivery.js';
import {
  reanalysed,
  resumeAction,
  type BeforeAnalysis,
  type RecordedFile,
  type ResumeTarget,
} from './resume-plan.js';
import {
  deliverResumed,
  reconcileRun,
  type ResumeJournal,
  type RunResumeOptions,
} from './resume-run.js';

/** What one analysis leaves in the journal: a file that is not audio, or an entry to send. */
export type AnalysisRecord =
  | { status: 'skipped'; analysis: FileAnalysis; reason: string | null }
  | {
      status: 'analysed';
      analysis: FileAnalysis;
      /** The manifest entry to send (`supersedes` set for new bytes of a file the job took). */
      entry: ManifestEntry;
      jobId: string;
      /** The upload to resume (reanalysed): the old one only for the same bytes. */
      uploadUrl: string | null;
    };

/** The journal of a run over a set of files (the CLI's run file), as the run reads and writes it. */
export interface RunJournal extends ResumeJournal {
  /** The job the journal names; null when it has none. */
  jobId(): string | null;
  /** Whether that job's run ended (its final status read): it is not continued. */
  jobEnded(): boolean;
  /** Names the run's job; `ended` once its final status is read. */
  setJob(jobId: string, ended: boolean): void;
  /** The file as recorded, when its bytes are unchanged since; undefined when changed or new. */
  unchanged(key: string): RecordedFile | undefined;
  /** What the last analysis of the file recorded (reanalysed); undefined when none. */
  before(key: string): BeforeAnalysis | undefined;
  /** The file's entry goes to `jobId`, afresh: new entry, new upload, not answered. */
  assign(key: string, jobId: string): void;
  /** Records an analysis (and tells it, with the analysis's pace so far). */
  analysed(key: string, record: AnalysisRecord, pace: AnalysisPace): void;
  /** What bestCopiesFirst reads of the file's recorded entry; null without a readable one. */
  copyFacts(key: string): RunCopy | null;
}

/** The analysis workers of one run. */
export interface RunAnalyser {
  /** Workers: the run keeps twice as many files in flight. */
  size: number;
  analyse(key: string): Promise<FileAnalysis>;
  close(): Promise<void>;
}

/** What an importer gives a run over a set of files. */
export interface ImportRunPorts {
  api: Pick<ImportApi, 'status' | 'retry'> & ContinuePorts;
  journal: RunJournal;
  options: RunResumeOptions;
  /** Makes the job the run's files go to; its id. */
  createJob(): Promise<string>;
  /** Starts `count` analysis workers (none are started when nothing is to be analysed). */
  analyser(count: number): Promise<RunAnalyser>;
  /** A delivery over the journal, the source and the API (JobDelivery). */
  delivery(): JobDelivery;
  /** Follows the job's live events while the run delivers to it. */
  follow(jobId: string): JobFeed;
  /** Whether a manifest call failed because the job's manifest is closed (409). */
  manifestClosed(error: unknown): boolean;
  /** What the run tells its user. */
  tell: RunTold;
}

/** What a run tells as it goes, besides what the journal records. */
export interface RunTold {
  /** The journal's job goes on (reconcileRun). */
  continued(jobId: string): void;
  /** A new job was made for the run. */
  created(jobId: string): void;
  /**
   * A file unchanged since an earlier, finished run ended it: stored or a duplicate (`earlier`),
   * unreadable (`unreadable`), or not audio (`skipped`).
   */
  earlier(key: string, action: 'earlier' | 'unreadable' | 'skipped'): void;
}

/** How a run ended. */
export interface RunOutcome {
  /** The job the run's files went to; null when it had none. */
  jobId: string | null;
  /** The job's status at the end; null when the run was stopped. */
  final: JobStatusResponse | null;
  /** Every file was imported by an earlier run: `final` is that run's job's, nothing was sent. */
  earlier: boolean;
}

/**
 * One run of an import over a set of files (the CLI's folders, a watch's batch), driven through
 * its ports: it reconciles the journal's job with the server (reconcileRun), finishes the
 * uploads of a job whose manifest was all sent, sorts the files (resumeAction) into those to
 * analyse and those to send, makes a job when there is anything new, analyses (each result
 * recorded as it comes), sends every entry in scan order with each sound's best copy first
 * (bestCopiesFirst), uploads what the server asks for, and reads the job's final status.
 * Running it again over the same journal continues where it stopped.
 */
export class ImportRun {
  private stopped = false;
  private readonly deliveries = new Set<JobDelivery>();

  constructor(private readonly ports: ImportRunPorts) {}

  /** Stops the run (resumable): no new analysis, no more manifest calls, uploads stopped. */
  stop(): void {
    this.stopped = true;
    for (const d of this.deliveries) d.stop();
  }

  /**
   * Runs over `keys` (scan order).
   * @throws what the server's calls, the delivery or the analyser threw.
   */
  async run(keys: readonly string[]): Promise<RunOutcome> {
    const { api, journal } = this.ports;
    try {
      let resumable = await this.jobToContinue();
      let earlierFinal: JobStatusResponse | null = null;
      if (resumable?.manifestClosed) {
        // Its whole manifest was sent: only uploads are left to finish, then it is done.
        earlierFinal = await this.finishUploads(resumable.jobId!);
        if (this.stopped) return { jobId: resumable.jobId, final: null, earlier: false };
        resumable = null;
      }
      const work = this.plan(keys, resumable?.jobId ?? null);
      const earlierJob = journal.jobId();
      if (!resumable && work.analyse.length === 0 && work.send.length === 0 && earlierJob) {
        // Everything was imported by an earlier run: no new job, the last one's outcome stands.
        return {
          jobId: earlierJob,
          final: earlierFinal ?? (await api.status(earlierJob)),
          earlier: true,
        };
      }
      const jobId = resumable?.jobId ?? (await this.createJob());
      for (const key of work.send) {
        // A file sent to an earlier job starts afresh here: new entry, new upload.
        if (journal.recorded(key)?.jobId !== jobId) journal.assign(key, jobId);
      }
      const feed = this.ports.follow(jobId);
      try {
        const ready = await this.analyse(work.analyse, jobId, new Set(work.send));
        if (this.stopped) return { jobId, final: null, earlier: false };
        const delivery = this.delivery();
        const inScanOrder = keys.filter((key) => ready.has(key));
        await delivery.deliver({
          jobId,
          keys: bestCopiesFirst(inScanOrder, (key) => journal.copyFacts(key)),
        });
        if (this.stopped) return { jobId, final: null, earlier: false };
        // Every upload has ended, and the server commits a file before it answers its last PATCH.
        const final = await api.status(jobId);
        journal.setJob(jobId, true);
        return { jobId, final, earlier: false };
      } finally {
        await feed.close();
      }
    } finally {
      this.stopDeliveries();
    }
  }

  private stopDeliveries(): void {
    for (const d of this.deliveries) d.stop();
  }

  private delivery(): JobDelivery {
    const delivery = this.ports.delivery();
    this.deliveries.add(delivery);
    return delivery;
  }

  /** The journal's job, if the server still has it open (reconcileRun); told when it goes on. */
  private async jobToContinue(): Promise<ResumeTarget | null> {
    const { api, journal, options } = this.ports;
    const jobId = journal.jobId();
    if (!jobId || journal.jobEnded()) return null;
    const { target, continued } = await reconcileRun(api, jobId, journal, options);
    if (!continued) return null;
    this.ports.tell.continued(target.jobId!);
    return target;
  }

  /** Finishes the uploads of a job whose manifest was all sent, and ends it in the journal. */
  private async finishUploads(jobId: string): Promise<JobStatusResponse | null> {
    const { api, journal, options } = this.ports;
    const target = { jobId, manifestClosed: true };
    const feed = this.ports.follow(jobId);
    try {
      try {
        await deliverResumed(this.delivery(), journal, target, options, {
          job: () => Promise.resolve(jobId),
        });
      } catch (error) {
        // Not in the closed manifest after all: they go to a new job with the files left.
        if (!this.ports.manifestClosed(error)) throw error;
      }
      if (this.stopped) return null;
      const final = await api.status(jobId);
      journal.setJob(jobId, true);
      return final;
    } finally {
      await feed.close();
    }
  }

  private async createJob(): Promise<string> {
    const jobId = await this.ports.createJob();
    this.ports.journal.setJob(jobId, false);
    this.ports.tell.created(jobId);
    return jobId;
  }

  /**
   * Sorts the files (resumeAction, over what the journal recorded of those unchanged since)
   * into those to analyse and those whose recorded entry only needs sending; tells those an
   * earlier run ended.
   */
  private plan(keys: readonly string[], jobId: string | null) {
    const { journal, options, tell } = this.ports;
    const target = { jobId, manifestClosed: false };
    const analyse: string[] = [];
    const send: string[] = [];
    for (const key of keys) {
      const action = resumeAction(journal.unchanged(key), target, options);
      if (action === 'analyse') analyse.push(key);
      else if (action === 'send') send.push(key);
      else if (action === 'earlier' || action === 'unreadable' || action === 'skipped')
        tell.earlier(key, action);
      // No other action for an open manifest whose answered entries are sent again.
    }
    return { analyse, send };
  }

  /**
   * Analyses `keys`, each result recorded as it finishes (a stopped run keeps every analysis
   * done); resolves with `ready` and the keys whose entries are now to send.
   */
  private async analyse(keys: string[], jobId: string, ready: Set<string>): Promise<Set<string>> {
    const analyser = await this.ports.analyser(keys.length);
    try {
      await analyseFiles(
        keys,
        (key) => analyser.analyse(key),
        (key, analysis, pace) => {
          if (this.stopped) return;
          if (this.record(key, analysis, jobId, pace)) ready.add(key);
        },
        { inFlight: analyser.size * 2, stopped: () => this.stopped },
      );
    } finally {
      await analyser.close();
    }
    return ready;
  }

  /** Records one analysis; true when its entry is to be sent (false for a file not audio). */
  private record(key: string, analysis: FileAnalysis, jobId: string, pace: AnalysisPace): boolean {
    const { journal } = this.ports;
    if (analysis.status === 'skipped') {
      journal.analysed(key, { status: 'skipped', analysis, reason: analysis.error }, pace);
      return false;
    }
    const entry = toManifestEntry(analysis, key);
    const kept = reanalysed(
      journal.before(key),
      { contentHash: analysis.contentHash, readable: entry.status === 'ok' },
      jobId,
    );
    if (entry.status === 'ok' && kept.supersedes) entry.supersedes = kept.supersedes;
    journal.analysed(
      key,
      { status: 'analysed', analysis, entry, jobId, uploadUrl: kept.uploadUrl },
      pace,
    );
    return true;
  }
}
