import type { BulkImportUpdate, JobStatusResponse } from '../schemas/index.js';
import type { ContinuePorts } from './continue-job.js';
import type { ImportApi, JobFeed } from './import-api.js';
import { retryFailed, type JobDelivery } from './job-delivery.js';
import { liveChange } from './live-change.js';
import type { ResumeTarget } from './resume-plan.js';
import {
  deliverResumed,
  reconcileRun,
  type ReconciledRun,
  type ResumeJournal,
  type RunResumeOptions,
} from './resume-run.js';

/** The journal of an import whose files all go to one job (the wizard's store). */
export interface SessionJournal extends ResumeJournal {
  /** The import's job (jobId null: none yet) and whether its whole manifest was sent. */
  target(): ResumeTarget;
  /** Records the import's job; `{ jobId: null }` when its files go to a new one. */
  setTarget(target: ResumeTarget): void | Promise<void>;
  /** The key of the file the job's entry `entryId` stands for; undefined when none. */
  keyOfEntry(entryId: string): string | undefined;
}

/** What an importer gives the session of one import's job. */
export interface JobSessionPorts {
  api: Pick<ImportApi, 'status' | 'retry' | 'follow'> & ContinuePorts;
  journal: SessionJournal;
  options: RunResumeOptions;
  /** Makes the import's job and records it as the journal's target; its id. */
  createJob(): Promise<string>;
  /** A delivery over the journal, the source and the API (JobDelivery), one for each run. */
  delivery(): JobDelivery;
  /** The manifest order of the entries to send (copiesTogether); the journal's when left out. */
  order?(send: readonly string[]): string[];
  /** What the session tells the importer, besides what the journal records. */
  tell?: SessionTold;
}

/** What a session tells as it goes. */
export interface SessionTold {
  /** The job's status as the server gave it; null once the import's files go to a new job. */
  status?(status: JobStatusResponse | null): void;
  /** The server does not know the journal's job (any error its call showed is over). */
  gone?(): void;
  /** A live event of the job, after the changes it makes to the files were recorded. */
  heard?(event: BulkImportUpdate): void;
}

/**
 * One import's job across the runs of its delivery (the wizard's uploads, run again after a
 * pause, a reload or a retry): asks the server once about the job the journal names
 * (reconcileRun) and records what it goes on with, makes the job only when an entry is to be
 * sent, delivers what the journal leaves to do (deliverResumed), keeps the journal in step with
 * the job's live events (liveChange, each file found by its entry id) and has the job take its
 * failed uploads back on demand.
 */
export class JobSession {
  private reconciled = false;
  private delivery: JobDelivery | null = null;
  private feed: JobFeed | null = null;

  constructor(private readonly ports: JobSessionPorts) {}

  /**
   * Once the journal names a job, before the first run that delivers to it: the server's word
   * on that job (reconcileRun). An open job, or a completed one the importer keeps, stays the
   * target (its manifest closed as the server says); one that takes nothing more is dropped
   * once the files it waited for were started afresh.
   * @returns what the server said; null when it was asked already or there is no job to ask about.
   */
  async reconcile(): Promise<ReconciledRun | null> {
    const { api, journal, options, tell } = this.ports;
    const before = journal.target();
    if (!before.jobId || this.reconciled) return null;
    const run = await reconcileRun(api, before.jobId, journal, options);
    this.reconciled = true;
    const { target, status, restarted } = run;
    if (!status) tell?.gone?.();
    if (target.jobId) {
      tell?.status?.(status);
      if (target.manifestClosed !== before.manifestClosed) await journal.setTarget(target);
    } else if (restarted.length > 0) {
      await journal.setTarget(target);
      tell?.status?.(null);
    }
    return run;
  }

  /**
   * Runs a delivery of what the journal leaves to do (reconciled first): the uploads the job
   * waits for, then the entries to send, the job made before the first of them; follows the
   * job's live events, and reads its status once every upload has ended or the run was stopped.
   * @throws what making the job, an ingest call or an upload threw.
   */
  async deliver(): Promise<void> {
    const { journal, options } = this.ports;
    await this.reconcile();
    const delivery = this.ports.delivery();
    this.delivery = delivery;
    try {
      await deliverResumed(delivery, journal, journal.target(), options, {
        job: () => this.job(),
        follow: (jobId) => this.follow(jobId),
        order: this.ports.order && ((send) => this.ports.order!(send)),
      });
      await this.refreshStatus();
    } finally {
      this.delivery = null;
    }
  }

  /** Holds the uploads of the run under way for `reason` (paused, offline) until released. */
  hold(reason: string): void {
    this.delivery?.hold(reason);
  }

  release(reason: string): void {
    this.delivery?.release(reason);
  }

  /** Stops the run under way (resumable; the manifest is left open) and the live feed. */
  stop(): void {
    void this.feed?.close();
    this.feed = null;
    this.delivery?.stop();
  }

  /** Reads the job's status from the server and tells it (after the live feed was away, at the end). */
  async refreshStatus(): Promise<void> {
    const { jobId } = this.ports.journal.target();
    if (!jobId) return;
    this.ports.tell?.status?.(await this.ports.api.status(jobId));
  }

  /** Has the job take its failed uploads back (retryFailed); they wait for the next run. */
  async retryFailed(): Promise<void> {
    const { jobId } = this.ports.journal.target();
    if (jobId) await retryFailed(this.ports.api, jobId, this.ports.journal);
  }

  /** The import's job, made before its first manifest call: nothing to reconcile about it. */
  private async job(): Promise<string> {
    const { jobId } = this.ports.journal.target();
    if (jobId) return jobId;
    const made = await this.ports.createJob();
    this.reconciled = true;
    return made;
  }

  /** Follows the job's live events (once): each ends its file in the journal (liveChange). */
  private follow(jobId: string): void {
    if (this.feed) return;
    this.feed = this.ports.api.follow(jobId, (event) => this.heard(event));
  }

  private heard(event: BulkImportUpdate): void {
    const { journal, tell } = this.ports;
    if (event.job_id !== journal.target().jobId) return;
    for (const update of event.files) {
      const key = journal.keyOfEntry(update.entry_id);
      const file = key === undefined ? undefined : journal.file(key);
      const change = file && liveChange(file.stage, update);
      if (change) journal.record(key!, change);
    }
    tell?.heard?.(event);
  }
}
